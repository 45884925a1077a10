import type { RouteAuth } from '../shared/core/auth.ts';
import { QUEUES, type QueueKey, type SecretKey, type TableKey } from './resources.ts';
import * as advisors from './routes/advisors.ts';
import * as applications from './routes/applications.ts';
import * as bus from './routes/bus.ts';
import { VISIBILITY_PER_TIMEOUT } from './routes/common.ts';
import * as datasets from './routes/datasets.ts';
import * as events from './routes/events.ts';
import * as locations from './routes/locations.ts';
import * as platform from './routes/platform.ts';

// THE manifest: every HTTP route and queue consumer, its handler file and what it may touch. The CDK
// API stack and the local runtime both read it. The entries live one file per feature (lib/routes/),
// concatenated here; adding a route means adding one entry to its feature's file.

interface Access {
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

export const routes: RouteDef[] = [
  ...platform.routes,
  ...applications.routes,
  ...events.routes,
  ...bus.routes,
  ...locations.routes,
  ...advisors.routes,
  ...datasets.routes,
];

export const consumers: ConsumerDef[] = [
  ...events.consumers,
  ...bus.consumers,
  ...locations.consumers,
  ...datasets.consumers,
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
