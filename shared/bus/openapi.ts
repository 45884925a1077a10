import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { errorBody, errorResponses, jsonBody, jsonResponse, listOf } from '../core/openapi.ts';
import { pageQuery } from '../core/validation.ts';
import {
  acceptedJob,
  acceptedQuery,
  countryStats,
  countryStatsQuery,
  job,
  jobIdPath,
  processRequestQuery,
  queryIdPath,
  statsQuery,
  statsQueryRequest,
} from './schemas.ts';

export const busPaths: ZodOpenApiPathsObject = {
  '/process-request': {
    post: {
      tags: ['bus'],
      summary: "Fetch every city's departures of a date into S3 (one job per date)",
      description:
        'A date that already has a queued or running job answers that job. A new job for a date whose ' +
        "earlier job has finished replaces that date's data.",
      requestParams: { query: processRequestQuery },
      responses: { '202': jsonResponse('The job of that date', acceptedJob), ...errorResponses },
    },
    get: {
      tags: ['bus'],
      summary: 'The jobs, newest first',
      description:
        'Items as `GET /process-request/{job_id}` answers them. A job registered a moment ago may take ' +
        'a second to appear (the listing is an eventually consistent index).',
      requestParams: { query: pageQuery },
      responses: {
        '200': jsonResponse('A page of jobs', listOf(job).meta({ id: 'BusJobPage' })),
        ...errorResponses,
      },
    },
  },
  '/process-request/{job_id}': {
    get: {
      tags: ['bus'],
      summary: 'Progress of a fetch job',
      description:
        'A job that has counted no city for its stall deadline (6 h deployed) reads `failed`, with the ' +
        'cities it did not fetch in `cities_failed`, and its date may be requested again.',
      requestParams: { path: jobIdPath },
      responses: { '200': jsonResponse('The job', job), ...errorResponses },
    },
  },
  '/country-stats': {
    get: {
      tags: ['bus'],
      summary: 'Per-country daily statistics, computed from the stored files on every request',
      description:
        '`from` and `to` are inclusive, at most 366 dates. One item per country and date that has data; ' +
        '`missing_dates` lists the dates without successfully fetched data. A country whose stored files ' +
        'hold no departures reports an average delay of 0.',
      requestParams: { query: countryStatsQuery },
      responses: {
        '200': jsonResponse('Statistics', countryStats),
        ...errorResponses,
        '422': jsonResponse(
          '`range_too_large`: the stored files of the range exceed the synchronous budget ' +
            '(`COUNTRY_STATS_SYNC_MAX_BYTES`); `POST /country-stats/queries` answers it',
          errorBody,
        ),
      },
    },
  },
  '/country-stats/queries': {
    post: {
      tags: ['bus'],
      summary: 'The statistics of a range of any size, computed asynchronously',
      description:
        'The same rules as `GET /country-stats`, for up to 3,660 dates. The stored files of the range are ' +
        'fixed when the query starts; each is scanned by its own task and the exact partial totals are ' +
        'merged once, so the result equals the synchronous answer over those files. When the scan tasks ' +
        'cannot be queued the request fails (500) and the query is left `failed`.',
      requestBody: jsonBody(statsQueryRequest),
      responses: { '202': jsonResponse('The query, queued', acceptedQuery), ...errorResponses },
    },
  },
  '/country-stats/queries/{query_id}': {
    get: {
      tags: ['bus'],
      summary: 'Progress and result of a statistics query',
      description:
        '`result` is the body `GET /country-stats` gives for the range once `status` is `succeeded`. A ' +
        'file that cannot be read, or a scan task that still fails on its last delivery, fails the query, ' +
        'with `error.message`; a query that has counted no file for its stall deadline (36 min deployed) ' +
        'reads `failed` too.',
      requestParams: { path: queryIdPath },
      responses: { '200': jsonResponse('The query', statsQuery), ...errorResponses },
    },
  },
};
