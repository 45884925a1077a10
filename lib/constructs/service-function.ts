import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { BUCKET_ENV_NAME, queueEnvName, tableEnvName } from '../../shared/core/resource-env.ts';
import type { QueueKey, TableKey } from '../resources.ts';
import type { FunctionSettings } from '../routes.ts';
import type { StatefulResources } from '../stateful-stack.ts';

const PROJECT_ROOT = join(import.meta.dirname, '..', '..');

/** ESM output still meets CommonJS dependencies that call require(). */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);";

const copyFilesHooks = (files: { from: string; to: string }[]) => ({
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (inputDir: string, outputDir: string) =>
    files.map(
      ({ from, to }) =>
        `mkdir -p "$(dirname "${outputDir}/${to}")" && cp "${inputDir}/${from}" "${outputDir}/${to}"`,
    ),
});

export interface ServiceFunctionProps {
  settings: FunctionSettings;
  resources: StatefulResources;
  environment?: Record<string, string>;
}

/**
 * Every Lambda of the stack: Node.js 24 on arm64, minified ESM bundle with source maps, JSON logs
 * with a bounded retention, X-Ray, and exactly the resources its manifest entry grants — table,
 * queue, bucket prefix and secret grants plus the env vars that name them.
 */
export class ServiceFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    const { settings, resources } = props;
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      entry: join(PROJECT_ROOT, settings.handler),
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: settings.memoryMb ?? 512,
      timeout: Duration.seconds(settings.timeoutSeconds ?? 10),
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      tracing: Tracing.ACTIVE,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'eye',
        POWERTOOLS_METRICS_NAMESPACE: 'Eye',
        ...settings.environment,
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        nodeModules: settings.nodeModules,
        commandHooks: settings.bundleFiles?.length ? copyFilesHooks(settings.bundleFiles) : undefined,
      },
    });
    this.bind(settings, resources);
  }

  private bind(settings: FunctionSettings, resources: StatefulResources) {
    const access = settings.access ?? {};
    for (const [key, mode] of Object.entries(access.tables ?? {}) as [
      TableKey,
      'read' | 'write' | 'readwrite',
    ][]) {
      const table = resources.tables[key];
      this.addEnvironment(tableEnvName(key), table.tableName);
      if (mode === 'read') table.grantReadData(this);
      else if (mode === 'write') table.grantWriteData(this);
      else table.grantReadWriteData(this);
    }
    for (const key of access.sends ?? ([] as QueueKey[])) {
      resources.queues[key].grantSendMessages(this);
      this.addEnvironment(queueEnvName(key), resources.queues[key].queueUrl);
    }
    if (access.bucket?.length) this.addEnvironment(BUCKET_ENV_NAME, resources.bucket.bucketName);
    for (const { prefix, access: mode } of access.bucket ?? []) {
      const objects = `${prefix}*`;
      if (mode !== 'write') resources.bucket.grantRead(this, objects);
      if (mode !== 'read') resources.bucket.grantPut(this, objects);
    }
    for (const name of access.secrets ?? []) {
      resources.secrets[name].grantRead(this);
      this.addEnvironment(`${name}_SECRET_ARN`, resources.secrets[name].secretArn);
    }
    // The only wildcards a function gets are the ones its manifest entry implies: a table's GSIs
    // (table/index/*), the objects under its bucket prefixes, and X-Ray (which takes no resource).
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5',
      reason: `Scoped to ${settings.handler}'s manifest grants: table indexes, its bucket prefixes, X-Ray.`,
    });
    for (const name of settings.settings ?? []) {
      const value = this.node.tryGetContext(name) ?? process.env[name];
      if (!value)
        throw new Error(`${settings.handler} needs the deploy-time setting ${name} (cdk -c ${name}=...)`);
      this.addEnvironment(name, String(value));
    }
  }
}
