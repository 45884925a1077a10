import * as z from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { errorBody, errorResponses, jsonBody, jsonResponse, listOf } from '../core/openapi.ts';
import {
  createdEventType,
  createdTypeVersion,
  envelope,
  errorSummary,
  errorsQuery,
  eventError,
  eventsQuery,
  eventTypeBody,
  eventTypeDetail,
  eventTypeSummary,
  eventTypesQuery,
  ingestQuery,
  ingestResult,
  replayBody,
  replayPath,
  replayQueued,
  replayStatus,
  storedEvent,
  summaryQuery,
  typeModeBody,
  typeOwnerQuery,
  typePath,
  typeVersionBody,
} from './schemas.ts';

export const eventsPaths: ZodOpenApiPathsObject = {
  '/events': {
    post: {
      tags: ['events'],
      summary: 'Send events: one, an array, or {"events": [...]} (at most 500 events and 1 MiB)',
      description:
        'Envelopes are checked at once; the accepted events are answered 202 once they are durably queued and ' +
        'are processed asynchronously (visible within seconds). Each is validated against the schema of its ' +
        'type and stored, or recorded as an error (see GET /errors). Rejected envelopes are recorded as ' +
        '`invalid_envelope` errors. If none is accepted the answer is 400 with the rejected list under ' +
        '`error.details`. One event may be at most 200 KiB as JSON, counted with U+FFFE, U+FFFF and every UTF-16 surrogate (each half of a character outside the BMP, e.g. an emoji) written as a 6-byte \\uXXXX escape. Events belong to the application that sends them: ' +
        'the admin is not an application, so an admin request names one with `application_id` (400 ' +
        '`validation_error` on `application_id` without it).',
      requestParams: { query: ingestQuery },
      requestBody: {
        content: {
          'application/json': {
            schema: z.union([envelope, z.array(envelope), z.object({ events: z.array(envelope) })]),
          },
        },
      },
      responses: {
        '202': jsonResponse('Accepted events are queued', ingestResult),
        ...errorResponses,
        '413': jsonResponse('More than 500 events or 1 MiB', errorBody),
      },
    },
    get: {
      tags: ['events'],
      summary: 'Query events in time order (timestamp, then received_at, then id)',
      description:
        'At least one of session_id, category (optionally with name), from, to. All filters combine. ' +
        "An application sees only its own events. The admin sees every application's, or one with " +
        '`application_id`; across all applications a time range without session_id or category needs both ' +
        '`from` and `to`, at most 366 days apart (400 otherwise): it is read one UTC day after another. ' +
        'Ties in time order across applications are broken by application id.',
      requestParams: { query: eventsQuery },
      responses: { '200': jsonResponse('A page of events', listOf(storedEvent)), ...errorResponses },
    },
  },
  '/errors': {
    get: {
      tags: ['events'],
      summary: 'Events that failed validation, newest first (by received_at)',
      requestParams: { query: errorsQuery },
      responses: { '200': jsonResponse('A page of error records', listOf(eventError)), ...errorResponses },
    },
  },
  '/errors/replay': {
    post: {
      tags: ['events'],
      summary: 'Replay failed events against the current types (asynchronous)',
      description:
        'Matches the error records of the filters that are not yet replayed and not `invalid_envelope`, and ' +
        'validates each again (the version it named, else the latest). One that passes is stored as an event ' +
        'with its original id, session_id, timestamp and received_at, and its record gets `replayed_at` (it ' +
        'leaves GET /errors unless `include_replayed=true`). Replaying twice, or two replays at once, store ' +
        'nothing twice; a record another replay stored first is not counted as matched by this one. `name` ' +
        'needs `category`. When its first page cannot be queued the request fails (500) and the replay is ' +
        'left `failed`.',
      requestBody: jsonBody(replayBody),
      responses: { '202': jsonResponse('The replay is queued', replayQueued), ...errorResponses },
    },
  },
  '/errors/replay/{replay_id}': {
    get: {
      tags: ['events'],
      summary: 'Progress of a replay: matched = replayed + still_failing',
      description:
        'A replay ends `failed` when a page still fails on its last delivery, or when it has recorded no ' +
        'page for its stall deadline (30 min deployed); the counts are those of the pages recorded.',
      requestParams: { path: replayPath },
      responses: { '200': jsonResponse('The replay', replayStatus), ...errorResponses },
    },
  },
  '/errors/summary': {
    get: {
      tags: ['events'],
      summary:
        'Exact counts of the error records received in a range of whole hours, by code and by type + version',
      description:
        'Counted as errors are written (in the same transaction as each record), never sampled, never counted ' +
        'twice; replayed records are included, and `replayed` says how many. An application gets its own counts; ' +
        'the admin everyone’s, or one application’s with `application_id`. With `interval`, `series` has one item ' +
        'per hour or day of the range. `by_type` is ordered by count, largest first.',
      requestParams: { query: summaryQuery },
      responses: { '200': jsonResponse('The summary', errorSummary), ...errorResponses },
    },
  },
  '/event-types': {
    post: {
      tags: ['events'],
      summary: 'Register an event type at version 1 (an application: its own; the admin: a global one)',
      description:
        'The schema is a JSON Schema (draft 2020-12) for `data`, compiled at once: one that does not compile ' +
        '(unknown keywords and formats included) is 400. A type the owner already has is 409 (the three ' +
        'built-in types exist as global types at version 1). The admin creates a global type, or with ' +
        "`application_id` one for that application. The envelope's top-level fields stay strict; the " +
        'schema itself decides whether `data` may have unknown fields (`additionalProperties`).',
      requestParams: { query: typeOwnerQuery },
      requestBody: jsonBody(eventTypeBody),
      responses: { '201': jsonResponse('The type at version 1', createdEventType), ...errorResponses },
    },
    get: {
      tags: ['events'],
      summary: 'The types the caller sees: the global ones and its own, by category, name, then owner',
      requestParams: { query: eventTypesQuery },
      responses: { '200': jsonResponse('A page of types', listOf(eventTypeSummary)), ...errorResponses },
    },
  },
  '/event-types/{category}/{name}': {
    get: {
      tags: ['events'],
      summary: "A type with every version: an application's own if it has one, else the global one",
      requestParams: { path: typePath, query: typeOwnerQuery },
      responses: { '200': jsonResponse('The type', eventTypeDetail), ...errorResponses },
    },
    patch: {
      tags: ['events'],
      summary:
        'Set the mode of a type (it applies to every version); a global type is read-only for an application (403)',
      requestParams: { path: typePath, query: typeOwnerQuery },
      requestBody: jsonBody(typeModeBody),
      responses: { '200': jsonResponse('The type', eventTypeSummary), ...errorResponses },
    },
  },
  '/event-types/{category}/{name}/versions': {
    post: {
      tags: ['events'],
      summary: 'Add the next version of a type (versions are immutable)',
      requestParams: { path: typePath, query: typeOwnerQuery },
      requestBody: jsonBody(typeVersionBody),
      responses: { '201': jsonResponse('The new version', createdTypeVersion), ...errorResponses },
    },
  },
};
