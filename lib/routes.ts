import type { RouteAuth } from '../shared/core/auth.ts';
import { QUEUES, type QueueKey, type SecretKey, type TableKey } from './resources.ts';

// THE manifest: every HTTP route and queue consumer, its handler file and what it may touch. The CDK
// API stack and the local runtime both read it; adding a route means adding one entry here.

export interface Access {
  tables?: Partial<Record<TableKey, 'read' | 'write' | 'readwrite'>>;
  /** Queues the function sends to. */
  sends?: QueueKey[];
  /** Bucket key prefixes and what the function may do under them. */
  bucket?: { prefix: string; access: 'read' | 'write' | 'readwrite' }[];
  secrets?: SecretKey[];
}

export interface FunctionSettings {
  /** Path of the handler file from the project root; it exports `handler`. */
  handler: string;
  memoryMb?: number;
  timeoutSeconds?: number;
  access?: Access;
  /** Extra environment the handler reads (never secrets). */
  environment?: Record<string, string>;
  /** Packages left out of the bundle and installed next to it at deploy time (needs the npm registry). */
  nodeModules?: string[];
  /**
   * Data files copied next to the bundle (project-relative `from`, bundle-relative `to`); synth stays
   * offline. For packages that read data from disk, e.g. geo-tz with GEO_TZ_DATA_PATH.
   */
  bundleFiles?: { from: string; to: string }[];
  /**
   * Deploy-time settings passed to the function as env vars of the same name: from CDK context
   * (`-c NAME=value`) when deployed, from the process env locally (e.g. BUS_SOURCE_URL).
   */
  settings?: string[];
}

export interface RouteDef extends FunctionSettings {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'ANY';
  /** API Gateway route path (`{param}`), or `$default` for the fallback. */
  path: string;
  auth: RouteAuth;
}

export interface ConsumerDef extends FunctionSettings {
  queue: QueueKey;
  batchSize: number;
  maxBatchingWindowSeconds?: number;
  /** Upper bound on concurrent invocations (protects upstreams and tables). */
  maxConcurrency?: number;
}

/** What a function gets where its manifest entry says nothing (the CDK construct applies them). */
export const FUNCTION_DEFAULTS = { timeoutSeconds: 10, memoryMb: 512 } as const;

const cursor: SecretKey[] = ['CURSOR_KEY'];

/**
 * What GET /country-stats scans before it answers 422 range_too_large. Deployed, the function (1769 MB,
 * one vCPU) reads six S3 streams at once, ~90 MB/s each, well below the scanner's ~900 MB/s per thread:
 * ~500 MB/s, so 6 GB take ~12 s, within API Gateway's 30 s with room for slow streams. Locally the
 * env var of the same name replaces it (tests set it small).
 */
const COUNTRY_STATS_SYNC_MAX_BYTES = 6_000_000_000;

/** AWS's guidance for a queue that triggers a Lambda (see visibilityTimeoutSeconds). */
const VISIBILITY_PER_TIMEOUT = 6;
const BUS_FETCH_TIMEOUT_SECONDS = 900;

const REPLAY_TIMEOUT_SECONDS = 60;
const QUERY_SCAN_TIMEOUT_SECONDS = 120;

/**
 * How long asynchronous work may make no progress before it reads failed: the longest one of its
 * messages can stay unhandled without anything being recorded is maxReceiveCount receives, each of
 * whose invocations crashed or timed out and left it invisible for a visibility timeout. Locally the
 * env var of the same name replaces it (the tests' scaled-down timing profile).
 */
const stallSeconds = (queue: QueueKey, timeoutSeconds: number) =>
  String(QUEUES[queue].maxReceiveCount * VISIBILITY_PER_TIMEOUT * timeoutSeconds);

/** A bus job that has counted no city for this long (6 h) reads failed and frees its date. */
const busJobs = {
  environment: { BUS_JOB_STALL_SECONDS: stallSeconds('busFetch', BUS_FETCH_TIMEOUT_SECONDS) },
};
/** A replay that has recorded no page for this long (30 min) reads failed. */
const replayStall = { REPLAY_STALL_SECONDS: stallSeconds('eventsReplay', REPLAY_TIMEOUT_SECONDS) };
/** A statistics query that has counted no file for this long (36 min) reads failed. */
const queryStall = { QUERY_STALL_SECONDS: stallSeconds('busQueryScan', QUERY_SCAN_TIMEOUT_SECONDS) };

// geo-tz reads its 26 MB polygon file from disk at run time: ship it next to the bundle.
const zoneLookupData: Pick<FunctionSettings, 'bundleFiles' | 'environment'> = {
  bundleFiles: [
    {
      from: 'node_modules/geo-tz/data/timezones-1970.geojson.geo.dat',
      to: 'geo-tz/timezones-1970.geojson.geo.dat',
    },
  ],
  environment: { GEO_TZ_DATA_PATH: '/var/task/geo-tz' },
};

export const routes: RouteDef[] = [
  // Platform
  { method: 'GET', path: '/health', auth: 'public', handler: 'functions/platform/health.ts' },
  { method: 'GET', path: '/openapi.json', auth: 'public', handler: 'functions/platform/openapi.ts' },
  {
    method: 'GET',
    path: '/docs',
    auth: 'public',
    handler: 'functions/platform/docs.ts',
    bundleFiles: [{ from: 'shared/api-docs/reference.html', to: 'api-docs/reference.html' }],
    environment: { API_DOCS_DIR: '/var/task/api-docs' },
  },
  { method: 'GET', path: '/console', auth: 'public', handler: 'functions/platform/console.ts' },
  { method: 'ANY', path: '$default', auth: 'public', handler: 'functions/platform/not-found.ts' },

  // Applications and API keys (admin)
  {
    method: 'POST',
    path: '/applications',
    auth: 'admin',
    handler: 'functions/applications/create.ts',
    access: { tables: { applications: 'write' } },
  },
  {
    method: 'GET',
    path: '/applications',
    auth: 'admin',
    handler: 'functions/applications/list.ts',
    access: { tables: { applications: 'read' }, secrets: cursor },
  },
  {
    method: 'DELETE',
    path: '/applications/{application_id}',
    auth: 'admin',
    handler: 'functions/applications/delete.ts',
    access: { tables: { applications: 'readwrite' } },
  },

  // Events ("The Eye")
  {
    method: 'POST',
    path: '/events',
    auth: 'events',
    handler: 'functions/events/ingest.ts',
    access: { tables: { events: 'write' }, sends: ['eventsIngest'] },
  },
  {
    method: 'GET',
    path: '/events',
    auth: 'events',
    handler: 'functions/events/query.ts',
    access: { tables: { events: 'read' }, secrets: cursor },
  },
  {
    method: 'GET',
    path: '/errors',
    auth: 'events',
    handler: 'functions/events/errors.ts',
    access: { tables: { events: 'read' }, secrets: cursor },
  },

  {
    method: 'GET',
    path: '/errors/summary',
    auth: 'events',
    handler: 'functions/events/summary.ts',
    access: { tables: { events: 'read' } },
  },

  {
    method: 'POST',
    path: '/errors/replay',
    auth: 'events',
    handler: 'functions/events/replay-start.ts',
    access: { tables: { events: 'write' }, sends: ['eventsReplay'] },
  },
  {
    method: 'GET',
    path: '/errors/replay/{replay_id}',
    auth: 'events',
    handler: 'functions/events/replay-status.ts',
    environment: replayStall,
    access: { tables: { events: 'read' } },
  },

  // Event types: versioned JSON Schemas, global or an application's own
  {
    method: 'POST',
    path: '/event-types',
    auth: 'events',
    handler: 'functions/events/type-create.ts',
    access: { tables: { events: 'write' } },
  },
  {
    method: 'GET',
    path: '/event-types',
    auth: 'events',
    handler: 'functions/events/type-list.ts',
    access: { tables: { events: 'read' }, secrets: cursor },
  },
  {
    method: 'GET',
    path: '/event-types/{category}/{name}',
    auth: 'events',
    handler: 'functions/events/type-get.ts',
    access: { tables: { events: 'read' } },
  },
  {
    method: 'PATCH',
    path: '/event-types/{category}/{name}',
    auth: 'events',
    handler: 'functions/events/type-update.ts',
    access: { tables: { events: 'readwrite' } },
  },
  {
    method: 'POST',
    path: '/event-types/{category}/{name}/versions',
    auth: 'events',
    handler: 'functions/events/type-version.ts',
    access: { tables: { events: 'readwrite' } },
  },

  // Bus statistics
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

  // Locations
  {
    method: 'PUT',
    path: '/location',
    auth: 'locations',
    handler: 'functions/locations/put.ts',
    access: { tables: { locations: 'write' }, sends: ['locationMinutes'] },
    ...zoneLookupData,
  },
  {
    method: 'POST',
    path: '/locations',
    auth: 'locations',
    handler: 'functions/locations/import.ts',
    timeoutSeconds: 29,
    memoryMb: 1024,
    access: { tables: { locations: 'write' }, sends: ['locationMinutes'] },
    ...zoneLookupData,
  },
  {
    method: 'GET',
    path: '/users/{user_id}/location-averages',
    auth: 'locations',
    handler: 'functions/locations/averages.ts',
    access: { tables: { locations: 'read' }, secrets: cursor },
  },

  // Advisors
  {
    method: 'POST',
    path: '/advisors/import',
    auth: 'advisors',
    handler: 'functions/advisors/import.ts',
    timeoutSeconds: 29,
    // A full vCPU: a 20,000-client file is 200 transactions of 100 conditional puts, and the SDK's CPU per
    // call (and per item marshalled) sets the pace.
    memoryMb: 1769,
    access: { tables: { advisors: 'readwrite' } },
  },
  {
    method: 'GET',
    path: '/advisors',
    auth: 'advisors',
    handler: 'functions/advisors/list.ts',
    access: { tables: { advisors: 'read' }, secrets: cursor },
  },
  {
    method: 'PATCH',
    path: '/advisors/{advisor_id}',
    auth: 'advisors',
    handler: 'functions/advisors/update.ts',
    access: { tables: { advisors: 'readwrite' } },
  },
  {
    method: 'GET',
    path: '/advisors/{advisor_id}/clients',
    auth: 'advisors',
    handler: 'functions/advisors/advisor-clients.ts',
    access: { tables: { advisors: 'read' }, secrets: cursor },
  },
  {
    method: 'GET',
    path: '/clients',
    auth: 'advisors',
    handler: 'functions/advisors/list-clients.ts',
    access: { tables: { advisors: 'read' }, secrets: cursor },
  },
  {
    method: 'PUT',
    path: '/clients/{client_id}/advisor',
    auth: 'advisors',
    handler: 'functions/advisors/assign.ts',
    access: { tables: { advisors: 'readwrite' } },
  },
  {
    method: 'DELETE',
    path: '/clients/{client_id}/advisor',
    auth: 'advisors',
    handler: 'functions/advisors/unassign.ts',
    access: { tables: { advisors: 'readwrite' } },
  },

  // Datasets
  {
    method: 'POST',
    path: '/datasets',
    auth: 'datasets',
    handler: 'functions/datasets/create.ts',
    timeoutSeconds: 29,
    memoryMb: 1024,
    access: { tables: { datasets: 'readwrite' }, bucket: [{ prefix: 'datasets/', access: 'write' }] },
  },
  {
    method: 'POST',
    path: '/datasets/uploads',
    auth: 'datasets',
    handler: 'functions/datasets/create-upload.ts',
    access: { tables: { datasets: 'write' }, bucket: [{ prefix: 'datasets/uploads/', access: 'write' }] },
  },
  {
    method: 'GET',
    path: '/datasets/{dataset_id}',
    auth: 'datasets',
    handler: 'functions/datasets/get.ts',
    access: { tables: { datasets: 'read' }, bucket: [{ prefix: 'datasets/', access: 'read' }] },
  },
  {
    method: 'GET',
    path: '/datasets/{dataset_id}/aggregate',
    auth: 'datasets',
    handler: 'functions/datasets/aggregate.ts',
    memoryMb: 1769,
    timeoutSeconds: 29,
    access: { tables: { datasets: 'read' }, bucket: [{ prefix: 'datasets/', access: 'read' }] },
  },
];

export const consumers: ConsumerDef[] = [
  // events
  {
    queue: 'eventsIngest',
    handler: 'functions/events/process.ts',
    batchSize: 100,
    // A batch of 100 messages may carry tens of thousands of events, each a conditional put.
    timeoutSeconds: 60,
    maxBatchingWindowSeconds: 1,
    access: { tables: { events: 'readwrite' } },
  },
  {
    queue: 'eventsReplay',
    handler: 'functions/events/replay.ts',
    // One page of a replay per message; each queues the next.
    batchSize: 1,
    timeoutSeconds: REPLAY_TIMEOUT_SECONDS,
    environment: replayStall,
    access: { tables: { events: 'readwrite' }, sends: ['eventsReplay'] },
  },
  // bus
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
  // locations
  {
    queue: 'locationMinutes',
    handler: 'functions/locations/average-minute.ts',
    batchSize: 1000,
    timeoutSeconds: 60,
    maxBatchingWindowSeconds: 1,
    access: { tables: { locations: 'readwrite' } },
  },
  // datasets
  {
    queue: 'datasetsImport',
    handler: 'functions/datasets/import.ts',
    batchSize: 1,
    memoryMb: 3008,
    timeoutSeconds: 900,
    // The extract is written in parts of this size, so the import's memory does not grow with the file.
    environment: { DATASET_PART_BYTES: String(32 * 1024 * 1024) },
    access: { tables: { datasets: 'readwrite' }, bucket: [{ prefix: 'datasets/', access: 'readwrite' }] },
  },
];

/**
 * A consumer's environment: its own, plus its queue's maxReceiveCount, so the receive that reaches it
 * knows it is the last and records the failure instead of leaving it to the DLQ in silence.
 */
export const consumerEnvironment = (consumer: ConsumerDef): Record<string, string> => ({
  ...consumer.environment,
  MAX_RECEIVE_COUNT: String(QUEUES[consumer.queue].maxReceiveCount),
});

/** The authorizer runs before every non-public route and needs to know what each route requires. */
export const authorizer: FunctionSettings = {
  handler: 'functions/applications/authorizer.ts',
  access: { tables: { applications: 'read' }, secrets: ['ADMIN_TOKEN'] },
};

/**
 * The construct id of a manifest function (`functions/bus/fetch-city.ts` → `BusFetchCity`): the CDK
 * stack names its function so, and the local runtime finds that function's synthesized settings by it.
 */
export const functionId = (handler: string) =>
  handler
    .replace(/^functions\//, '')
    .replace(/\.ts$/, '')
    .split(/[/-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/**
 * AWS's guidance for a queue that triggers a Lambda: a visibility timeout of at least six times the
 * function's timeout, so retries of a throttled or slow batch do not make its messages visible again
 * while it still runs.
 */
export const visibilityTimeoutSeconds = (queue: QueueKey): number => {
  const consumer = consumers.find((c) => c.queue === queue);
  return VISIBILITY_PER_TIMEOUT * (consumer?.timeoutSeconds ?? FUNCTION_DEFAULTS.timeoutSeconds);
};

export const routeKey = (route: Pick<RouteDef, 'method' | 'path'>) =>
  route.path === '$default' ? '$default' : `${route.method} ${route.path}`;

/** `{"POST /events": "events", ...}` — handed to the authorizer as `ROUTE_AUTH`. */
export const routeAuthMap = (): Record<string, RouteAuth> =>
  Object.fromEntries(routes.filter((r) => r.auth !== 'public').map((r) => [routeKey(r), r.auth]));
