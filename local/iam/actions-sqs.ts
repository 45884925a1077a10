import { type Authorization, LOCAL_AWS } from './aws-account.ts';

// How SQS authorizes each operation (Service Authorization Reference, Amazon SQS): the batch
// operations have no action of their own (SendMessageBatch is sqs:SendMessage, DeleteMessageBatch
// sqs:DeleteMessage, ChangeMessageVisibilityBatch sqs:ChangeMessageVisibility); every other operation
// is the action of the same name on the queue, which requests name by QueueUrl (CreateQueue and
// GetQueueUrl by QueueName, the move-task ones by SourceArn); ListQueues is wildcard-only.

type Input = Record<string, unknown>;

export const queueArn = (name: string, accountId: string = LOCAL_AWS.accountId) =>
  `arn:${LOCAL_AWS.partition}:sqs:${LOCAL_AWS.region}:${accountId}:${name}`;

/**
 * A queue URL ends in /<account>/<name>, whatever its host. Not parsed with URL: fauxqs's hosts
 * (sqs.us-east-1.127.0.0.1:port) end in a number, which WHATWG URL rejects as a bad IPv4 address.
 */
export const queueArnFromUrl = (queueUrl: string) => {
  const path = queueUrl.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').split('?')[0] ?? '';
  const [account, name] = path.split('/').filter(Boolean).slice(-2);
  if (!name) return undefined;
  return queueArn(name, account && /^\d{12}$/.test(account) ? account : LOCAL_AWS.accountId);
};

const BATCH_ACTIONS: Record<string, string> = {
  SendMessageBatch: 'SendMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
};

const QUEUE_URL_OPERATIONS = new Set([
  'SendMessage',
  'SendMessageBatch',
  'ReceiveMessage',
  'DeleteMessage',
  'DeleteMessageBatch',
  'ChangeMessageVisibility',
  'ChangeMessageVisibilityBatch',
  'GetQueueAttributes',
  'SetQueueAttributes',
  'PurgeQueue',
  'DeleteQueue',
  'ListQueueTags',
  'TagQueue',
  'UntagQueue',
  'ListDeadLetterSourceQueues',
  'AddPermission',
  'RemovePermission',
]);

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * The IAM checks one SQS request (JSON protocol: X-Amz-Target AmazonSQS.<operation>) needs; undefined
 * when the gate does not know the operation or the request names no queue it can resolve.
 */
export const sqsAuthorizations = (operation: string, input: Input): Authorization[] | undefined => {
  const action = `sqs:${BATCH_ACTIONS[operation] ?? operation}`;
  if (operation === 'ListQueues') return [{ action, resource: '*', shownResource: null }];
  let resource: string | undefined;
  if (QUEUE_URL_OPERATIONS.has(operation)) {
    const url = str(input.QueueUrl);
    resource = url ? queueArnFromUrl(url) : undefined;
  } else if (operation === 'CreateQueue' || operation === 'GetQueueUrl') {
    const name = str(input.QueueName);
    const owner = str(input.QueueOwnerAWSAccountId);
    resource = name ? queueArn(name, owner) : undefined;
  } else if (operation === 'StartMessageMoveTask' || operation === 'ListMessageMoveTasks') {
    resource = str(input.SourceArn);
  }
  return resource ? [{ action, resource }] : undefined;
};
