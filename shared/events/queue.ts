import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { sqs } from '../core/aws/sqs.ts';
import { queueUrl } from '../core/env.ts';
import { sendAll } from '../core/queue.ts';
import { sendBatches } from './ingest.ts';
import type { ReplayMessage } from './schemas.ts';

/**
 * Puts every message body on the ingest queue, or throws (core sendAll sends refused entries again).
 * A throw leaves the request unanswered-as-accepted; the client retries with the same event ids.
 */
export const enqueue = async (bodies: string[]): Promise<void> => {
  await Promise.all(
    sendBatches(bodies).map((batch) =>
      sendAll(
        'eventsIngest',
        batch.map((body, i) => ({ Id: String(i), MessageBody: body })),
      ),
    ),
  );
};

/** Queues page `page` of a replay (its consumer is functions/events/replay.ts). */
export const enqueueReplayPage = async (replayId: string, page: number): Promise<void> => {
  const message: ReplayMessage = { replay_id: replayId, page };
  await sqs.send(
    new SendMessageCommand({ QueueUrl: queueUrl('eventsReplay'), MessageBody: JSON.stringify(message) }),
  );
};
