import * as z from 'zod';
import { pageQuery, rangeInOrder } from '../core/validation.ts';
import { parseEventTime } from './timestamps.ts';

/** The client's idempotency key. */
export const eventId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 characters of A-Z, a-z, 0-9, _ and -');

// What ingest checks synchronously. Unknown top-level fields pass here and are judged by the
// strict per-type schema during processing (an `invalid_payload`, recorded as an error).
/** An event's category or name: also part of the keys of the error counters. */
export const envelopeName = z.string().min(1).max(128);

export const envelope = z
  .looseObject({
    id: eventId.optional(),
    session_id: z.string().min(1).max(256),
    category: envelopeName,
    name: envelopeName,
    data: z.record(z.string(), z.unknown()),
    timestamp: z.string().min(1).max(64),
    schema_version: z.number().int().positive().optional(),
  })
  .meta({
    id: 'Event',
    description:
      '`timestamp`: `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC) or ISO 8601 with `Z`/offset. `id`: optional ' +
      'idempotency key; the same id from the same application is stored once. `schema_version`: the ' +
      'version of the type to validate against (default: the latest at processing time).',
  });
export type Envelope = z.output<typeof envelope>;

const host = z.string().min(1);
const path = z.string().min(1).startsWith('/', 'must start with /');

/**
 * The registry of event types: `category` → `name` → schema of `data`. Adding a type is one entry.
 * Strict: an unknown field is an `invalid_payload`.
 */
export const eventTypes: Record<string, Record<string, z.ZodType>> = {
  'page interaction': {
    pageview: z.strictObject({ host, path }),
    'cta click': z.strictObject({ host, path, element: z.string().min(1) }),
  },
  'form interaction': {
    submit: z.strictObject({ host, path, form: z.record(z.string(), z.json()) }),
  },
};

/** The whole event once its type is known: no fields beyond the envelope's. */
export const strictEnvelope = (data: z.ZodType) =>
  z.strictObject({
    id: eventId.optional(),
    session_id: z.string(),
    category: z.string(),
    name: z.string(),
    data,
    timestamp: z.string(),
    schema_version: z.number().optional(),
  });

/** The top-level fields an event may have, whatever its type. */
export const ENVELOPE_FIELDS: ReadonlySet<string> = new Set(Object.keys(strictEnvelope(z.unknown()).shape));

export const ERROR_CODES = [
  'invalid_envelope',
  'unknown_event_type',
  'invalid_payload',
  'invalid_timestamp',
  'future_timestamp',
] as const;
export type EventErrorCode = (typeof ERROR_CODES)[number];

const isoInstant = z.string().min(1).max(64).meta({ description: 'ISO 8601' });

/** `?application_id=`: the admin narrows to one application; an application's own is implied. */
const adminApplicationFilter = z
  .string()
  .min(1)
  .max(64)
  .optional()
  .meta({ description: 'Admin only: one application; without it the admin sees all.' });

export const eventsQuery = pageQuery
  .extend({
    session_id: z.string().min(1).max(256).optional(),
    category: z.string().min(1).max(128).optional(),
    name: z.string().min(1).max(128).optional(),
    from: isoInstant.optional().meta({ description: 'ISO 8601, inclusive, on `timestamp`' }),
    to: isoInstant.optional().meta({ description: 'ISO 8601, exclusive, on `timestamp`' }),
    application_id: adminApplicationFilter,
  })
  .refine((q) => q.session_id || q.category || q.from || q.to, {
    message: 'give at least one of session_id, category, from, to',
    path: ['session_id'],
  })
  .refine((q) => !q.name || q.category, { message: 'name needs category', path: ['name'] })
  .superRefine(rangeInOrder((value) => parseEventTime(value)?.key));
export type EventsQuery = z.output<typeof eventsQuery>;

const booleanFlag = z
  .enum(['true', 'false'])
  .optional()
  .transform((v) => v === 'true');

export const errorsQuery = pageQuery
  .extend({
    code: z.enum(ERROR_CODES).optional(),
    include_replayed: booleanFlag.meta({
      description: 'Also list replayed records (with `replayed_at`); by default they are left out',
    }),
    from: isoInstant.optional().meta({ description: 'ISO 8601, inclusive, on `received_at`' }),
    to: isoInstant.optional().meta({ description: 'ISO 8601, exclusive, on `received_at`' }),
    application_id: adminApplicationFilter,
  })
  .superRefine(rangeInOrder((value) => parseEventTime(value)?.key));
export type ErrorsQuery = z.output<typeof errorsQuery>;

const problem = z.object({ path: z.string(), message: z.string() });

export const ingestResult = z
  .object({
    accepted: z.array(z.object({ index: z.number().int(), id: z.string() })),
    rejected: z.array(z.object({ index: z.number().int(), errors: z.array(problem) })),
  })
  .meta({ id: 'IngestResult' });
export type IngestResult = z.output<typeof ingestResult>;

export const storedEvent = z
  .object({
    id: z.string(),
    application_id: z.string(),
    session_id: z.string(),
    category: z.string(),
    name: z.string(),
    data: z.record(z.string(), z.unknown()),
    timestamp: z.string().meta({ description: 'ISO 8601 UTC, the fractional digits that were sent' }),
    received_at: z.string().meta({ description: 'ISO 8601 UTC, milliseconds' }),
    schema_version: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'The version of the type applied; null under mode `off`' }),
    violations: z
      .array(problem)
      .meta({ description: 'What failed the schema under mode `warn`; empty otherwise' }),
  })
  .meta({ id: 'StoredEvent' });
export type StoredEvent = z.output<typeof storedEvent>;

export const eventError = z
  .object({
    id: z.string(),
    application_id: z.string(),
    code: z.enum(ERROR_CODES),
    message: z.string(),
    received_at: z.string(),
    event: z.unknown().meta({ description: 'The event as it was sent' }),
    replayed_at: z
      .string()
      .nullable()
      .optional()
      .meta({ description: 'Only with `include_replayed=true`: when a replay stored the event, else null' }),
  })
  .meta({ id: 'EventError' });

export const summaryQuery = z.object({
  from: isoInstant.meta({ description: 'A whole UTC hour (`…T14:00:00Z`), inclusive, on `received_at`' }),
  to: isoInstant.meta({ description: 'A whole UTC hour, exclusive; at most 31 days after `from`' }),
  interval: z.enum(['hour', 'day']).optional(),
  application_id: adminApplicationFilter,
});
const codeCounts = z.record(z.string(), z.number().int());
export const errorSummary = z
  .object({
    from: z.string(),
    to: z.string(),
    total: z.number().int(),
    by_code: codeCounts,
    by_type: z.array(
      z.object({
        owner: z.string().nullable(),
        category: z.string().nullable(),
        name: z.string().nullable(),
        schema_version: z.number().int().nullable(),
        code: z.string(),
        count: z.number().int(),
      }),
    ),
    replayed: z
      .number()
      .int()
      .meta({ description: 'Error records of the range that a replay has since stored' }),
    series: z.array(z.object({ start: z.string(), by_code: codeCounts })).optional(),
  })
  .meta({ id: 'ErrorSummary' });
export type EventError = z.output<typeof eventError>;

export const ingestQuery = z.object({
  application_id: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .meta({ description: 'Admin only (required for the admin): the application the events belong to.' }),
});

const mode = z.enum(['enforce', 'warn', 'off']).meta({
  description:
    '`enforce`: an invalid event is an error; `warn`: it is stored with its violations; `off`: data is not checked',
});
const typeName = z.string().min(1).max(64);
// A schema is stored in one DynamoDB item with its type's version.
export const MAX_SCHEMA_BYTES = 64 * 1024;
const jsonSchema = z
  .unknown()
  .refine((s) => s !== undefined, 'required')
  .refine(
    (s) => (JSON.stringify(s)?.length ?? 0) <= MAX_SCHEMA_BYTES,
    `at most ${MAX_SCHEMA_BYTES} bytes as JSON`,
  )
  .meta({ description: 'A JSON Schema (draft 2020-12) for `data`' });

export const typeOwnerQuery = z.object({
  application_id: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .meta({ description: "Admin only: an application's type instead of the global one" }),
});
export const eventTypeBody = z.strictObject({
  category: typeName,
  name: typeName,
  schema: jsonSchema,
  mode: mode.default('enforce'),
});
export const typeVersionBody = z.strictObject({ schema: jsonSchema });
export const typeModeBody = z.strictObject({ mode });
export const typePath = z.object({ category: typeName, name: typeName });
export const eventTypesQuery = pageQuery.extend(typeOwnerQuery.shape);

export const eventTypeSummary = z
  .object({
    category: z.string(),
    name: z.string(),
    owner: z.string().meta({ description: '`global` or the id of the application that owns the type' }),
    mode,
    latest_version: z.number().int(),
    created_at: z.string(),
  })
  .meta({ id: 'EventTypeSummary' });
export const typeVersion = z
  .object({ version: z.number().int(), schema: z.unknown(), created_at: z.string() })
  .meta({ id: 'EventTypeVersion' });
export const eventTypeDetail = eventTypeSummary
  .extend({ versions: z.array(typeVersion) })
  .meta({ id: 'EventType' });
export const createdEventType = eventTypeSummary
  .omit({ latest_version: true })
  .extend({ version: z.number().int(), schema: z.unknown() })
  .meta({ id: 'CreatedEventType' });
export const createdTypeVersion = createdEventType.meta({ id: 'CreatedEventTypeVersion' });
export type SummaryQuery = z.output<typeof summaryQuery>;

export const replayBody = z
  .strictObject({
    code: z.enum(ERROR_CODES).optional(),
    category: z.string().min(1).max(128).optional(),
    name: z.string().min(1).max(128).optional(),
    from: isoInstant.optional().meta({ description: 'ISO 8601, inclusive, on `received_at`' }),
    to: isoInstant.optional().meta({ description: 'ISO 8601, exclusive, on `received_at`' }),
    application_id: adminApplicationFilter,
  })
  .meta({ id: 'ReplayRequest' });
export type ReplayBody = z.output<typeof replayBody>;
export const replayPath = z.object({ replay_id: z.string().min(1).max(64) });
export const replayStatus = z
  .object({
    replay_id: z.string(),
    status: z.enum(['queued', 'running', 'succeeded', 'failed']),
    matched: z.number().int(),
    replayed: z.number().int(),
    still_failing: z.number().int(),
    created_at: z.string(),
    finished_at: z.string().nullable(),
  })
  .meta({ id: 'Replay' });
export type ReplayStatus = z.output<typeof replayStatus>;
export const replayQueued = z
  .object({ replay_id: z.string(), status: z.literal('queued') })
  .meta({ id: 'ReplayQueued' });

// Queue message bodies: what queue.ts sends and the consumers' chain parses.

/** An ingest queue message: one request's events of one application. */
export const ingestMessage = z.object({
  application_id: z.string().min(1),
  received_at: z.iso.datetime(),
  events: z.array(z.object({ id: z.string().min(1), event: z.unknown() })),
});
export type IngestMessage = z.output<typeof ingestMessage>;

/** A replay queue message: which page of which replay. */
export const replayMessage = z.object({ replay_id: z.string().min(1), page: z.number().int().min(0) });
export type ReplayMessage = z.output<typeof replayMessage>;
