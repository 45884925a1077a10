import { Aws, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, EventType, HttpMethods } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  BUCKET,
  physicalNames,
  QUEUES,
  type QueueKey,
  SECRETS,
  type SecretKey,
  TABLE_SHAPE,
  TABLES,
  type TableKey,
} from './resources.ts';
import { visibilityTimeoutSeconds } from './routes.ts';

export interface StatefulStackProps extends StackProps {
  /** Prefix of every physical name (tables, queues, bucket, secrets); one per deployment. */
  namePrefix: string;
  /** Destroy tables, bucket and secrets with the stack (default: retain them). */
  destroyData?: boolean;
  /** Origins allowed to PUT presigned uploads from a browser. */
  corsOrigins?: string[];
}

/** The deployed names: the bucket's carries account and region, as bucket names are global. */
export const stackNames = (prefix: string) => physicalNames(prefix, `${Aws.ACCOUNT_ID}-${Aws.REGION}`);

/** Tables, bucket, queues (each with a DLQ and an alarm on it) and secrets, from lib/resources.ts. */
export class StatefulStack extends Stack {
  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const names = stackNames(props.namePrefix);
    const removalPolicy = props.destroyData ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    const tables = {} as Record<TableKey, Table>;
    for (const key of TABLES) {
      const table = new Table(this, `${key}Table`, {
        tableName: names.table(key),
        partitionKey: { name: TABLE_SHAPE.partitionKey, type: AttributeType.STRING },
        sortKey: { name: TABLE_SHAPE.sortKey, type: AttributeType.STRING },
        billingMode: BillingMode.PAY_PER_REQUEST,
        encryption: TableEncryption.AWS_MANAGED,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        timeToLiveAttribute: TABLE_SHAPE.ttlAttribute,
        removalPolicy,
      });
      for (const index of TABLE_SHAPE.indexes) {
        table.addGlobalSecondaryIndex({
          indexName: index,
          partitionKey: { name: `${index}pk`, type: AttributeType.STRING },
          sortKey: { name: `${index}sk`, type: AttributeType.STRING },
        });
      }
      tables[key] = table;
    }

    const queues = {} as Record<QueueKey, Queue>;
    for (const [key, def] of Object.entries(QUEUES) as [QueueKey, (typeof QUEUES)[QueueKey]][]) {
      const dlq = new Queue(this, `${key}Dlq`, {
        queueName: names.dlq(key),
        retentionPeriod: Duration.days(14),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      queues[key] = new Queue(this, `${key}Queue`, {
        queueName: names.queue(key),
        visibilityTimeout: Duration.seconds(visibilityTimeoutSeconds(key)),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        deadLetterQueue: { queue: dlq, maxReceiveCount: def.maxReceiveCount },
      });
      new Alarm(this, `${key}DlqAlarm`, {
        alarmDescription: `Messages of ${key} failed every retry and wait in its DLQ`,
        metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }

    const accessLogs = new Bucket(this, 'AccessLogsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy,
      autoDeleteObjects: props.destroyData ?? false,
      lifecycleRules: [{ expiration: Duration.days(90) }],
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket of the data bucket; logging it into itself would loop.',
    });

    const bucket = new Bucket(this, 'DataBucket', {
      bucketName: names.bucket,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'data-bucket/',
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy,
      autoDeleteObjects: props.destroyData ?? false,
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      cors: [
        {
          allowedMethods: BUCKET.cors.allowedMethods.map((m) => HttpMethods[m]),
          allowedOrigins: props.corsOrigins ?? ['*'],
          allowedHeaders: [...BUCKET.cors.allowedHeaders],
          maxAge: BUCKET.cors.maxAgeSeconds,
        },
      ],
    });
    for (const notification of BUCKET.notifications) {
      bucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(queues[notification.queue]), {
        prefix: notification.prefix,
      });
    }

    const secrets = {} as Record<SecretKey, Secret>;
    for (const name of SECRETS) {
      secrets[name] = new Secret(this, `${name}Secret`, {
        secretName: names.secret(name),
        description: `Eye ${name}`,
        generateSecretString: { excludePunctuation: true, passwordLength: 48 },
        removalPolicy,
      });
    }

    Validations.of(secrets.ADMIN_TOKEN).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The admin token is handed to operators; rotation is a deliberate manual step (see README).',
    });
    Validations.of(secrets.CURSOR_KEY).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating the cursor-signing key would only invalidate in-flight pagination cursors; done manually.',
    });
    // The construct CDK adds to wire bucket notifications uses the AWS managed basic execution role.
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'Only CloudWatch Logs writes, for CDK-provided custom resources and functions.',
    });
  }
}
