import type { ConsumerDef, RouteDef } from '../routes.ts';
import { cursor, stallSeconds } from './common.ts';

// Bus statistics: fetch jobs, per-country statistics and their asynchronous queries.
// lib/routes.ts concatenates every feature's entries, in the order the API lists them.

/**
 * What GET /country-stats scans before it answers 422 range_too_large. Deployed, the function (1769 MB,
 * one vCPU) reads six S3 streams at once, ~90 MB/s each, well below the scanner's ~900 MB/s per thread:
 * ~500 MB/s, so 6 GB take ~12 s, within API Gateway's 30 s with room for slow streams. Locally the
 * env var of the same name replaces it (tests set it small).
 */
const COUNTRY_STATS_SYNC_MAX_BYTES = 6_000_000_000;

const BUS_FETCH_TIMEOUT_SECONDS = 900;

const QUERY_SCAN_TIMEOUT_SECONDS = 120;

/** A bus job that has counted no city for this long (6 h) reads failed and frees its date. */
const busJobs = {
  environment: { BUS_JOB_STALL_SECONDS: stallSeconds('busFetch', BUS_FETCH_TIMEOUT_SECONDS) },
};
/** A statistics query that has counted no file for this long (36 min) reads failed. */
const queryStall = { QUERY_STALL_SECONDS: stallSeconds('busQueryScan', QUERY_SCAN_TIMEOUT_SECONDS) };

export const routes: RouteDef[] = [
  {
    method: 'POST',
    path: '/process-request',
    auth: 'bus',
    handler: 'functions/bus/request.ts',
    timeoutSeconds: 30,
    settings: ['BUS_SOURCE_URL'],
    access: { tables: { bus: 'readwrite' }, sends: ['busFetch'] },
    ...busJobs,
  },
  {
    method: 'GET',
    path: '/process-request',
    auth: 'bus',
    handler: 'functions/bus/list-jobs.ts',
    access: { tables: { bus: 'read' }, secrets: cursor },
    ...busJobs,
  },
  {
    method: 'GET',
    path: '/process-request/{job_id}',
    auth: 'bus',
    handler: 'functions/bus/job.ts',
    access: { tables: { bus: 'read' } },
    ...busJobs,
  },
  {
    method: 'GET',
    path: '/country-stats',
    auth: 'bus',
    handler: 'functions/bus/country-stats.ts',
    memoryMb: 1769,
    timeoutSeconds: 29,
    environment: { COUNTRY_STATS_SYNC_MAX_BYTES: String(COUNTRY_STATS_SYNC_MAX_BYTES) },
    access: { tables: { bus: 'read' }, bucket: [{ prefix: 'bus/', access: 'read' }] },
  },
  {
    method: 'POST',
    path: '/country-stats/queries',
    auth: 'bus',
    handler: 'functions/bus/query-start.ts',
    // Up to 3,660 dates: a Query per date and a SendMessageBatch per 10 files (~110,000 files).
    memoryMb: 1024,
    timeoutSeconds: 29,
    access: {
      tables: { bus: 'readwrite' },
      sends: ['busQueryScan'],
      bucket: [{ prefix: 'bus-queries/', access: 'write' }],
    },
  },
  {
    method: 'GET',
    path: '/country-stats/queries/{query_id}',
    auth: 'bus',
    handler: 'functions/bus/query.ts',
    environment: queryStall,
    access: { tables: { bus: 'read' }, bucket: [{ prefix: 'bus-queries/', access: 'read' }] },
  },
];

export const consumers: ConsumerDef[] = [
  {
    queue: 'busFetch',
    handler: 'functions/bus/fetch-city.ts',
    batchSize: 1,
    maxConcurrency: 10,
    memoryMb: 1024,
    timeoutSeconds: BUS_FETCH_TIMEOUT_SECONDS,
    settings: ['BUS_SOURCE_URL'],
    environment: busJobs.environment,
    access: { tables: { bus: 'readwrite' }, bucket: [{ prefix: 'bus/', access: 'readwrite' }] },
  },
  {
    // One stored file per task, so a query spreads over as many invocations as it has files. A full
    // vCPU's share is not needed: one S3 stream (~90 MB/s deployed) is slower than the scanner.
    queue: 'busQueryScan',
    handler: 'functions/bus/scan-file.ts',
    batchSize: 1,
    maxConcurrency: 100,
    memoryMb: 1024,
    timeoutSeconds: QUERY_SCAN_TIMEOUT_SECONDS,
    environment: queryStall,
    access: {
      tables: { bus: 'readwrite' },
      bucket: [
        { prefix: 'bus/', access: 'read' },
        { prefix: 'bus-queries/', access: 'write' },
      ],
    },
  },
];
