import * as z from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { errorBody, errorResponses, jsonResponse, listOf } from '../core/openapi.ts';
import {
  envelope,
  errorsQuery,
  eventError,
  eventsQuery,
  ingestQuery,
  ingestResult,
  storedEvent,
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
};
