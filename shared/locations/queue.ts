import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { sqs } from '../core/aws/sqs.ts';
import { queueUrl } from '../core/env.ts';
import { minuteId } from './minutes.ts';
import type { UserMinute, UserMinutesMessage } from './schemas.ts';

// The user-minutes queue: which minutes' averages are due for a recompute
// (functions/locations/average-minute.ts consumes it).

// One message names up to this many user-minutes (~70 bytes each, far below SQS's 256 KB).
const MINUTES_PER_MESSAGE = 50;

const minuteMessage = (minutes: UserMinute[]) => {
  const message: UserMinutesMessage = {
    minutes: minutes.map((m) => ({ user_id: m.user_id, minute: m.minute })),
  };
  return JSON.stringify(message);
};

interface Waiter {
  minute: UserMinute;
  done: (err?: Error) => void;
}

// Group commit: while a send is out, new user-minutes wait and leave together in the next message, the
// same user-minute once. An idle caller's message leaves at once (no timer), so on Lambda (one request
// per container) nothing changes; when requests pile up (the local runtime runs every request in one
// process, and SQS costs per message) they share messages: at 1,000 PUT/s about one message per ten
// PUTs. Every waiter's minute was stored before it was queued here, so one mention covers all waiters
// of a minute.
const waiting: Waiter[] = [];
let sending = false;

const takeBatch = () => {
  const ids = new Set<string>();
  for (const w of waiting) {
    ids.add(minuteId(w.minute));
    if (ids.size === MINUTES_PER_MESSAGE) break;
  }
  const taken: Waiter[] = [];
  const kept: Waiter[] = [];
  for (const w of waiting) (ids.has(minuteId(w.minute)) ? taken : kept).push(w);
  waiting.splice(0, waiting.length, ...kept);
  return taken;
};

const sendBatch = async (waiters: Waiter[]) => {
  const minutes = new Map(waiters.map((w) => [minuteId(w.minute), w.minute]));
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl('locationMinutes'),
      MessageBody: minuteMessage([...minutes.values()]),
    }),
  );
};

const pump = () => {
  if (sending || waiting.length === 0) return;
  const batch = takeBatch();
  sending = true;
  sendBatch(batch)
    .then(
      () => {
        for (const w of batch) w.done();
      },
      (err: Error) => {
        for (const w of batch) w.done(err);
      },
    )
    .finally(() => {
      sending = false;
      pump();
    });
};

/** Asks the averaging consumer to recompute these user-minutes; resolves once all are queued. */
export const enqueueMinutes = async (minutes: UserMinute[]): Promise<void> => {
  const queued = minutes.map(
    (minute) =>
      new Promise<void>((resolve, reject) => {
        waiting.push({ minute, done: (err) => (err ? reject(err) : resolve()) });
      }),
  );
  pump();
  await Promise.all(queued);
};
