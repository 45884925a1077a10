import * as z from 'zod';
import {
  BUCKET_ENV_NAME,
  CACHE_SECONDS,
  queueEnvName,
  secretEnvName,
  TELEMETRY,
  tableEnvName,
} from './resource-env.ts';

// Parsed once at init. Every resource value is optional here because each Lambda is given only the
// resources its manifest entry grants; the accessors below fail loudly when a handler reaches for one
// it was not granted.
const schema = z.object({
  AWS_REGION: z.string().default('us-east-1'),
  DYNAMODB_ENDPOINT: z.url().optional(),
  S3_ENDPOINT: z.url().optional(),
  SQS_ENDPOINT: z.url().optional(),
  SECRETS_MANAGER_ENDPOINT: z.url().optional(),
  // Powertools' own variables (the stack sets both; the defaults serve a handler loaded without it).
  POWERTOOLS_SERVICE_NAME: z.string().min(1).default(TELEMETRY.serviceName),
  POWERTOOLS_METRICS_NAMESPACE: z.string().min(1).default(TELEMETRY.metricsNamespace),
  // On unless 'false' (Lambda); the local runtime and unit tests turn it off.
  POWERTOOLS_TRACE_ENABLED: z
    .string()
    .optional()
    .transform((value) => value !== 'false'),
  // How long a secret's value is cached in a warm container (Powertools Parameters' own variable).
  POWERTOOLS_PARAMETERS_MAX_AGE: z.coerce.number().int().min(0).max(3600).default(CACHE_SECONDS.secretValue),
  AUTH_CACHE_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(CACHE_SECONDS.authKeyLookup)
    .default(CACHE_SECONDS.authKeyLookup),
  ROUTE_AUTH: z.string().optional(),
  // bus: the upstream (a deploy-time setting, lib/routes/bus.ts); only the fetching functions have it.
  BUS_SOURCE_URL: z.string().optional(),
  // bus: the most bytes GET /country-stats scans before it answers 422 range_too_large (lib/routes/bus.ts).
  COUNTRY_STATS_SYNC_MAX_BYTES: z.coerce.number().int().positive().optional(),
  // bus: how long a job may make no progress before it reads failed (lib/routes/bus.ts).
  BUS_JOB_STALL_SECONDS: z.coerce.number().positive().optional(),
  // events, bus: how long a replay or a statistics query may make no progress before it reads failed.
  REPLAY_STALL_SECONDS: z.coerce.number().positive().optional(),
  QUERY_STALL_SECONDS: z.coerce.number().positive().optional(),
  // Every consumer's queue's maxReceiveCount (lib/routes.ts consumerEnvironment): its last receive
  // records a failure.
  MAX_RECEIVE_COUNT: z.coerce.number().int().positive().optional(),
  /** datasets: a part of an import's extract is written out once it holds about this many bytes. */
  DATASET_PART_BYTES: z.coerce.number().int().min(1).optional(),
  /** Where the /docs function finds its page (a bundled file). */
  API_DOCS_DIR: z.string().optional(),
});

export const env = schema.parse(process.env);

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`Missing configuration ${name}`);
  return value;
};

export const tableName = (table: string) => required(tableEnvName(table));
export const queueUrl = (queue: string) => required(queueEnvName(queue));
export const bucketName = () => required(BUCKET_ENV_NAME);
/** The secret's name (never its value): shared/core/secrets.ts fetches the value. */
export const secretId = (secret: string) => required(secretEnvName(secret));
