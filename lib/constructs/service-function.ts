import { join } from 'node:path';
import { CfnParameter, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import {
  BUCKET_ENV_NAME,
  CACHE_SECONDS,
  queueEnvName,
  secretEnvName,
  TELEMETRY,
  tableEnvName,
} from '../../shared/core/resource-env.ts';
import { physicalNames, type QueueKey, type TableKey } from '../resources.ts';
import { FUNCTION_DEFAULTS, type FunctionSettings } from '../routes.ts';
import type { StackResources } from '../stack-resources.ts';
import { BUNDLE_TARGET, ESM_REQUIRE_BANNER } from './bundling.ts';

const PROJECT_ROOT = join(import.meta.dirname, '..', '..');

/**
 * A deploy-time setting is a CloudFormation parameter (one per stack, shared by the functions that
 * need it), so `cdk synth` needs no value; `-c NAME=value` sets its default.
 */
const deploySetting = (scope: Construct, name: string): string => {
  const stack = Stack.of(scope);
  const id = name
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  const existing = stack.node.tryFindChild(id) as CfnParameter | undefined;
  const parameter =
    existing ??
    new CfnParameter(stack, id, {
      type: 'String',
      description: `${name} for the functions that read it`,
      default: stack.node.tryGetContext(name),
    });
  return parameter.valueAsString;
};

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
  resources: StackResources;
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
      memorySize: settings.memoryMb ?? FUNCTION_DEFAULTS.memoryMb,
      timeout: Duration.seconds(settings.timeoutSeconds ?? FUNCTION_DEFAULTS.timeoutSeconds),
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      tracing: Tracing.ACTIVE,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: TELEMETRY.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: TELEMETRY.metricsNamespace,
        ...settings.environment,
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLE_TARGET,
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

  /**
   * cdk-nag flags every wildcard; a function gets only those its manifest entry implies, each named
   * here exactly (as cdk-nag renders it) so that any other wildcard still fails the nag test.
   */
  private acknowledgeWildcards(settings: FunctionSettings, prefix: string) {
    const rendered = physicalNames(prefix, '<AWS::AccountId>-<AWS::Region>');
    const acknowledge = (finding: string, reason: string) =>
      Validations.of(this).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    acknowledge('Resource::*', 'X-Ray PutTraceSegments/PutTelemetryRecords accept no narrower resource.');
    for (const key of Object.keys(settings.access?.tables ?? {}) as TableKey[]) {
      acknowledge(
        `Resource::arn:<AWS::Partition>:dynamodb:<AWS::Region>:<AWS::AccountId>:table/${rendered.table(key)}/index/*`,
        `The GSIs of the ${key} table this function is granted.`,
      );
    }
    for (const { prefix: keyPrefix, access } of settings.access?.bucket ?? []) {
      acknowledge(
        `Resource::arn:<AWS::Partition>:s3:::${rendered.bucket}/${keyPrefix}*`,
        `Objects under ${keyPrefix}, the bucket prefix this function is granted.`,
      );
      const actions = [...(access !== 'write' ? ['s3:GetObject*', 's3:GetBucket*', 's3:List*'] : [])];
      if (access !== 'read') actions.push('s3:Abort*');
      if (access === 'readwrite') actions.push('s3:DeleteObject*');
      for (const action of actions) {
        acknowledge(`Action::${action}`, `CDK's ${action} grant group, limited to ${keyPrefix}*.`);
      }
    }
  }

  private bind(settings: FunctionSettings, resources: StackResources) {
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
      // readwrite owns its objects: a failed import or fetch removes what it wrote.
      if (mode === 'readwrite') resources.bucket.grantDelete(this, objects);
    }
    for (const name of access.secrets ?? []) {
      resources.secrets[name].grantRead(this);
      this.addEnvironment(secretEnvName(name), resources.names.secret(name));
    }
    if (access.secrets?.length)
      this.addEnvironment('POWERTOOLS_PARAMETERS_MAX_AGE', String(CACHE_SECONDS.secretValue));
    this.acknowledgeWildcards(settings, resources.prefix);
    for (const name of settings.settings ?? []) this.addEnvironment(name, deploySetting(this, name));
  }
}
