import { tableName } from '../core/env.ts';
import { instantKey } from './timestamps.ts';

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
export const keys = {
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

export const EVENT_FIELDS = [
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
export type Item = Record<string, unknown>;

export const table = () => tableName('events');
