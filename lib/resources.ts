// The stateful resources, as plain data: the CDK stateful stack and the local runtime both build
// tables, queues and the bucket from these definitions, so there is no second copy to drift.

/**
 * Every table has the same generic shape (pk/sk plus three overloaded GSIs, all projecting ALL);
 * each feature's repository decides what goes in the keys. Unused GSIs cost nothing.
 */
export const TABLES = ['applications', 'events', 'bus', 'locations', 'advisors', 'datasets'] as const;
export type TableKey = (typeof TABLES)[number];

export const TABLE_SHAPE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: ['gsi1', 'gsi2', 'gsi3'] as const,
  /** GSI `gsiN` has partition key `gsiNpk` and sort key `gsiNsk`, both strings. */
  ttlAttribute: 'expires_at',
} as const;

/** A queue's visibility timeout follows its consumer's timeout (lib/routes.ts visibilityTimeoutSeconds). */
export interface QueueDef {
  /** Receives before a message moves to the queue's DLQ. */
  maxReceiveCount: number;
}

export const QUEUES = {
  eventsIngest: { maxReceiveCount: 5 },
  eventsReplay: { maxReceiveCount: 5 },
  busFetch: { maxReceiveCount: 4 },
  busQueryScan: { maxReceiveCount: 3 },
  locationMinutes: { maxReceiveCount: 5 },
  datasetsImport: { maxReceiveCount: 3 },
} as const satisfies Record<string, QueueDef>;
export type QueueKey = keyof typeof QUEUES;

/** One bucket; features own key prefixes. Objects created under a notification prefix go to its queue. */
export const BUCKET = {
  prefixes: { bus: 'bus/', busQueries: 'bus-queries/', datasets: 'datasets/' },
  notifications: [{ prefix: 'datasets/uploads/', queue: 'datasetsImport' as QueueKey }],
  /** Browsers (the console) PUT dataset uploads to presigned URLs: a cross-origin request. */
  cors: { allowedMethods: ['PUT'], allowedHeaders: ['*'], maxAgeSeconds: 3000 },
} as const;

/** Secrets: deployed as Secrets Manager secrets, locally as env values (see shared/core/secrets.ts). */
export const SECRETS = ['ADMIN_TOKEN', 'CURSOR_KEY'] as const;
export type SecretKey = (typeof SECRETS)[number];

/**
 * Physical names, shared by the deployed stacks and the local runtime. Fixed names let the API stack
 * refer to the stateful resources without CloudFormation exports, so either stack can be redeployed
 * or destroyed on its own. `bucketSuffix` keeps the globally unique bucket name unique (account-region).
 */
export const physicalNames = (prefix: string, bucketSuffix?: string) => ({
  table: (key: TableKey) => `${prefix}-${key}`,
  queue: (key: QueueKey) => `${prefix}-${key}`,
  dlq: (key: QueueKey) => `${prefix}-${key}-dlq`,
  bucket: bucketSuffix ? `${prefix}-data-${bucketSuffix}` : `${prefix}-data`,
  secret: (key: SecretKey) => `${prefix}/${key}`,
});
