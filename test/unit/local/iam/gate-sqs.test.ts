import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { type IamGate, startIamGate } from '../../../../local/iam/gate.ts';
import { allow, credentialsOf, OPERATOR, outcome, principal } from './fixtures.ts';

const Q = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;

let fauxqs: FauxqsServer;
let gate: IamGate;
let queueUrl: string;

const client = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
  new SQSClient({ region: 'us-east-1', endpoint: gate.endpoint, credentials, maxAttempts: 1 });

beforeAll(async () => {
  fauxqs = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  gate = await startIamGate({ service: 'sqs', upstream: fauxqs.address, principals: [] });
  queueUrl = (await client(OPERATOR).send(new CreateQueueCommand({ QueueName: 'eye-busFetch' }))).QueueUrl!;
});
afterAll(async () => {
  await gate.stop();
  await fauxqs.stop();
});

// Each operation with the one action AWS checks for it (the batch ones have none of their own).
type Case = [name: string, command: () => object, action: string, resource: string];
const CASES: Case[] = [
  [
    'SendMessage',
    () => new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x' }),
    'sqs:SendMessage',
    Q('eye-busFetch'),
  ],
  [
    'SendMessageBatch',
    () => new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: '1', MessageBody: 'x' }] }),
    'sqs:SendMessage',
    Q('eye-busFetch'),
  ],
  [
    'ReceiveMessage',
    () => new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }),
    'sqs:ReceiveMessage',
    Q('eye-busFetch'),
  ],
  [
    'DeleteMessage',
    () => new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: 'h' }),
    'sqs:DeleteMessage',
    Q('eye-busFetch'),
  ],
  [
    'DeleteMessageBatch',
    () => new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: '1', ReceiptHandle: 'h' }] }),
    'sqs:DeleteMessage',
    Q('eye-busFetch'),
  ],
  [
    'ChangeMessageVisibility',
    () =>
      new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: 'h', VisibilityTimeout: 5 }),
    'sqs:ChangeMessageVisibility',
    Q('eye-busFetch'),
  ],
  [
    'ChangeMessageVisibilityBatch',
    () =>
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: [{ Id: '1', ReceiptHandle: 'h', VisibilityTimeout: 5 }],
      }),
    'sqs:ChangeMessageVisibility',
    Q('eye-busFetch'),
  ],
  [
    'GetQueueAttributes',
    () => new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    'sqs:GetQueueAttributes',
    Q('eye-busFetch'),
  ],
  [
    'GetQueueUrl',
    () => new GetQueueUrlCommand({ QueueName: 'eye-busFetch' }),
    'sqs:GetQueueUrl',
    Q('eye-busFetch'),
  ],
  [
    'CreateQueue',
    () => new CreateQueueCommand({ QueueName: 'eye-other' }),
    'sqs:CreateQueue',
    Q('eye-other'),
  ],
  ['PurgeQueue', () => new PurgeQueueCommand({ QueueUrl: queueUrl }), 'sqs:PurgeQueue', Q('eye-busFetch')],
  ['ListQueues', () => new ListQueuesCommand({}), 'sqs:ListQueues', '*'],
];

const run = (p: ReturnType<typeof principal>, command: object) =>
  outcome(client(credentialsOf(p)).send(command as never));

describe('the SQS gate authorizes each operation as AWS does', () => {
  test.each(CASES)('%s reaches the queue with its action granted', async (_, command, action, resource) => {
    const fn = principal('fn', [allow(action, resource)]);
    gate.setPrincipals([fn]);
    // fauxqs may still refuse a made-up receipt handle: any answer but the gate's own got past it.
    const result = await run(fn, command());
    expect(['AccessDenied', 'InvalidAction']).not.toContain(result.name);
  });

  test.each(CASES)(
    '%s is refused AccessDenied without it, as the SDK surfaces SQS errors',
    async (_, command, action, resource) => {
      const fn = principal('fn', [allow('sqs:*', Q('unrelated'))]);
      gate.setPrincipals([fn]);
      const lower = action.toLowerCase();
      const on = resource === '*' ? '' : ` on resource: ${resource}`;
      expect(await run(fn, command())).toEqual({
        name: 'AccessDenied',
        status: 403,
        message: `User: ${fn.arn} is not authorized to perform: ${lower}${on} because no identity-based policy allows the ${lower} action`,
      });
    },
  );

  test("a consumer granted what CDK's grantConsumeMessages gives can receive, extend and delete", async () => {
    await client(OPERATOR).send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'job' }));
    const fn = principal('consumer', [
      allow(
        [
          'sqs:ReceiveMessage',
          'sqs:ChangeMessageVisibility',
          'sqs:GetQueueUrl',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
        ],
        Q('eye-busFetch'),
      ),
    ]);
    gate.setPrincipals([fn]);
    const sqs = client(credentialsOf(fn));
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    expect(Messages.map((m) => m.Body)).toContain('job');
    const handle = Messages.find((m) => m.Body === 'job')!.ReceiptHandle!;
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: handle,
        VisibilityTimeout: 30,
      }),
    );
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: handle }));
    expect((await run(fn, new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x' }))).name).toBe(
      'AccessDenied',
    );
  });
});

describe('the SQS gate authenticates callers as AWS does', () => {
  test('an unknown key is InvalidClientTokenId, a wrong secret SignatureDoesNotMatch (both 403)', async () => {
    expect(
      await outcome(
        client({ accessKeyId: 'AKIANOBODY', secretAccessKey: 'x' }).send(new ListQueuesCommand({})),
      ),
    ).toEqual({
      name: 'InvalidClientTokenId',
      status: 403,
      message: 'The security token included in the request is invalid.',
    });
    const fn = principal('fn', [allow('sqs:*', '*')]);
    gate.setPrincipals([fn]);
    expect(
      await outcome(
        client({ accessKeyId: fn.accessKeyId, secretAccessKey: 'wrong' }).send(new ListQueuesCommand({})),
      ),
    ).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
  });

  test('the operator may do anything', async () => {
    expect((await outcome(client(OPERATOR).send(new PurgeQueueCommand({ QueueUrl: queueUrl })))).name).toBe(
      'ok',
    );
  });
});
