import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { errorResponses, jsonResponse } from '../core/openapi.ts';
import {
  acceptedJob,
  countryStats,
  countryStatsQuery,
  job,
  jobIdPath,
  processRequestQuery,
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
  },
  '/process-request/{job_id}': {
    get: {
      tags: ['bus'],
      summary: 'Progress of a fetch job',
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
      responses: { '200': jsonResponse('Statistics', countryStats), ...errorResponses },
    },
  },
};
