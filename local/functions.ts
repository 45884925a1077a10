import { dirname, join, resolve } from 'node:path';
import { authorizer, consumers, type FunctionSettings, functionId, routes } from '../lib/routes.ts';
import type { DeployedFunction } from './deployment.ts';
import { LOCAL_AWS, type Principal } from './iam/aws-account.ts';
import { functionPrincipal } from './iam/function-policies.ts';
import { LambdaFunction } from './lambda.ts';

// Every manifest function as a local Lambda: its deployed environment (from the synthesized stack), with
// what differs on one machine said here and nowhere else — where the emulators listen, the queue URLs
// they give, the local paths of files the bundle would carry, and the credentials the runtime hands it.

const ROOT = resolve(import.meta.dirname, '..');
const TASK_ROOT = '/var/task';

/** Files the bundle ships (bundleFiles) sit under /var/task deployed, in the project locally. */
export const bundledDirsLocally = (settings: Pick<FunctionSettings, 'bundleFiles'>): Map<string, string> =>
  new Map(
    (settings.bundleFiles ?? []).map((f) => [join(TASK_ROOT, dirname(f.to)), join(ROOT, dirname(f.from))]),
  );

interface LocalEndpoints {
  dynamodb: string;
  s3: string;
  sqs: string;
  secretsmanager: string;
}

export interface LocalSettings {
  endpoints: LocalEndpoints;
  /** The emulator's URL of each queue, by queue name. */
  queueUrls: Record<string, string>;
  /** Values of documented local settings that replace the deployed ones where a function has them. */
  overrides: Record<string, string>;
}

/** Every function the manifest defines: routes, consumers and the authorizer. */
export const manifestFunctions = (): FunctionSettings[] => [authorizer, ...routes, ...consumers];

// A deployed queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>) names its queue last.
const DEPLOYED_QUEUE_URL = /^https:\/\/sqs\.[^/]+\/\d{12}\/([^/]+)$/;

/** The environment one function sees locally: the deployed one, plus what Lambda itself sets. */
export const localEnvironment = (
  settings: FunctionSettings,
  deployed: DeployedFunction,
  credentials: Pick<Principal, 'accessKeyId' | 'secretAccessKey'>,
  local: LocalSettings,
): Record<string, string> => {
  const taskPaths = bundledDirsLocally(settings);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(deployed.environment)) {
    // Source maps are on for every worker already; NODE_OPTIONS is read by a process, not a thread.
    if (name === 'NODE_OPTIONS') continue;
    const queue = DEPLOYED_QUEUE_URL.exec(value)?.[1];
    env[name] =
      local.overrides[name] ?? (queue ? local.queueUrls[queue] : undefined) ?? taskPaths.get(value) ?? value;
  }
  return {
    ...env,
    AWS_REGION: LOCAL_AWS.region,
    AWS_DEFAULT_REGION: LOCAL_AWS.region,
    AWS_LAMBDA_FUNCTION_NAME: deployed.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(deployed.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${deployed.name}`,
    AWS_EXECUTION_ENV: `AWS_Lambda_${deployed.runtime}`,
    LAMBDA_TASK_ROOT: ROOT,
    TZ: 'UTC',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    // The one difference the handlers read: where the services are.
    DYNAMODB_ENDPOINT: local.endpoints.dynamodb,
    S3_ENDPOINT: local.endpoints.s3,
    SQS_ENDPOINT: local.endpoints.sqs,
    SECRETS_MANAGER_ENDPOINT: local.endpoints.secretsmanager,
    // No CloudWatch or X-Ray here; logs at the level asked for.
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_LOG_LEVEL: local.overrides.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  };
};

export interface LocalFunction {
  settings: FunctionSettings;
  deployed: DeployedFunction;
  /** Its role session as the IAM gates know it: its credentials and its role's policies. */
  principal: Principal;
  lambda: LambdaFunction;
}

// Lambda would scale each function to hundreds of sandboxes; two cores gain nothing past a few.
const MAX_CONTAINERS_PER_ROUTE = 8;
const DEFAULT_CONSUMER_CONCURRENCY = 2;

/** A LambdaFunction per manifest function, keyed by handler file, each with a role session of its own. */
export const createFunctions = (
  deployed: Map<string, DeployedFunction>,
  local: LocalSettings,
  log: (line: string) => void,
): Map<string, LocalFunction> => {
  const functions = new Map<string, LocalFunction>();
  for (const settings of manifestFunctions()) {
    const fn = deployed.get(functionId(settings.handler));
    if (!fn) throw new Error(`the synthesized stack has no function for ${settings.handler}`);
    const principal = functionPrincipal({
      functionName: fn.name,
      roleName: fn.roleArn.split('/').pop()!,
      policies: fn.policies,
    });
    const consumer = consumers.find((c) => c.handler === settings.handler);
    functions.set(settings.handler, {
      settings,
      deployed: fn,
      principal,
      lambda: new LambdaFunction({
        name: fn.name,
        file: join(ROOT, settings.handler),
        env: localEnvironment(settings, fn, principal, local),
        timeoutSeconds: fn.timeoutSeconds,
        memoryMb: fn.memoryMb,
        maxContainers: consumer
          ? Math.min(consumer.maxConcurrency ?? DEFAULT_CONSUMER_CONCURRENCY, 10)
          : MAX_CONTAINERS_PER_ROUTE,
        lowPriority: consumer !== undefined,
        log,
      }),
    });
  }
  return functions;
};
