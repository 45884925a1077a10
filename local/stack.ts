import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SECRETS, type SecretKey } from '../lib/resources.ts';
import { authorizer, type FunctionSettings } from '../lib/routes.ts';
import { referenceOptionsFromEnv, startReferenceServer } from './bus/ref-server.ts';
import { deployedFunctions, OPERATOR_CREDENTIALS, STACK_NAMES, synthesizedTemplates } from './deployment.ts';
import { type EmulatorEndpoints, startEmulatorsProcesses } from './emulators.ts';
import { createFunctions, type LocalFunction } from './functions.ts';
import { startHttpServer } from './http-server.ts';
import { LOCAL_AWS } from './iam/aws-account.ts';
import { requireJava } from './java.ts';
import { localNames, provision } from './provision.ts';
import { s3Notifications } from './s3-notifications.ts';
import { startPollers } from './sqs-pollers.ts';

export interface LocalStackOptions {
  port: number;
  dataDir: string;
  adminToken?: string;
  /** Called with progress lines while starting, and with each cold start and timeout after. */
  log?: (line: string) => void;
}

export interface LocalStack {
  url: string;
  /** Which DynamoDB answers: "Amazon DynamoDB Local 3.3.1 (Java 17.0.15)". */
  dynamodb: string;
  adminToken: string;
  /** The IAM-gated emulator endpoints, for the operator credentials `local`/`local`. */
  endpoints: EmulatorEndpoints;
  /** The upstream of the bus feature. */
  busSourceUrl: string;
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

// Seeded into the local Secrets Manager, where the functions read them as deployed.
const secretValues = async (
  dataDir: string,
  adminToken: string | undefined,
): Promise<Record<SecretKey, string>> => ({
  ADMIN_TOKEN: adminToken ?? (await persistedSecret(dataDir, 'admin-token')),
  CURSOR_KEY: await persistedSecret(dataDir, 'cursor-key'),
});

/**
 * The whole stack on one machine, as deployed: the emulators (a child process each, behind an IAM gate
 * that holds every call to the caller's role policy), resources from lib/resources.ts, and every
 * manifest function in environments of its own, configured from the synthesized CDK stack — routes
 * behind the HTTP API (this process), consumers behind an event source per queue.
 */
export const startLocalStack = async (options: LocalStackOptions): Promise<LocalStack> => {
  const log = options.log ?? (() => {});
  const java = await requireJava();
  await mkdir(options.dataDir, { recursive: true });
  log(`emulators: starting (state in ${options.dataDir}); stack: synthesizing (cached)`);
  const secrets = await secretValues(options.dataDir, options.adminToken);
  const [emulators, templates] = await Promise.all([
    startEmulatorsProcesses(options.dataDir),
    synthesizedTemplates(),
  ]);
  const { endpoints } = emulators;
  const region = LOCAL_AWS.region;
  const operator = {
    dynamo: new DynamoDBClient({ region, credentials: OPERATOR_CREDENTIALS, endpoint: endpoints.dynamodb }),
    s3: new S3Client({
      region,
      credentials: OPERATOR_CREDENTIALS,
      endpoint: endpoints.s3,
      forcePathStyle: true,
    }),
    sqs: new SQSClient({ region, credentials: OPERATOR_CREDENTIALS, endpoint: endpoints.sqs }),
  };
  log('resources: creating tables, queues, bucket and secrets');
  const { queueUrls, dlqUrls } = await provision(operator);
  await emulators.putSecrets(
    Object.fromEntries(SECRETS.map((key) => [localNames.secret(key), secrets[key]])),
  );

  // The bus feature's upstream: the shipped reference server, unless BUS_SOURCE_URL names another.
  const referenceServer = process.env.BUS_SOURCE_URL
    ? undefined
    : await startReferenceServer({ ...referenceOptionsFromEnv(), port: Number(process.env.REF_PORT ?? 0) });
  const busSourceUrl = process.env.BUS_SOURCE_URL ?? referenceServer!.url;

  const queueUrlsByName = Object.fromEntries(
    Object.entries(queueUrls)
      .concat(Object.entries(dlqUrls))
      .map(([, url]) => [url.split('/').pop()!, url]),
  );
  const functions = createFunctions(
    deployedFunctions(templates[STACK_NAMES.api]!, { BusSourceUrl: busSourceUrl }),
    {
      endpoints,
      queueUrls: queueUrlsByName,
      overrides: {
        AUTH_CACHE_TTL_SECONDS: process.env.AUTH_CACHE_TTL_SECONDS ?? '0',
        ...(process.env.POWERTOOLS_PARAMETERS_MAX_AGE && {
          POWERTOOLS_PARAMETERS_MAX_AGE: process.env.POWERTOOLS_PARAMETERS_MAX_AGE,
        }),
        POWERTOOLS_LOG_LEVEL: process.env.LOG_LEVEL ?? 'WARN',
        // The settings tests scale down (README: the scaled-down timing profile).
        ...Object.fromEntries(
          [
            'COUNTRY_STATS_SYNC_MAX_BYTES',
            'BUS_JOB_STALL_SECONDS',
            'REPLAY_STALL_SECONDS',
            'QUERY_STALL_SECONDS',
            'DATASET_PART_BYTES',
          ].flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])),
        ),
      },
    },
    (line) => log(`lambda ${line}`),
  );
  await emulators.setPrincipals([...functions.values()].map((fn) => fn.principal));
  const functionOf = (settings: FunctionSettings): LocalFunction => functions.get(settings.handler)!;

  const notifications = await s3Notifications({
    s3: operator.s3,
    sqs: operator.sqs,
    bucket: localNames.bucket,
    queueUrls,
    dataDir: options.dataDir,
  });
  // Subscribed before reconciling: an object stored meanwhile is notified by one or the other (or both).
  emulators.onS3Event(notifications.forward);
  const { resent } = await notifications.reconcile();
  if (resent) log(`s3: notified ${resent} stored object(s) whose notification a stopped stack had not sent`);
  const server: Server = await startHttpServer(options.port, (s) => functionOf(s).lambda.invoke, authorizer);
  const pollers = startPollers(
    (def) => functionOf(def).lambda.invoke,
    (def) => new SQSClient({ region, credentials: functionOf(def).principal, endpoint: endpoints.sqs }),
    queueUrls,
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    dynamodb: `${emulators.dynamodb} (Java ${java})`,
    adminToken: secrets.ADMIN_TOKEN,
    endpoints,
    busSourceUrl,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await pollers.stop();
      await Promise.all([...functions.values()].map((fn) => fn.lambda.stop()));
      await referenceServer?.stop();
      await emulators.stop();
    },
  };
};
