// What the CDK stack and the handlers agree on about a function's env: one variable per
// table/queue/bucket/secret that names it (the stack, the local runtime and the handlers all derive the
// names here), and the values the stack sets that a handler's defaults must equal.
export const tableEnvName = (table: string) => `TABLE_${table.toUpperCase()}`;
export const queueEnvName = (queue: string) =>
  `QUEUE_URL_${queue.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
export const BUCKET_ENV_NAME = 'DATA_BUCKET';
/** Carries the secret's name, never its value. */
export const secretEnvName = (secret: string) => `${secret}_SECRET_ID`;

/**
 * The Powertools service name and metrics namespace: the stack sets them on every function
 * (POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE) and its dashboard reads the metrics there.
 */
export const TELEMETRY = { serviceName: 'eye', metricsNamespace: 'Eye' } as const;

export const CACHE_SECONDS = {
  /** POWERTOOLS_PARAMETERS_MAX_AGE: a rotated secret (the admin token) reaches warm containers within it. */
  secretValue: 300,
  /** AUTH_CACHE_TTL_SECONDS: the authorizer's key look-ups, API.md's bound for a deleted key to stop working. */
  authKeyLookup: 60,
} as const;
