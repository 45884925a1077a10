import { setTimeout as sleep } from 'node:timers/promises';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { sqs } from '../core/aws/sqs.ts';
import { queueUrl } from '../core/env.ts';
import { sendBatches } from './ingest.ts';

const ATTEMPTS = 5;

/**
 * Puts every message body on the ingest queue, or throws. SendMessageBatch can accept some entries
 * and fail others; those are sent again (with backoff), so when this resolves every event is queued.
 * A throw leaves the request unanswered-as-accepted; the client retries with the same event ids.
 */
export const enqueue = async (bodies: string[]): Promise<void> => {
  await Promise.all(sendBatches(bodies).map(sendAll));
};

const sendAll = async (bodies: string[]): Promise<void> => {
  let pending = bodies.map((body, i) => ({ Id: String(i), MessageBody: body }));
  for (let attempt = 1; ; attempt++) {
    const out = await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl('eventsIngest'), Entries: pending }),
    );
    const failed = new Set((out.Failed ?? []).map((f) => f.Id));
    pending = pending.filter((entry) => failed.has(entry.Id));
    if (pending.length === 0) return;
    if (attempt === ATTEMPTS) {
      const reasons = (out.Failed ?? []).map((f) => `${f.Code}: ${f.Message}`).join(', ');
      throw new Error(`SQS refused ${pending.length} messages after ${ATTEMPTS} attempts (${reasons})`);
    }
    await sleep(2 ** attempt * 25 * Math.random());
  }
};
