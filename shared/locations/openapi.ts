import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { errorBody, errorResponses, jsonBody, jsonResponse } from '../core/openapi.ts';
import { CSV_COLUMNS, MAX_ROWS } from './bulk.ts';
import {
  averagesPage,
  averagesPath,
  averagesQuery,
  datapointInput,
  importResult,
  storeResult,
} from './schemas.ts';

export const locationsPaths: ZodOpenApiPathsObject = {
  '/location': {
    put: {
      tags: ['locations'],
      summary: 'Store one location datapoint (deduplicated on user_id + UTC instant)',
      description:
        'The first datapoint of a user at an instant is kept; a later one at the same instant answers ' +
        '`duplicate` and changes nothing. Stored points are averaged per UTC minute asynchronously.',
      requestBody: jsonBody(datapointInput),
      responses: { '200': jsonResponse('Stored, or a duplicate', storeResult), ...errorResponses },
    },
  },
  '/locations': {
    post: {
      tags: ['locations'],
      summary: 'Bulk import: a JSON array of datapoints or a CSV file',
      description:
        `CSV (\`text/csv\`, RFC 4180 quoting, LF or CRLF) with the header \`${CSV_COLUMNS.join(',')}\` ` +
        `(any order); an empty or \`null\` speed is null. At most ${MAX_ROWS} rows and 5 MB (else 413). ` +
        'Each row is validated on its own; within one request the first row of a user + instant wins.',
      requestBody: {
        content: {
          'application/json': { schema: datapointInput.array() },
          'text/csv': { schema: { type: 'string' } },
        },
      },
      responses: {
        '200': jsonResponse('Per-row outcome', importResult),
        ...errorResponses,
        '413': {
          description: 'Too many rows or bytes',
          content: { 'application/json': { schema: errorBody } },
        },
        '415': {
          description: 'Neither JSON nor CSV',
          content: { 'application/json': { schema: errorBody } },
        },
      },
    },
  },
  '/users/{user_id}/location-averages': {
    get: {
      tags: ['locations'],
      summary: "A user's per-UTC-minute averages, oldest first",
      description:
        'One item per minute with datapoints; `from`/`to` select minutes by their start. Eventually ' +
        'consistent (computed by a queue consumer within seconds). An unknown user has no items.',
      requestParams: { path: averagesPath, query: averagesQuery },
      responses: { '200': jsonResponse('Minute averages', averagesPage), ...errorResponses },
    },
  },
};
