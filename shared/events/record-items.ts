import type { ErrorType, Outcome } from './classify.ts';
import { EVENT_FIELDS, type Item, keys, table } from './record-keys.ts';
import type { EventError } from './schemas.ts';
import { addOne, hourOf, shardOf } from './summary.ts';

// The items a record is stored as, built from the keys (record-keys.ts): no I/O here.

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
export const errorItems = (recordKey: Item, error: EventError, type: ErrorType, replayed: boolean) => {
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
export const counterUpdates = (app: string, id: string, receivedAt: string, attributes: string[]) =>
  [app, undefined].map((scope) => ({
    Update: {
      TableName: table(),
      Key: keys.counters(scope, shardOf(app, id), hourOf(receivedAt)),
      ...addOne(attributes),
    },
  }));

export const eventItem = (outcome: Extract<Outcome, { kind: 'event' }>) => {
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

/** The cross-application copy of a stored event item (record-keys.ts says why it exists). */
export const copyOf = (record: Item): Item => {
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
