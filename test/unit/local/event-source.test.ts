import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expect, test } from '@jest/globals';
import type { SQSEvent } from 'aws-lambda';
import type { ConsumerDef } from '../../../lib/routes.ts';
import { runEventSource } from '../../../local/sqs-pollers.ts';

// The local stand-in for Lambda's SQS event source, against a scripted queue: what each receive
// returns, in order; after the script, the queue is empty.
const scriptedQueue = (script: Message[][]) => {
  const receives: number[] = [];
  const deleted: string[] = [];
  const madeVisible: string[] = [];
  const sqs = {
    send: async (command: unknown) => {
      if (command instanceof ReceiveMessageCommand) {
        receives.push(command.input.MaxNumberOfMessages ?? 1);
        const messages = script.shift() ?? [];
        if (messages.length === 0) await new Promise((r) => setTimeout(r, 5));
        return { Messages: messages.slice(0, command.input.MaxNumberOfMessages) };
      }
      if (command instanceof DeleteMessageBatchCommand) {
        deleted.push(...(command.input.Entries ?? []).map((e) => e.ReceiptHandle!));
        return {};
      }
      if (command instanceof ChangeMessageVisibilityBatchCommand) {
        for (const e of command.input.Entries ?? [])
          if (e.VisibilityTimeout! <= 1) madeVisible.push(e.ReceiptHandle!);
        return {};
      }
      throw new Error('unexpected command');
    },
  } as unknown as SQSClient;
  return { sqs, receives, deleted, madeVisible };
};

const message = (id: string, handle = `rh-${id}`): Message => ({
  MessageId: id,
  ReceiptHandle: handle,
  Body: id,
});

/** Runs the event source until the first invocation has been delivered, and returns what it was given. */
const firstBatch = async (def: Partial<ConsumerDef>, script: Message[][], answer: unknown = undefined) => {
  const queue = scriptedQueue(script);
  const events: SQSEvent[] = [];
  let stopping = false;
  await runEventSource(
    { queue: 'eventsIngest', handler: 'x.ts', batchSize: 10, ...def },
    async (event) => {
      events.push(event as SQSEvent);
      stopping = true;
      return answer;
    },
    queue.sqs,
    'http://localhost/000000000000/q',
    () => stopping,
  );
  return { ...queue, events };
};

describe('the local SQS event source', () => {
  test('gathers receives into one batch of up to batchSize, asking only for what is missing', async () => {
    const { events, receives, deleted } = await firstBatch({ batchSize: 3, maxBatchingWindowSeconds: 5 }, [
      [message('a'), message('b')],
      [message('c')],
    ]);
    expect(events[0]!.Records.map((r) => r.messageId)).toEqual(['a', 'b', 'c']);
    expect(receives.slice(0, 2)).toEqual([3, 1]);
    expect(deleted).toEqual(['rh-a', 'rh-b', 'rh-c']);
  });

  test('invokes with what it has once the batching window has passed', async () => {
    const started = Date.now();
    const { events } = await firstBatch({ batchSize: 100, maxBatchingWindowSeconds: 0.2 }, [[message('a')]]);
    expect(events[0]!.Records.map((r) => r.messageId)).toEqual(['a']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  test('without a window, the first receive is the batch', async () => {
    const { events } = await firstBatch({ batchSize: 100 }, [[message('a')], [message('b')]]);
    expect(events[0]!.Records.map((r) => r.messageId)).toEqual(['a']);
  });

  test('a message received again while gathering is kept once, with the receipt handle that can delete it', async () => {
    const { events, deleted } = await firstBatch({ batchSize: 2, maxBatchingWindowSeconds: 5 }, [
      [message('a', 'old')],
      [message('a', 'new')],
      [message('b')],
    ]);
    expect(events[0]!.Records.map((r) => [r.messageId, r.receiptHandle])).toEqual([
      ['a', 'new'],
      ['b', 'rh-b'],
    ]);
    expect(deleted).toEqual(['new', 'rh-b']);
  });

  test('reported failures stay in the queue; the rest are deleted', async () => {
    const { deleted } = await firstBatch(
      { batchSize: 2, maxBatchingWindowSeconds: 5 },
      [[message('a'), message('b')]],
      {
        batchItemFailures: [{ itemIdentifier: 'b' }],
      },
    );
    expect(deleted).toEqual(['rh-a']);
  });

  test('on stop, a batch still running after the grace period is handed back to the queue, not deleted', async () => {
    const queue = scriptedQueue([[message('a'), message('b')]]);
    let stopping = false;
    let finish: (value: unknown) => void = () => {};
    const running = runEventSource(
      { queue: 'eventsIngest', handler: 'x.ts', batchSize: 2 },
      () => {
        stopping = true;
        return new Promise((resolve) => {
          finish = resolve;
        });
      },
      queue.sqs,
      'http://localhost/000000000000/q',
      () => stopping,
      50,
    );
    await running;
    expect(queue.madeVisible).toEqual(['rh-a', 'rh-b']);
    finish(undefined);
    await new Promise((r) => setTimeout(r, 10));
    expect(queue.deleted).toEqual([]);
  });

  test('on stop, a batch that finishes within the grace period is deleted as usual', async () => {
    const { deleted, madeVisible } = await firstBatch({ batchSize: 2 }, [[message('a'), message('b')]]);
    expect(deleted).toEqual(['rh-a', 'rh-b']);
    expect(madeVisible).toEqual([]);
  });

  test('notices a stop while every invocation slot is busy, and hands those batches back', async () => {
    const queue = scriptedQueue([[message('a')], [message('b')]]);
    let stopping = false;
    const running = runEventSource(
      { queue: 'eventsIngest', handler: 'x.ts', batchSize: 1, maxConcurrency: 2 },
      () => new Promise(() => {}),
      queue.sqs,
      'http://localhost/000000000000/q',
      () => stopping,
      50,
    );
    await new Promise((r) => setTimeout(r, 100));
    stopping = true;
    await running;
    expect(queue.madeVisible.sort()).toEqual(['rh-a', 'rh-b']);
  });
});
