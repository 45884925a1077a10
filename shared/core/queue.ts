import { SendMessageBatchCommand, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { sqs } from './aws/sqs.ts';
import { chunks, mapBounded } from './concurrency.ts';
import { queueUrl } from './env.ts';
import { type RetryPolicy, untilNoneLeft } from './retry.ts';

const SEND_POLICY: RetryPolicy = { attempts: 5, baseMs: 50, capMs: 800 };
/** SendMessageBatch takes at most 10 entries (and 256 KiB in all: callers that may reach it group first). */
const MAX_BATCH_ENTRIES = 10;

/**
 * Puts every entry on `queue`, or throws. SendMessageBatch can accept some entries and refuse others;
 * those are sent again (with backoff), so when this resolves every entry is queued. `concurrency`
 * batch calls are in flight at once.
 */
export const sendAll = async (
  queue: string,
  entries: SendMessageBatchRequestEntry[],
  concurrency = 1,
): Promise<void> => {
  await mapBounded(chunks(entries, MAX_BATCH_ENTRIES), concurrency, (batch) =>
    untilNoneLeft(
      SEND_POLICY,
      batch,
      async (pending) => {
        const out = await sqs.send(
          new SendMessageBatchCommand({ QueueUrl: queueUrl(queue), Entries: pending }),
        );
        const failed = new Set((out.Failed ?? []).map((f) => f.Id));
        return pending.filter((entry) => failed.has(entry.Id));
      },
      `messages refused by SQS (${queue})`,
    ),
  );
};
