import {
  CreateTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketCorsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { BUCKET, physicalNames, QUEUES, type QueueKey, TABLE_SHAPE, TABLES } from '../lib/resources.ts';
import { visibilityTimeoutSeconds } from '../lib/routes.ts';
import { LOCAL_AWS } from './iam/aws-account.ts';

// The names the synthesized stack gives its resources, resolved for the local account.
export const localNames = physicalNames('eye', `${LOCAL_AWS.accountId}-${LOCAL_AWS.region}`);

export interface Provisioned {
  queueUrls: Record<QueueKey, string>;
  dlqUrls: Record<QueueKey, string>;
}

const createTables = async (dynamo: DynamoDBClient) => {
  const existing = new Set((await dynamo.send(new ListTablesCommand({}))).TableNames ?? []);
  const attr = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
  for (const key of TABLES) {
    const name = localNames.table(key);
    if (existing.has(name)) continue;
    const indexes: GlobalSecondaryIndex[] = TABLE_SHAPE.indexes.map((index) => ({
      IndexName: index,
      KeySchema: [
        { AttributeName: `${index}pk`, KeyType: 'HASH' },
        { AttributeName: `${index}sk`, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    }));
    await dynamo.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: TABLE_SHAPE.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_SHAPE.sortKey, KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          attr(TABLE_SHAPE.partitionKey),
          attr(TABLE_SHAPE.sortKey),
          ...TABLE_SHAPE.indexes.flatMap((index) => [attr(`${index}pk`), attr(`${index}sk`)]),
        ],
        GlobalSecondaryIndexes: indexes,
      }),
    );
    // As the stateful stack does, so items written with an expiry behave as deployed.
    await dynamo.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: TABLE_SHAPE.ttlAttribute, Enabled: true },
      }),
    );
  }
};

// A queue is created by name, then given its attributes: a restart after the definitions changed
// (a consumer's timeout, hence its visibility timeout) converges instead of failing on QueueNameExists.
const ensureQueue = async (sqs: SQSClient, name: string, attributes: Record<string, string>) => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: attributes }));
  return QueueUrl!;
};

const createQueues = async (sqs: SQSClient): Promise<Provisioned> => {
  const queueUrls = {} as Record<QueueKey, string>;
  const dlqUrls = {} as Record<QueueKey, string>;
  for (const [key, def] of Object.entries(QUEUES) as [QueueKey, (typeof QUEUES)[QueueKey]][]) {
    const dlqUrl = await ensureQueue(sqs, localNames.dlq(key), { MessageRetentionPeriod: '1209600' });
    const dlqArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes?.QueueArn;
    queueUrls[key] = await ensureQueue(sqs, localNames.queue(key), {
      VisibilityTimeout: String(visibilityTimeoutSeconds(key)),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: def.maxReceiveCount }),
    });
    dlqUrls[key] = dlqUrl;
  }
  return { queueUrls, dlqUrls };
};

const createBucket = async (s3: S3Client) => {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: localNames.bucket }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket: localNames.bucket }));
  }
  // Any origin, as the stateful stack's default: the console may be served from any local port.
  await s3.send(
    new PutBucketCorsCommand({
      Bucket: localNames.bucket,
      CORSConfiguration: {
        CORSRules: [
          {
            AllowedMethods: [...BUCKET.cors.allowedMethods],
            AllowedOrigins: ['*'],
            AllowedHeaders: [...BUCKET.cors.allowedHeaders],
            MaxAgeSeconds: BUCKET.cors.maxAgeSeconds,
          },
        ],
      },
    }),
  );
};

/** Creates (or finds, after a restart) every table, queue and the bucket of lib/resources.ts. */
export const provision = async (clients: { dynamo: DynamoDBClient; s3: S3Client; sqs: SQSClient }) => {
  await Promise.all([createTables(clients.dynamo), createBucket(clients.s3)]);
  return createQueues(clients.sqs);
};
