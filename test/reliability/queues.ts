import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type QueueAttributeName,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { QueueKey } from '../../lib/resources.ts';
import { localNames } from '../../local/provision.ts';
import { eventually, OPERATOR_CREDENTIALS, type TestStack } from '../integration/harness.ts';

// The test's own line to the stack's SQS emulator (its endpoint changes on restart, so it is read
// from the stack on every call): send straight to a consumer's queue, look at depths and the DLQ.

export const queues = (stack: TestStack) => {
  const client = () =>
    new SQSClient({
      region: 'us-east-1',
      endpoint: stack.endpoints.sqs,
      credentials: OPERATOR_CREDENTIALS,
    });
  const urlOf = async (name: string) =>
    (await client().send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
  const queueUrl = (key: QueueKey) => urlOf(localNames.queue(key));
  const dlqUrl = (key: QueueKey) => urlOf(localNames.dlq(key));
  const attributes = async (url: string, names: QueueAttributeName[]) =>
    (await client().send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names })))
      .Attributes ?? {};
  const depth = async (url: string) => {
    const a = await attributes(url, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible']);
    return {
      visible: Number(a.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  };
  return {
    queueUrl,
    dlqUrl,
    depth,
    send: async (key: QueueKey, body: string) =>
      client().send(new SendMessageCommand({ QueueUrl: await queueUrl(key), MessageBody: body })),
    /** One SendMessageBatch, so the messages are received (and handed to the consumer) together. */
    sendBatch: async (key: QueueKey, bodies: string[]) => {
      const out = await client().send(
        new SendMessageBatchCommand({
          QueueUrl: await queueUrl(key),
          Entries: bodies.map((MessageBody, i) => ({ Id: String(i), MessageBody })),
        }),
      );
      if (out.Failed?.length) throw new Error(`SQS refused ${JSON.stringify(out.Failed)}`);
      return out.Successful!.sort((a, b) => Number(a.Id) - Number(b.Id)).map((s) => s.MessageId!);
    },
    /** Waits until the queue holds nothing, visible or in flight: every delivery has been handled. */
    drained: async (key: QueueKey, timeoutMs = 20_000) => {
      const url = await queueUrl(key);
      await eventually(
        async () => {
          const d = await depth(url);
          return d.visible + d.inFlight === 0;
        },
        timeoutMs,
        100,
      );
    },
    /** Shortens a queue's redelivery cycle, so a test can watch maxReceiveCount run out in seconds. */
    shorten: async (key: QueueKey, visibilityTimeoutSeconds: number, maxReceiveCount: number) => {
      const url = await queueUrl(key);
      const dlqArn = (await attributes(await dlqUrl(key), ['QueueArn'])).QueueArn;
      await client().send(
        new SetQueueAttributesCommand({
          QueueUrl: url,
          Attributes: {
            VisibilityTimeout: String(visibilityTimeoutSeconds),
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount }),
          },
        }),
      );
    },
  };
};
