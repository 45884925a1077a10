import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BUCKET, QUEUES, type QueueKey, TABLES } from '../lib/resources.ts';
import { routeAuthMap } from '../lib/routes.ts';
import { BUCKET_ENV_NAME, queueEnvName, tableEnvName } from '../shared/core/resource-env.ts';
import { referenceOptionsFromEnv, startReferenceServer } from './bus/ref-server.ts';
import { type S3ObjectEvent, startEmulatorsProcesses } from './emulators.ts';
import { startHttpServer } from './http-server.ts';
import { requireJava } from './java.ts';
import { localNames, provision } from './provision.ts';
import { startPollersThread } from './sqs-pollers.ts';

export interface LocalStackOptions {
  port: number;
  dataDir: string;
  adminToken?: string;
  /** Called with progress lines while starting. */
  log?: (line: string) => void;
}

export interface LocalStack {
  url: string;
  /** Which DynamoDB answers: "Amazon DynamoDB Local 3.3.1 (Java 17.0.15)". */
  dynamodb: string;
  adminToken: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** A value generated once and kept in DATA_DIR, so it survives restarts (admin token, cursor key). */
const persistedSecret = async (dataDir: string, name: string): Promise<string> => {
  const file = join(dataDir, `${name}.secret`);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const value = randomBytes(24).toString('base64url');
    await writeFile(file, `${value}\n`, { mode: 0o600 });
    return value;
  }
};

// Forwards s3rver's object-created events to the queue a notification prefix names, as S3 does.
const forwardS3Notifications =
  (sqs: SQSClient, queueUrls: Record<QueueKey, string>) => (event: S3ObjectEvent) => {
    for (const record of event.Records) {
      if (!record.eventName.startsWith('ObjectCreated:')) continue;
      const target = BUCKET.notifications.find((n) => record.s3.object.key.startsWith(n.prefix));
      if (!target) continue;
      const key = record.s3.object.key
        .split('/')
        .map((part) => encodeURIComponent(part).replace(/%20/g, '+'))
        .join('/');
      const body = JSON.stringify({
        Records: [{ ...record, s3: { ...record.s3, object: { ...record.s3.object, key } } }],
      });
      sqs
        .send(new SendMessageCommand({ QueueUrl: queueUrls[target.queue], MessageBody: body }))
        .catch((err) => {
          console.error('local s3: could not forward a notification', err);
        });
    }
  };

/**
 * The whole stack on one machine: the emulators (a child process each), resources from
 * lib/resources.ts, the HTTP API (this thread) and the queue pollers (a worker thread) from
 * lib/routes.ts. Handlers read their endpoints from env, exactly as on AWS — which is why one process
 * hosts one stack. Throws JavaRequiredError, before anything starts, without Java 17+.
 */
export const startLocalStack = async (options: LocalStackOptions): Promise<LocalStack> => {
  const log = options.log ?? (() => {});
  const java = await requireJava();
  await mkdir(options.dataDir, { recursive: true });
  log(`emulators: starting (state in ${options.dataDir})`);
  const emulators = await startEmulatorsProcesses(options.dataDir);
  const region = 'us-east-1';
  // s3rver accepts only its own fixed key pair; DynamoDB Local (one shared database) and fauxqs accept any.
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const clients = {
    dynamo: new DynamoDBClient({ region, credentials, endpoint: emulators.dynamoEndpoint }),
    s3: new S3Client({ region, credentials, endpoint: emulators.s3Endpoint, forcePathStyle: true }),
    sqs: new SQSClient({ region, credentials, endpoint: emulators.sqsEndpoint }),
  };
  log('resources: creating tables, queues and bucket');
  const { queueUrls, dlqUrls } = await provision(clients);
  const adminToken = options.adminToken ?? (await persistedSecret(options.dataDir, 'admin-token'));

  const env: Record<string, string> = {
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    DYNAMODB_ENDPOINT: emulators.dynamoEndpoint,
    S3_ENDPOINT: emulators.s3Endpoint,
    SQS_ENDPOINT: emulators.sqsEndpoint,
    [BUCKET_ENV_NAME]: localNames.bucket,
    ADMIN_TOKEN: adminToken,
    CURSOR_KEY: await persistedSecret(options.dataDir, 'cursor-key'),
    ROUTE_AUTH: JSON.stringify(routeAuthMap()),
    AUTH_CACHE_TTL_SECONDS: process.env.AUTH_CACHE_TTL_SECONDS ?? '0',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_LOG_LEVEL: process.env.LOG_LEVEL ?? 'WARN',
    ...Object.fromEntries(TABLES.map((t) => [tableEnvName(t), localNames.table(t)])),
    ...Object.fromEntries((Object.keys(QUEUES) as QueueKey[]).map((q) => [queueEnvName(q), queueUrls[q]])),
    ...Object.fromEntries(
      (Object.keys(QUEUES) as QueueKey[]).map((q) => [`${queueEnvName(q)}_DLQ`, dlqUrls[q]]),
    ),
  };
  // The bus feature's upstream: the shipped reference server, unless BUS_SOURCE_URL names another.
  const referenceServer = process.env.BUS_SOURCE_URL
    ? undefined
    : await startReferenceServer({ ...referenceOptionsFromEnv(), port: Number(process.env.REF_PORT ?? 0) });
  env.BUS_SOURCE_URL = process.env.BUS_SOURCE_URL ?? referenceServer!.url;
  // Handlers parse env when first imported, so it must be in place before they load.
  Object.assign(process.env, env);

  emulators.onS3Event(forwardS3Notifications(clients.sqs, queueUrls));
  log('handlers: loading routes and consumers');
  const server: Server = await startHttpServer(options.port);
  const pollers = await startPollersThread(queueUrls);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    dynamodb: `${emulators.dynamoDescription} (Java ${java})`,
    adminToken,
    env,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await pollers.stop();
      await referenceServer?.stop();
      await emulators.stop();
    },
  };
};
