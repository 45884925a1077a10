import { Worker } from 'node:worker_threads';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { Consumer } from 'sqs-consumer';
import type { QueueKey } from '../lib/resources.ts';
import { type ConsumerDef, consumers } from '../lib/routes.ts';
import { type Invoke, loadHandler } from './lambda.ts';

// What the Lambda SQS event source does, on one machine: long-poll, invoke the consumer with a real
// SQSEvent, delete what succeeded. A thrown handler deletes nothing (the messages come back after the
// visibility timeout and, after maxReceiveCount, fauxqs moves them to the DLQ); with
// ReportBatchItemFailures every message not listed is deleted, and an unknown or malformed
// itemIdentifier fails the whole batch.

const SQS_RECEIVE_MAX = 10;

export const toSqsRecord = (message: Message, queueArn: string): SQSRecord => ({
  messageId: message.MessageId!,
  receiptHandle: message.ReceiptHandle!,
  body: message.Body ?? '',
  attributes: {
    ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
    SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
    SenderId: message.Attributes?.SenderId ?? 'local',
    ApproximateFirstReceiveTimestamp:
      message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
  },
  messageAttributes: Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
      name,
      {
        stringValue: value.StringValue,
        dataType: value.DataType ?? 'String',
        stringListValues: [],
        binaryListValues: [],
      },
    ]),
  ),
  md5OfBody: message.MD5OfBody ?? '',
  eventSource: 'aws:sqs',
  eventSourceARN: queueArn,
  awsRegion: 'us-east-1',
});

/** Which messages of a batch to delete, given what the handler answered (AWS's rules). */
export const messagesToDelete = (messages: Message[], result: unknown): Message[] => {
  const failures = (result as SQSBatchResponse | undefined)?.batchItemFailures;
  if (!failures || failures.length === 0) return messages;
  const ids = new Set(messages.map((m) => m.MessageId));
  if (failures.some((f) => typeof f.itemIdentifier !== 'string' || !ids.has(f.itemIdentifier))) return [];
  const failed = new Set<string | undefined>(failures.map((f) => f.itemIdentifier));
  return messages.filter((m) => !failed.has(m.MessageId));
};

const startConsumer = (
  def: ConsumerDef,
  invoke: Invoke,
  sqs: SQSClient,
  queueUrl: string,
  isStopping: () => boolean,
) => {
  const queueArn = `arn:aws:sqs:us-east-1:000000000000:${queueUrl.split('/').pop()}`;
  const consumer = Consumer.create({
    queueUrl,
    sqs,
    batchSize: Math.min(def.batchSize, SQS_RECEIVE_MAX),
    waitTimeSeconds: 1,
    pollingWaitTimeMs: 0,
    // Lets stop() wait for the in-flight receive and handler, so the emulators are closed after them.
    pollingCompleteWaitTimeMs: 10_000,
    attributeNames: ['All'],
    messageAttributeNames: ['All'],
    messageSystemAttributeNames: ['All'],
    handleMessageBatch: async (messages) => {
      const event: SQSEvent = { Records: messages.map((m) => toSqsRecord(m, queueArn)) };
      try {
        return messagesToDelete(messages, await invoke(event));
      } catch (err) {
        console.error(
          `local sqs: ${def.handler} failed; the batch will be redelivered`,
          (err as Error).message,
        );
        return [];
      }
    },
  });
  // A receive cut short by shutdown is not worth a line.
  consumer.on('error', (err) => {
    if (!isStopping()) console.error(`local sqs: ${def.queue}:`, err.message);
  });
  consumer.start();
  return consumer;
};

/** One or more pollers per consumer in the manifest (more for consumers allowed to fan out). */
export const startPollers = async (sqs: SQSClient, queueUrls: Record<QueueKey, string>) => {
  const running: Consumer[] = [];
  let stopping = false;
  for (const def of consumers) {
    const invoke = await loadHandler(def);
    const pollers = Math.min(def.maxConcurrency ?? 2, 10);
    for (let i = 0; i < pollers; i++)
      running.push(startConsumer(def, invoke, sqs, queueUrls[def.queue], () => stopping));
  }
  return {
    stop: async () => {
      stopping = true;
      await Promise.all(
        running.map(
          (c) =>
            new Promise<void>((resolve) => {
              c.once('stopped', () => resolve());
              c.stop({ abort: false });
            }),
        ),
      );
    },
  };
};

/** The pollers on a worker thread (local/pollers-worker.ts); the env they read is this process's. */
export const startPollersThread = async (queueUrls: Record<QueueKey, string>) => {
  const worker = new Worker(new URL('./pollers-worker.ts', import.meta.url), { workerData: { queueUrls } });
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', () => resolve());
  });
  return {
    stop: async () => {
      const stopped = new Promise<void>((resolve) => worker.once('message', () => resolve()));
      worker.postMessage('stop');
      await stopped;
      await worker.terminate();
    },
  };
};
