import { setTimeout as sleep } from 'node:timers/promises';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { QueueKey } from '../lib/resources.ts';
import { type ConsumerDef, consumers } from '../lib/routes.ts';
import { chunks } from '../shared/core/concurrency.ts';
import { queueArn as arnOfQueue } from './iam/actions-sqs.ts';
import type { Invoke } from './lambda.ts';

// What the Lambda SQS event source does, on one machine: long-poll, invoke the consumer with a real
// SQSEvent, delete what succeeded. A thrown handler deletes nothing (the messages come back after the
// visibility timeout and, after maxReceiveCount, fauxqs moves them to the DLQ); with
// ReportBatchItemFailures every message not listed is deleted, and an unknown or malformed
// itemIdentifier fails the whole batch.

const SQS_RECEIVE_MAX = 10;

const toSqsRecord = (message: Message, queueArn: string): SQSRecord => ({
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

// While a batch is being gathered, an empty short poll waits this long before the next one.
const GATHER_IDLE_MS = 50;
// On stop, batches in flight get this long to finish; the rest are handed back to the queue.
const STOP_GRACE_MS = 7_000;
const STOP_POLL_MS = 200;

/**
 * One consumer's event source: long-polls until a message arrives, then gathers more (as Lambda's
 * does) until the batch holds `batchSize` messages or `maxBatchingWindowSeconds` have passed since the
 * first, and hands the batch to an invocation, up to `maxConcurrency` (default 2) at once. One
 * gatherer per queue, so a window's messages land in one batch and its consumer can coalesce them.
 * Once stopping, a batch still running after `graceMs` is made visible again at once (its function is
 * about to be torn down): a restart redelivers it now rather than after the visibility timeout, and
 * the consumer's idempotency makes a second delivery harmless.
 */
export const runEventSource = async (
  def: ConsumerDef,
  invoke: Invoke,
  sqs: SQSClient,
  queueUrl: string,
  isStopping: () => boolean,
  graceMs = STOP_GRACE_MS,
) => {
  const queueArn = arnOfQueue(queueUrl.split('/').pop()!);
  const windowMs = (def.maxBatchingWindowSeconds ?? 0) * 1000;
  const maxConcurrency = Math.min(def.maxConcurrency ?? 2, 10);
  const receive = async (max: number, waitSeconds: number) =>
    (
      await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(max, SQS_RECEIVE_MAX),
          WaitTimeSeconds: waitSeconds,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      )
    ).Messages ?? [];

  // A message whose visibility ran out while the batch was gathered comes back: it is kept once, with
  // its latest receipt handle (the only one that can delete it).
  const gather = async () => {
    const batch = new Map<string | undefined, Message>();
    const add = (messages: Message[]) => {
      for (const m of messages) batch.set(m.MessageId, m);
      return messages.length;
    };
    add(await receive(def.batchSize, 1));
    const deadline = Date.now() + windowMs;
    while (batch.size > 0 && batch.size < def.batchSize && Date.now() < deadline && !isStopping()) {
      if (add(await receive(def.batchSize - batch.size, 0)) === 0)
        await sleep(Math.min(GATHER_IDLE_MS, deadline - Date.now()));
    }
    return [...batch.values()];
  };

  const released = new Set<Message[]>();
  const deliver = async (batch: Message[]) => {
    const event: SQSEvent = { Records: batch.map((m) => toSqsRecord(m, queueArn)) };
    let done: Message[] = [];
    try {
      done = messagesToDelete(batch, await invoke(event));
    } catch (err) {
      if (released.has(batch)) return;
      console.error(
        `local sqs: ${def.handler} failed; the batch will be redelivered`,
        (err as Error).message,
      );
    }
    // Handed back on stop: its receipt handles are spent, the messages are someone else's now.
    if (released.has(batch)) return;
    for (const entries of chunks(done, SQS_RECEIVE_MAX)) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: entries.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
  };

  // 1 s rather than 0: fauxqs 2.4 fails to persist a message made visible at once (NOT NULL on its
  // receive count) and the change would be lost.
  const release = async (batch: Message[]) => {
    released.add(batch);
    for (const entries of chunks(batch, SQS_RECEIVE_MAX)) {
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: entries.map((m, j) => ({
            Id: String(j),
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: 1,
          })),
        }),
      );
    }
  };

  const invocations = new Map<Promise<void>, Message[]>();
  while (!isStopping()) {
    if (invocations.size >= maxConcurrency) {
      // Woken now and then as well, so a stop is noticed while long batches (a city, a file) still run.
      await Promise.race([...invocations.keys(), sleep(STOP_POLL_MS)]);
      continue;
    }
    try {
      const batch = await gather();
      if (batch.length === 0) continue;
      const invocation = deliver(batch)
        .catch((err: Error) =>
          console.error(`local sqs: ${def.queue}: could not delete a batch:`, err.message),
        )
        .finally(() => invocations.delete(invocation));
      invocations.set(invocation, batch);
    } catch (err) {
      // A receive cut short by shutdown is not worth a line; anything else is retried after a pause.
      if (isStopping()) break;
      console.error(`local sqs: ${def.queue}:`, (err as Error).message);
      await sleep(1000);
    }
  }
  const finished = Promise.all(invocations.keys()).then(() => true);
  if (await Promise.race([finished, sleep(graceMs).then(() => false)])) return;
  await Promise.all(
    [...invocations.values()].map((batch) =>
      release(batch).catch((err: Error) =>
        console.error(`local sqs: ${def.queue}: could not hand a batch back:`, err.message),
      ),
    ),
  );
};

/**
 * An event source per consumer in the manifest. As Lambda's event source mapping polls with the
 * function's execution role, `sqsOf` gives each consumer an SQS client signed with its own credentials.
 */
export const startPollers = (
  invokerOf: (def: ConsumerDef) => Invoke,
  sqsOf: (def: ConsumerDef) => SQSClient,
  queueUrls: Record<QueueKey, string>,
) => {
  let stopping = false;
  const running = consumers.map((def) =>
    runEventSource(def, invokerOf(def), sqsOf(def), queueUrls[def.queue], () => stopping),
  );
  return {
    // Each event source finishes its receive (at most the 1 s long poll) and the batches in hand.
    stop: async () => {
      stopping = true;
      await Promise.all(running);
    },
  };
};
