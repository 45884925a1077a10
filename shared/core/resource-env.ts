// How a resource's name reaches a handler: one env var per table/queue/bucket. The CDK stack, the
// local runtime and the handlers all derive the variable names here.
export const tableEnvName = (table: string) => `TABLE_${table.toUpperCase()}`;
export const queueEnvName = (queue: string) =>
  `QUEUE_URL_${queue.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
export const BUCKET_ENV_NAME = 'DATA_BUCKET';
