import { randomUUID } from 'node:crypto';
import {
  BatchWriteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/aws/dynamo.ts';
import { chunks } from '../core/concurrency.ts';
import { putIfAbsent, queryAll } from '../core/dynamo.ts';
import { tableName } from '../core/env.ts';
import { type RetryPolicy, untilNoneLeft, withRetries } from '../core/retry.ts';
import type { ErrorType, Outcome } from './classify.ts';
import { type EventError, type EventErrorCode, envelopeName, type StoredEvent } from './schemas.ts';
import { addOne, counterAttributes, ERROR_SHARDS, hourOf, REPLAYED_ATTRIBUTE, shardOf } from './summary.ts';
import { instantKey, utcDays } from './timestamps.ts';
import { namesInCategory } from './type-repository.ts';
import { GLOBAL_OWNER } from './types.ts';

// One item per (application, event id), written once with a conditional put: whether it holds the
// event or the error that replaced it, a redelivered message or a racing consumer finds it taken and
// changes nothing. Its GSI keys place it in the lists it belongs to:
//   events  gsi1 per session, gsi2 per type (category + name), gsi3 per application (time ranges),
//           all sorted by `timestamp key # received_at # id` — the API's order, fixed width.
//   errors  gsi1 per application, gsi2 per application + code, sorted by `received_at # id` and read
//           newest first; replayed records move to keys of their own (`ERRR…`), so the default
//           listing (not replayed) and `include_replayed` (both, merged) are each read directly.
// An error record has a cross-application copy too (`XE`), written in the same transaction with the
// summary counters (summary.ts): its gsi1/gsi2 hold the admin's listings, all and per code, spread
// over ERROR_SHARDS partitions (summary.ts says why) that a page merges.
// The admin reads across applications, and the item's three GSIs are taken by the application's
// lists, so a stored event has a second item, its cross-application copy, whose GSIs hold
//   gsi1 per session, gsi2 per type, gsi3 per UTC day of `timestamp` (a time range reads its days in
//   order: one partition for all time would be one hot key), sorted by the event order + `# app`
//   (two applications may use the same event id).
// The copy mirrors the stored record and is written only after the record's claim, by the claim's
// winner or, after a crash between the two, by the redelivery that finds the record taken: an
// idempotent put of the same content, so it can be batched.
// `data` and `event` are stored as JSON text: what was sent comes back byte for byte (DynamoDB maps
// would reject empty keys and lose number precision).
const keys = {
  record: (app: string, id: string) => ({ pk: `EV#${app}#${id}`, sk: 'EV' }),
  rejected: (app: string, id: string) => ({ pk: `RJ#${app}#${id}`, sk: 'RJ' }),
  eventOrder: (timeKey: string, receivedAt: string, id: string) => `${timeKey}#${receivedAt}#${id}`,
  session: (app: string, session: string) => `S#${app}#${session}`,
  type: (app: string, category: string, name: string) => `T#${app}#${category}#${name}`,
  timeline: (app: string) => `A#${app}`,
  errorOrder: (receivedAt: string, id: string) => `${instantKey(new Date(receivedAt))}#${id}`,
  errors: (app: string, replayed: boolean) => `ERR${replayed ? 'R' : ''}#${app}`,
  errorsByCode: (app: string, code: string, replayed: boolean) => `ERRC${replayed ? 'R' : ''}#${app}#${code}`,
  allErrors: (shard: number, replayed: boolean) => `ERR${replayed ? 'R' : ''}#*#${shard}`,
  allErrorsByCode: (code: string, shard: number, replayed: boolean) =>
    `ERRC${replayed ? 'R' : ''}#*#${code}#${shard}`,
  errorCopy: (app: string, id: string) => ({ pk: `XE#${app}#${id}`, sk: 'XE' }),
  counters: (app: string | undefined, shard: number, hour: string) => ({
    pk: `ESUM#${app ?? '*'}#${shard}`,
    sk: hour,
  }),
  replayedEvent: (app: string, id: string) => ({ pk: `EV#${app}#${id}`, sk: 'RV' }),
  copy: (app: string, id: string) => ({ pk: `XA#${app}#${id}`, sk: 'XA' }),
  allOrder: (order: string, app: string) => `${order}#${app}`,
  allSession: (session: string) => `ALL#S#${session}`,
  allType: (category: string, name: string) => `ALL#T#${category}#${name}`,
  allDay: (day: string) => `ALL#D#${day}`,
};

const EVENT_FIELDS = [
  'id',
  'application_id',
  'session_id',
  'category',
  'name',
  'data',
  'timestamp',
  'received_at',
  'schema_version',
  'violations',
] as const;
type Item = Record<string, unknown>;

const table = () => tableName('events');

const errorFields = (error: EventError, type: ErrorType) => ({
  id: error.id,
  application_id: error.application_id,
  code: error.code,
  message: error.message,
  received_at: error.received_at,
  event: JSON.stringify(error.event) ?? 'null',
  type: JSON.stringify(type),
});

/** The error record and its cross-application copy, under the keys of replayed records or not. */
const errorItems = (recordKey: Item, error: EventError, type: ErrorType, replayed: boolean) => {
  const app = error.application_id;
  const order = keys.errorOrder(error.received_at, error.id);
  const shard = shardOf(app, error.id);
  const fields = errorFields(error, type);
  return {
    record: {
      ...recordKey,
      kind: 'error',
      gsi1pk: keys.errors(app, replayed),
      gsi1sk: order,
      gsi2pk: keys.errorsByCode(app, error.code, replayed),
      gsi2sk: order,
      ...fields,
    },
    copy: {
      ...keys.errorCopy(app, error.id),
      kind: 'error_copy',
      gsi1pk: keys.allErrors(shard, replayed),
      gsi1sk: `${order}#${app}`,
      gsi2pk: keys.allErrorsByCode(error.code, shard, replayed),
      gsi2sk: `${order}#${app}`,
      ...fields,
    },
  };
};

/** The counter updates one error record makes: its application's and everyone's, of its hour. */
const counterUpdates = (app: string, id: string, receivedAt: string, attributes: string[]) =>
  [app, undefined].map((scope) => ({
    Update: {
      TableName: table(),
      Key: keys.counters(scope, shardOf(app, id), hourOf(receivedAt)),
      ...addOne(attributes),
    },
  }));

const cancellationCodes = (err: unknown): (string | undefined)[] | undefined =>
  (err as Error).name === 'TransactionCanceledException'
    ? ((err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((r) => r.Code)
    : undefined;

const TRANSACTION_POLICY: RetryPolicy = { attempts: 6, baseMs: 20, capMs: 640 };

/**
 * Runs a transaction whose first item is conditional: true if it committed, false if that condition
 * failed (the write was already made). Conflicts with concurrent transactions on the shared
 * counters are retried with full jitter; after the last attempt the error is thrown (SQS redelivers).
 */
export const transactOnce = async (items: NonNullable<TransactWriteCommandInput['TransactItems']>) => {
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

const eventItem = (outcome: Extract<Outcome, { kind: 'event' }>) => {
  const { event, time } = outcome;
  const order = keys.eventOrder(time.key, event.received_at, event.id);
  return {
    kind: 'event',
    gsi1pk: keys.session(event.application_id, event.session_id),
    gsi1sk: order,
    gsi2pk: keys.type(event.application_id, event.category, event.name),
    gsi2sk: order,
    gsi3pk: keys.timeline(event.application_id),
    gsi3sk: order,
    ...event,
    data: JSON.stringify(event.data),
    violations: JSON.stringify(event.violations),
    owner: outcome.owner,
  };
};

/** The cross-application copy of a stored event item (see above). */
const copyOf = (record: Item): Item => {
  const app = record.application_id as string;
  const order = keys.allOrder(record.gsi1sk as string, app);
  const copy: Item = {
    ...keys.copy(app, record.id as string),
    kind: 'event',
    gsi1pk: keys.allSession(record.session_id as string),
    gsi1sk: order,
    gsi2pk: keys.allType(record.category as string, record.name as string),
    gsi2sk: order,
    // The order key starts with the event's UTC time key, `YYYY-MM-DD…`.
    gsi3pk: keys.allDay(order.slice(0, 10)),
    gsi3sk: order,
  };
  for (const field of EVENT_FIELDS) copy[field] = record[field];
  return copy;
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

interface KeyRange {
  /** Inclusive lower bound. */
  gte?: string;
  /** Exclusive lower bound (a cursor position when reading forward). */
  gt?: string;
  /** Exclusive upper bound. */
  lt?: string;
}

interface Partition {
  index: 'gsi1' | 'gsi2' | 'gsi3';
  pk: string;
  filter?: Record<string, string>;
}

// DynamoDB has one range condition per query; BETWEEN is inclusive, so the exclusive ends are
// dropped afterwards (an `lt` from a `to` bound never equals a key: keys carry a `#…` suffix).
const keyCondition = (sk: string, range: KeyRange) => {
  const lower = range.gt ?? range.gte;
  if (lower !== undefined && range.lt !== undefined) {
    return { expression: `${sk} BETWEEN :lo AND :hi`, values: { ':lo': lower, ':hi': range.lt } };
  }
  if (lower !== undefined) {
    return { expression: `${sk} ${range.gt !== undefined ? '>' : '>='} :lo`, values: { ':lo': lower } };
  }
  if (range.lt !== undefined) return { expression: `${sk} < :hi`, values: { ':hi': range.lt } };
  return { expression: undefined, values: {} };
};

/** Up to `want` items of one partition within the range, in key order, reading past filtered pages. */
const collect = async (
  partition: Partition,
  range: KeyRange,
  forward: boolean,
  want: number,
): Promise<Record<string, unknown>[]> => {
  const sk = `${partition.index}sk`;
  const pkName = `${partition.index}pk`;
  const condition = keyCondition(sk, range);
  const filterEntries = Object.entries(partition.filter ?? {});
  const names: Record<string, string> = Object.fromEntries(
    filterEntries.map(([field], i) => [`#f${i}`, field]),
  );
  const filterValues = Object.fromEntries(filterEntries.map(([, value], i) => [`:f${i}`, value]));
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo.send(
      new QueryCommand({
        TableName: table(),
        IndexName: partition.index,
        KeyConditionExpression: `${pkName} = :pk${condition.expression ? ` AND ${condition.expression}` : ''}`,
        FilterExpression: filterEntries.length
          ? filterEntries.map((_, i) => `#f${i} = :f${i}`).join(' AND ')
          : undefined,
        ExpressionAttributeNames: filterEntries.length ? names : undefined,
        ExpressionAttributeValues: { ':pk': partition.pk, ...condition.values, ...filterValues },
        ScanIndexForward: forward,
        Limit: Math.max(want, 25),
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) {
      const key = item[sk] as string;
      if (key !== range.gt && key !== range.lt) items.push(item);
    }
    start = out.LastEvaluatedKey;
  } while (start && items.length < want);
  return items.slice(0, want);
};

/** Reads several partitions of the same key order as one list (a category spans its types). */
const mergedPage = async (
  partitions: Partition[],
  range: KeyRange,
  forward: boolean,
  limit: number,
): Promise<{ items: Record<string, unknown>[]; last: string | undefined }> => {
  const parts = await Promise.all(partitions.map((p) => collect(p, range, forward, limit + 1)));
  const sortKey = (item: Record<string, unknown>) => item[`${partitions[0]?.index}sk`] as string;
  const merged = parts.flat().sort((a, b) => {
    const order = sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0;
    return forward ? order : -order;
  });
  const items = merged.slice(0, limit);
  const lastItem = items[items.length - 1];
  return { items, last: merged.length > limit && lastItem ? sortKey(lastItem) : undefined };
};

export interface EventFilter {
  /** Undefined: every application (the admin). */
  applicationId?: string;
  sessionId?: string;
  category?: string;
  name?: string;
  /** Time keys (see timestamps.ts): `from` inclusive, `to` exclusive. */
  fromKey?: string;
  toKey?: string;
}

// Only events of a type are ever stored, so a category's partitions are those of its types' names
// (the application's own and the global ones; every owner's for the admin).
const typeNames = async (app: string | undefined, category: string, name: string | undefined) =>
  name !== undefined
    ? [name]
    : namesInCategory(category, app === undefined ? undefined : [app, GLOBAL_OWNER]);

/** The partitions to merge; undefined for a time range across applications, which is read by day. */
const eventPartitions = async (f: EventFilter): Promise<Partition[] | undefined> => {
  const app = f.applicationId;
  if (f.sessionId !== undefined) {
    const filter: Record<string, string> = {};
    if (f.category !== undefined) filter.category = f.category;
    if (f.name !== undefined) filter.name = f.name;
    const pk = app === undefined ? keys.allSession(f.sessionId) : keys.session(app, f.sessionId);
    return [{ index: 'gsi1', pk, filter }];
  }
  if (f.category !== undefined) {
    const category = f.category;
    return (await typeNames(app, category, f.name)).map((n) => ({
      index: 'gsi2',
      pk: app === undefined ? keys.allType(category, n) : keys.type(app, category, n),
    }));
  }
  return app === undefined ? undefined : [{ index: 'gsi3', pk: keys.timeline(app) }];
};

// Days read at once when walking a time range across applications: most days of a sparse range are
// empty, a dense one fills the page from its first day.
const DAYS_AHEAD = 8;

/** Pages through the day partitions of [fromKey, toKey) in order, across every application. */
const daysPage = async (filter: EventFilter, limit: number, after: string | undefined) => {
  const { fromKey, toKey } = filter;
  // listing.ts requires both ends (and bounds the span) before asking for every application.
  if (fromKey === undefined || toKey === undefined)
    throw new Error('a range across applications needs both ends');
  // A cursor's order key starts with the time key of the last event returned: resume on its day.
  const days = utcDays(after ?? fromKey, toKey);
  const range = { gte: fromKey, gt: after, lt: toKey };
  const items: Item[] = [];
  for (const window of chunks(days, DAYS_AHEAD)) {
    if (items.length > limit) break;
    const want = limit + 1 - items.length;
    const parts = await Promise.all(
      window.map((day) => collect({ index: 'gsi3', pk: keys.allDay(day) }, range, true, want)),
    );
    items.push(...parts.flat());
  }
  const page = items.slice(0, limit);
  const lastItem = page[page.length - 1];
  return { items: page, last: items.length > limit && lastItem ? (lastItem.gsi3sk as string) : undefined };
};

/** Events in time order after the position `after` (the sort key of the last one already returned). */
export const queryEvents = async (filter: EventFilter, limit: number, after?: string) => {
  const partitions = await eventPartitions(filter);
  if (!partitions) {
    const page = await daysPage(filter, limit, after);
    return { items: page.items.map(toStoredEvent), last: page.last };
  }
  if (partitions.length === 0) return { items: [], last: undefined };
  const page = await mergedPage(
    partitions,
    { gte: filter.fromKey, gt: after, lt: filter.toKey },
    true,
    limit,
  );
  return { items: page.items.map(toStoredEvent), last: page.last };
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

const toStoredEvent = (item: Record<string, unknown>): StoredEvent => ({
  id: item.id as string,
  application_id: item.application_id as string,
  session_id: item.session_id as string,
  category: item.category as string,
  name: item.name as string,
  data: JSON.parse(item.data as string),
  timestamp: item.timestamp as string,
  received_at: item.received_at as string,
  // Events stored before types were data were all judged by a built-in's version 1.
  schema_version: item.schema_version === undefined ? 1 : (item.schema_version as number | null),
  violations: item.violations === undefined ? [] : JSON.parse(item.violations as string),
});

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
