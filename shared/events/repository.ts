import { randomUUID } from 'node:crypto';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/aws.ts';
import { isConditionFailure } from '../core/dynamo.ts';
import { tableName } from '../core/env.ts';
import type { Outcome } from './classify.ts';
import { type EventError, type EventErrorCode, eventTypes, type StoredEvent } from './schemas.ts';
import { instantKey } from './timestamps.ts';

// One item per (application, event id), written once with a conditional put: whether it holds the
// event or the error that replaced it, a redelivered message or a racing consumer finds it taken and
// changes nothing. Its GSI keys place it in the lists it belongs to:
//   events  gsi1 per session, gsi2 per type (category + name), gsi3 per application (time ranges),
//           all sorted by `timestamp key # received_at # id` — the API's order, fixed width.
//   errors  gsi1 per application, gsi2 per application + code, gsi3 across applications (admin),
//           sorted by `received_at # id` and read newest first.
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
  errors: (app: string) => `ERR#${app}`,
  errorsByCode: (app: string, code: string) => `ERRC#${app}#${code}`,
  allErrors: () => 'ERR#*',
};

const table = () => tableName('events');

const errorItem = (error: EventError) => {
  const order = keys.errorOrder(error.received_at, error.id);
  return {
    kind: 'error',
    gsi1pk: keys.errors(error.application_id),
    gsi1sk: order,
    gsi2pk: keys.errorsByCode(error.application_id, error.code),
    gsi2sk: order,
    gsi3pk: keys.allErrors(),
    gsi3sk: order,
    id: error.id,
    application_id: error.application_id,
    code: error.code,
    message: error.message,
    received_at: error.received_at,
    event: JSON.stringify(error.event) ?? 'null',
  };
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
  };
};

const putOnce = async (item: Record<string, unknown>): Promise<boolean> => {
  try {
    await dynamo.send(
      new PutCommand({ TableName: table(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
};

/** Stores a processed event or its error; false when this event id was already stored (either way). */
export const storeOutcome = (outcome: Outcome): Promise<boolean> => {
  if (outcome.kind === 'event') {
    const { application_id, id } = outcome.event;
    return putOnce({ ...keys.record(application_id, id), ...eventItem(outcome) });
  }
  const { application_id, id } = outcome.error;
  return putOnce({ ...keys.record(application_id, id), ...errorItem(outcome.error) });
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
      return putOnce({ ...keys.rejected(applicationId, id), ...errorItem(error) });
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
  applicationId: string;
  sessionId?: string;
  category?: string;
  name?: string;
  /** Time keys (see timestamps.ts): `from` inclusive, `to` exclusive. */
  fromKey?: string;
  toKey?: string;
}

const eventPartitions = (f: EventFilter): Partition[] => {
  if (f.sessionId !== undefined) {
    const filter: Record<string, string> = {};
    if (f.category !== undefined) filter.category = f.category;
    if (f.name !== undefined) filter.name = f.name;
    return [{ index: 'gsi1', pk: keys.session(f.applicationId, f.sessionId), filter }];
  }
  if (f.category !== undefined) {
    const category = f.category;
    // Only registered types are ever stored, so a category's partitions are its registry entries.
    const names = Object.hasOwn(eventTypes, category) ? Object.keys(eventTypes[category] ?? {}) : [];
    return names
      .filter((n) => f.name === undefined || n === f.name)
      .map((n) => ({ index: 'gsi2', pk: keys.type(f.applicationId, category, n) }));
  }
  return [{ index: 'gsi3', pk: keys.timeline(f.applicationId) }];
};

/** Events in time order after the position `after` (the sort key of the last one already returned). */
export const queryEvents = async (filter: EventFilter, limit: number, after?: string) => {
  const partitions = eventPartitions(filter);
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
}

/** Errors newest first, before the position `before` (the sort key of the last one returned). */
export const queryErrors = async (filter: ErrorFilter, limit: number, before?: string) => {
  const { applicationId, code } = filter;
  let partition: Partition;
  if (applicationId === undefined) {
    partition = { index: 'gsi3', pk: keys.allErrors(), filter: code ? { code } : undefined };
  } else if (code !== undefined) partition = { index: 'gsi2', pk: keys.errorsByCode(applicationId, code) };
  else partition = { index: 'gsi1', pk: keys.errors(applicationId) };
  const page = await mergedPage(
    [partition],
    { gte: filter.fromKey, lt: before ?? filter.toKey },
    false,
    limit,
  );
  return { items: page.items.map(toEventError), last: page.last };
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
});

const toEventError = (item: Record<string, unknown>): EventError => ({
  id: item.id as string,
  application_id: item.application_id as string,
  code: item.code as EventErrorCode,
  message: item.message as string,
  received_at: item.received_at as string,
  event: JSON.parse(item.event as string),
});
