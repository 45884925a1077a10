import { classify, type Outcome } from '../classify.ts';
import { loadRegistry } from '../registry.ts';
import { type Claim, claimOutcome, writeCopies } from '../repository.ts';
import type { EventErrorCode, IngestMessage } from '../schemas.ts';

/** Decides every event of a queue message against its application's types as they are now. */
export const outcomesOfMessage = async (message: IngestMessage): Promise<Outcome[]> => {
  const registry = await loadRegistry(
    message.application_id,
    message.events.map((e) => e.event),
  );
  return message.events.map(({ id, event }) =>
    classify(message.application_id, id, event, message.received_at, registry),
  );
};

interface TypeTally {
  category: string;
  name: string;
  mode: string;
  stored: number;
  /** Stored with violations (mode `warn`). */
  warned: number;
  errors: number;
}

export interface Tally {
  stored: number;
  duplicates: number;
  errors: Partial<Record<EventErrorCode, number>>;
  /** What this call wrote per type (category + name) and mode; events of no known type are left out. */
  byType: Map<string, TypeTally>;
}

const countByType = (tally: Tally, outcome: Outcome) => {
  const category = outcome.kind === 'event' ? outcome.event.category : outcome.type.category;
  const name = outcome.kind === 'event' ? outcome.event.name : outcome.type.name;
  if (!outcome.mode || category === null || name === null) return;
  const key = JSON.stringify([category, name, outcome.mode]);
  const entry = tally.byType.get(key) ?? {
    category,
    name,
    mode: outcome.mode,
    stored: 0,
    warned: 0,
    errors: 0,
  };
  if (outcome.kind === 'error') entry.errors++;
  else if (outcome.event.violations.length > 0) entry.warned++;
  else entry.stored++;
  tally.byType.set(key, entry);
};

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
  const tally: Tally = { stored: 0, duplicates: 0, errors: {}, byType: new Map() };
  const copies: Record<string, unknown>[] = [];
  await Promise.all(
    outcomes.map(async (outcome) => {
      await acquire();
      try {
        const claim = await store.claim(outcome);
        if (claim.copy) copies.push(claim.copy);
        if (claim.stored) countByType(tally, outcome);
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

/** One ingest queue message: its events decided and stored, each once however often it is delivered. */
export const processMessage = async (message: IngestMessage): Promise<Tally> =>
  storeAll(await outcomesOfMessage(message), { claim: claimOutcome, writeCopies });
