import { Stack } from 'aws-cdk-lib';
import { type ITable, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { type IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { QUEUES, type QueueKey, SECRETS, type SecretKey, TABLES, type TableKey } from './resources.ts';
import { stackNames } from './stateful-stack.ts';

/** The stateful resources as the API stack sees them: looked up by their fixed names, not exported. */
export interface StackResources {
  tables: Record<TableKey, ITable>;
  queues: Record<QueueKey, IQueue>;
  deadLetterQueues: Record<QueueKey, IQueue>;
  bucket: IBucket;
  secrets: Record<SecretKey, ISecret>;
  names: ReturnType<typeof stackNames>;
  prefix: string;
}

export const importResources = (scope: Construct, prefix: string): StackResources => {
  const names = stackNames(prefix);
  const stack = Stack.of(scope);
  const tables = Object.fromEntries(
    TABLES.map((key) => [
      key,
      Table.fromTableAttributes(scope, `${key}TableRef`, {
        tableName: names.table(key),
        grantIndexPermissions: true,
      }),
    ]),
  ) as Record<TableKey, ITable>;
  const queueRefs = (kind: string, nameOf: (key: QueueKey) => string) =>
    Object.fromEntries(
      (Object.keys(QUEUES) as QueueKey[]).map((key) => [
        key,
        Queue.fromQueueArn(
          scope,
          `${key}${kind}Ref`,
          stack.formatArn({ service: 'sqs', resource: nameOf(key) }),
        ),
      ]),
    ) as Record<QueueKey, IQueue>;
  const queues = queueRefs('Queue', names.queue);
  const deadLetterQueues = queueRefs('Dlq', names.dlq);
  const secrets = Object.fromEntries(
    SECRETS.map((key) => [key, Secret.fromSecretNameV2(scope, `${key}SecretRef`, names.secret(key))]),
  ) as Record<SecretKey, ISecret>;
  return {
    tables,
    queues,
    deadLetterQueues,
    secrets,
    bucket: Bucket.fromBucketName(scope, 'DataBucketRef', names.bucket),
    names,
    prefix,
  };
};
