import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { sqs } from '../core/aws/sqs.ts';
import { queueUrl } from '../core/env.ts';
import { type RetryPolicy, untilNoneLeft } from '../core/retry.ts';
import { sendBatches } from './ingest.ts';
import type { ReplayMessage } from './schemas.ts';

const SEND_POLICY: RetryPolicy = { attempts: 5, baseMs: 50, capMs: 800 };

/**
 * Puts every message body on the ingest queue, or throws. SendMessageBatch can accept some entries
 * and fail others; those are sent again (with backoff), so when this resolves every event is queued.
 * A throw leaves the request unanswered-as-accepted; the client retries with the same event ids.
 */
export const enqueue = async (bodies: string[]): Promise<void> => {
  await Promise.all(sendBatches(bodies).map(sendAll));
};

const sendAll = async (bodies: string[]): Promise<void> => {
  await untilNoneLeft(
    SEND_POLICY,
    bodies.map((body, i) => ({ Id: String(i), MessageBody: body })),
    async (pending) => {
      const out = await sqs.send(
        new SendMessageBatchCommand({ QueueUrl: queueUrl('eventsIngest'), Entries: pending }),
      );
      const failed = new Set((out.Failed ?? []).map((f) => f.Id));
      return pending.filter((entry) => failed.has(entry.Id));
    },
    'messages refused by SQS',
  );
};

/** Queues page `page` of a replay (its consumer is functions/events/replay.ts). */
export const enqueueReplayPage = async (replayId: string, page: number): Promise<void> => {
  const message: ReplayMessage = { replay_id: replayId, page };
  await sqs.send(
    new SendMessageCommand({ QueueUrl: queueUrl('eventsReplay'), MessageBody: JSON.stringify(message) }),
  );
};
