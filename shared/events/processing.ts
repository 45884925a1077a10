import * as z from 'zod';
import { classify, type Outcome } from './classify.ts';
import { loadRegistry } from './registry.ts';
import type { Claim } from './repository.ts';
import type { EventErrorCode } from './schemas.ts';

const ingestMessage = z.object({
  application_id: z.string().min(1),
  received_at: z.iso.datetime(),
  events: z.array(z.object({ id: z.string().min(1), event: z.unknown() })),
});

/**
 * Decides every event of a queue message against its application's types as they are now; a body
 * that is not an ingest message throws (→ DLQ).
 */
export const outcomesOfMessage = async (body: string): Promise<Outcome[]> => {
  const message = ingestMessage.parse(JSON.parse(body));
  const registry = await loadRegistry(
    message.application_id,
    message.events.map((e) => e.event),
  );
  return message.events.map(({ id, event }) =>
    classify(message.application_id, id, event, message.received_at, registry),
  );
};

export interface Tally {
  stored: number;
  duplicates: number;
  errors: Partial<Record<EventErrorCode, number>>;
}

// Writes in flight across every record this container is processing: the SQS chain handles a
// batch's records concurrently, and an unbounded fan-out of puts only queues up in DynamoDB (and,
// locally, starves the HTTP side that shares the emulator).
const MAX_WRITES_IN_FLIGHT = 8;
let writesInFlight = 0;
const waiting: (() => void)[] = [];
const acquire = async () => {
  while (writesInFlight >= MAX_WRITES_IN_FLIGHT) await new Promise<void>((resolve) => waiting.push(resolve));
  writesInFlight++;
};
const release = () => {
  writesInFlight--;
  waiting.shift()?.();
};

export interface Store {
  claim: (outcome: Outcome) => Promise<Claim>;
  writeCopies: (copies: Record<string, unknown>[]) => Promise<void>;
}

/**
 * Stores each outcome; counts only what this call wrote, so a redelivered message adds nothing.
 * Resolves once every stored event also has its cross-application copy.
 */
export const storeAll = async (outcomes: Outcome[], store: Store): Promise<Tally> => {
  const tally: Tally = { stored: 0, duplicates: 0, errors: {} };
  const copies: Record<string, unknown>[] = [];
  await Promise.all(
    outcomes.map(async (outcome) => {
      await acquire();
      try {
        const claim = await store.claim(outcome);
        if (claim.copy) copies.push(claim.copy);
        if (!claim.stored) tally.duplicates++;
        else if (outcome.kind === 'event') tally.stored++;
        else tally.errors[outcome.error.code] = (tally.errors[outcome.error.code] ?? 0) + 1;
      } finally {
        release();
      }
    }),
  );
  await store.writeCopies(copies);
  return tally;
};
