import * as z from 'zod';
import { classify, type Outcome } from './classify.ts';
import type { EventErrorCode } from './schemas.ts';

const ingestMessage = z.object({
  application_id: z.string().min(1),
  received_at: z.iso.datetime(),
  events: z.array(z.object({ id: z.string().min(1), event: z.unknown() })),
});

/** Decides every event of a queue message; a body that is not an ingest message throws (→ DLQ). */
export const outcomesOfMessage = (body: string): Outcome[] => {
  const message = ingestMessage.parse(JSON.parse(body));
  return message.events.map(({ id, event }) =>
    classify(message.application_id, id, event, message.received_at),
  );
};

export interface Tally {
  stored: number;
  duplicates: number;
  errors: Partial<Record<EventErrorCode, number>>;
}

/**
 * Stores each outcome with at most `parallel` writes in flight; counts only what this call wrote, so
 * a redelivered message adds nothing to the metrics either.
 */
export const storeAll = async (
  outcomes: Outcome[],
  store: (outcome: Outcome) => Promise<boolean>,
  parallel = 16,
): Promise<Tally> => {
  const tally: Tally = { stored: 0, duplicates: 0, errors: {} };
  let next = 0;
  const worker = async () => {
    while (next < outcomes.length) {
      const outcome = outcomes[next++] as Outcome;
      if (!(await store(outcome))) tally.duplicates++;
      else if (outcome.kind === 'event') tally.stored++;
      else tally.errors[outcome.error.code] = (tally.errors[outcome.error.code] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, outcomes.length) }, worker));
  return tally;
};
