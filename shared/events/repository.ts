import { randomUUID } from 'node:crypto';
import {
  BatchWriteCommand,
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/aws/dynamo.ts';
import { chunks } from '../core/concurrency.ts';
import { cancellationCodes, putIfAbsent, queryAll } from '../core/dynamo.ts';
import { type RetryPolicy, untilNoneLeft, withRetries } from '../core/retry.ts';
import type { ErrorType, Outcome } from './classify.ts';
import { mergedPage, type Partition } from './partitions.ts';
import { copyOf, counterUpdates, errorItems, eventItem } from './record-items.ts';
import { type Item, keys, table } from './record-keys.ts';
import { type EventError, type EventErrorCode, envelopeName } from './schemas.ts';
import { counterAttributes, ERROR_SHARDS, REPLAYED_ATTRIBUTE } from './summary.ts';

// The record items' writes (each claimed once) and the error listings; their keys and layout are in
// record-keys.ts, the event listings in event-queries.ts.

const TRANSACTION_POLICY: RetryPolicy = { attempts: 6, baseMs: 20, capMs: 640 };

/**
 * Runs a transaction whose first item is conditional: true if it committed, false if that condition
 * failed (the write was already made). Conflicts with concurrent transactions on the shared
 * counters are retried with full jitter; after the last attempt the error is thrown (SQS redelivers).
 */
const transactOnce = async (items: NonNullable<TransactWriteCommandInput['TransactItems']>) => {
  const isConflict = (err: unknown) => {
    const codes = cancellationCodes(err);
    return (
      (err as Error).name === 'TransactionConflictException' ||
      codes?.some((c) => c === 'TransactionConflict' || c === 'ThrottlingError') === true
    );
  };
  try {
    await withRetries(
      TRANSACTION_POLICY,
      () => dynamo.send(new TransactWriteCommand({ TransactItems: items })),
      isConflict,
    );
    return true;
  } catch (err) {
    if (cancellationCodes(err)?.[0] === 'ConditionalCheckFailed') return false;
    throw err;
  }
};

/**
 * Stores the event a replay rescued from the error record of the same id, once: the record gains
 * `replayed_at` and moves to the replayed keys (record and copy), the event is written beside it
 * (its own item: the record stays, for `include_replayed`), and the `replayed` counters of the
 * record's hour go up, all in one transaction conditioned on the record not being replayed yet.
 * False when it already was (by this replay's earlier delivery, or by another replay).
 * Resolves with the event's cross-application copy, to be written after it.
 */
export const storeReplayed = async (
  record: ErrorRecord,
  outcome: Extract<Outcome, { kind: 'event' }>,
  replayId: string,
  now: string,
): Promise<{ stored: boolean; copy: Item }> => {
  const app = record.application_id;
  const { record: moved, copy } = errorItems(keys.record(app, record.id), record, record.type, true);
  const event: Item = { ...keys.replayedEvent(app, record.id), ...eventItem(outcome) };
  const stored = await transactOnce([
    {
      Update: {
        TableName: table(),
        Key: keys.record(app, record.id),
        UpdateExpression: 'SET gsi1pk = :g1, gsi2pk = :g2, replayed_at = :at, replayed_by = :by',
        ConditionExpression: '#kind = :error AND attribute_not_exists(replayed_at)',
        ExpressionAttributeNames: { '#kind': 'kind' },
        ExpressionAttributeValues: {
          ':g1': moved.gsi1pk,
          ':g2': moved.gsi2pk,
          ':at': now,
          ':by': replayId,
          ':error': 'error',
        },
      },
    },
    { Put: { TableName: table(), Item: { ...copy, replayed_at: now, replayed_by: replayId } } },
    { Put: { TableName: table(), Item: event, ConditionExpression: 'attribute_not_exists(pk)' } },
    ...counterUpdates(app, record.id, record.received_at, [REPLAYED_ATTRIBUTE]),
  ]);
  return { stored, copy: copyOf(event) };
};

/** Which replay stored the event of an error record, if one did. */
export const replayedBy = async (applicationId: string, id: string): Promise<string | undefined> => {
  const out = await dynamo.send(
    new GetCommand({ TableName: table(), Key: keys.record(applicationId, id), ConsistentRead: true }),
  );
  return out.Item?.replayed_by as string | undefined;
};

/** Writes an error record with its copy and counters, once: false when its key was already taken. */
const writeError = (recordKey: Item, error: EventError, type: ErrorType) => {
  const { record, copy } = errorItems(recordKey, error, type, false);
  return transactOnce([
    { Put: { TableName: table(), Item: record, ConditionExpression: 'attribute_not_exists(pk)' } },
    { Put: { TableName: table(), Item: copy } },
    ...counterUpdates(error.application_id, error.id, error.received_at, counterAttributes(error.code, type)),
  ]);
};

export interface Claim {
  /** This call wrote the event's (or error's) item; false when the id was already taken. */
  stored: boolean;
  /** The cross-application copy still to be written (see writeCopies), when the stored item is an event. */
  copy?: Item;
}

/**
 * Claims the item of a processed event or its error with a conditional put: exactly one outcome per
 * (application, event id). A lost claim reads what won, so an event's copy is (re)written from it.
 */
export const claimOutcome = async (outcome: Outcome): Promise<Claim> => {
  const { application_id, id } = outcome.kind === 'event' ? outcome.event : outcome.error;
  const recordKey = keys.record(application_id, id);
  if (outcome.kind === 'event') {
    const record: Item = { ...recordKey, ...eventItem(outcome) };
    if (await putIfAbsent(table(), record)) return { stored: true, copy: copyOf(record) };
  } else if (await writeError(recordKey, outcome.error, outcome.type)) return { stored: true };
  const winner = await dynamo.send(
    new GetCommand({ TableName: table(), Key: recordKey, ConsistentRead: true }),
  );
  return { stored: false, copy: winner.Item?.kind === 'event' ? copyOf(winner.Item) : undefined };
};

const BATCH_WRITE_MAX = 25;
const BATCH_POLICY: RetryPolicy = { attempts: 8, baseMs: 20, capMs: 1000 };

/** Writes cross-application copies, 25 per BatchWriteItem, sending back what DynamoDB left unprocessed. */
export const writeCopies = async (all: Item[]): Promise<void> => {
  // The same event id sent twice in a batch yields its copy twice (the winner's and the loser's, the
  // same content), and BatchWriteItem refuses a request that names one key twice: the whole batch
  // would fail on every redelivery and no copy of it would ever be written.
  const copies = [...new Map(all.map((copy) => [`${copy.pk}\u0000${copy.sk}`, copy])).values()];
  await Promise.all(
    chunks(copies, BATCH_WRITE_MAX).map(async (chunk) => {
      const requests = chunk.map((Item) => ({ PutRequest: { Item } }));
      await untilNoneLeft(
        BATCH_POLICY,
        requests,
        async (pending) => {
          const out = await dynamo.send(new BatchWriteCommand({ RequestItems: { [table()]: pending } }));
          return (out.UnprocessedItems?.[table()] ?? []) as typeof requests;
        },
        'copies',
      );
    }),
  );
};

/**
 * Records envelopes rejected at ingest. They get ids of their own, apart from the event-id space: a
 * rejected event must not block a corrected one sent later with the same id.
 */
export const recordRejected = async (
  applicationId: string,
  receivedAt: string,
  rejected: { message: string; event: unknown }[],
): Promise<void> => {
  await Promise.all(
    rejected.map(({ message, event }) => {
      const id = `rejected-${randomUUID()}`;
      const code: EventErrorCode = 'invalid_envelope';
      const error = { id, application_id: applicationId, code, message, received_at: receivedAt, event };
      const sent = (event && typeof event === 'object' ? event : {}) as Record<string, unknown>;
      // A rejected envelope's category or name may be anything: only a valid one joins the counter keys.
      const nameOf = (value: unknown) => (envelopeName.safeParse(value).success ? (value as string) : null);
      const type = {
        owner: null,
        category: nameOf(sent.category),
        name: nameOf(sent.name),
        schema_version: null,
      };
      return writeError(keys.rejected(applicationId, id), error, type);
    }),
  );
};

export interface ErrorFilter {
  /** Undefined: every application (the admin). */
  applicationId?: string;
  code?: EventErrorCode;
  fromKey?: string;
  toKey?: string;
  /** Replayed records too (they are left out by default). */
  includeReplayed?: boolean;
}

/** The partitions that hold the errors of a filter, not replayed and (if asked for) replayed. */
const errorPartitions = (filter: ErrorFilter): Partition[] => {
  const { applicationId: app, code } = filter;
  const states = filter.includeReplayed ? [false, true] : [false];
  return states.flatMap((replayed): Partition[] => {
    if (app !== undefined) {
      return code === undefined
        ? [{ index: 'gsi1', pk: keys.errors(app, replayed) }]
        : [{ index: 'gsi2', pk: keys.errorsByCode(app, code, replayed) }];
    }
    return Array.from({ length: ERROR_SHARDS }, (_, shard) =>
      code === undefined
        ? { index: 'gsi1' as const, pk: keys.allErrors(shard, replayed) }
        : { index: 'gsi2' as const, pk: keys.allErrorsByCode(code, shard, replayed) },
    );
  });
};

/** Errors newest first, before the position `before` (the sort key of the last one returned). */
export const queryErrors = async (filter: ErrorFilter, limit: number, before?: string) => {
  const page = await mergedPage(
    errorPartitions(filter),
    { gte: filter.fromKey, lt: before ?? filter.toKey },
    false,
    limit,
  );
  return { items: page.items.map(toErrorRecord), last: page.last };
};

/** The summary counters of the hours [fromHour, toHour) of one application, or of all. */
export const readCounters = async (applicationId: string | undefined, fromHour: string, toHour: string) => {
  const shards = await Promise.all(
    Array.from({ length: ERROR_SHARDS }, async (_, shard) => {
      const items = await queryAll({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': keys.counters(applicationId, shard, fromHour).pk,
          ':from': fromHour,
          ':to': toHour,
        },
      });
      // BETWEEN is inclusive: the hour `to` starts is outside the range.
      return items.filter((item) => item.sk !== toHour);
    }),
  );
  return shards.flat().map((item) => ({ ...item, hour: item.sk }));
};

/** An error record as listed, with the type it was judged under and when it was replayed. */
export interface ErrorRecord extends EventError {
  type: ErrorType;
  replayed_at: string | null;
  replayed_by?: string;
}

const toErrorRecord = (item: Record<string, unknown>): ErrorRecord => ({
  id: item.id as string,
  application_id: item.application_id as string,
  code: item.code as EventErrorCode,
  message: item.message as string,
  received_at: item.received_at as string,
  event: JSON.parse(item.event as string),
  // Records written before types were data name no type.
  type:
    item.type === undefined
      ? { owner: null, category: null, name: null, schema_version: null }
      : JSON.parse(item.type as string),
  replayed_at: (item.replayed_at as string | undefined) ?? null,
  replayed_by: item.replayed_by as string | undefined,
});
