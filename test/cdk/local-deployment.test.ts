import { beforeAll, describe, expect, test } from '@jest/globals';
import { QUEUES } from '../../lib/resources.ts';
import { authorizer, consumers, functionId, routes } from '../../lib/routes.ts';
import {
  type DeployedFunction,
  deployedFunctions,
  STACK_NAMES,
  synthesizedTemplates,
} from '../../local/deployment.ts';
import { localEnvironment, manifestFunctions } from '../../local/functions.ts';
import { functionPrincipal } from '../../local/iam/function-policies.ts';

// The local runtime configures each function from the synthesized stack (bin/app.ts, no bundling):
// what it reads there must be what `cdk deploy` would give that function.
let functions: Map<string, DeployedFunction>;
beforeAll(async () => {
  const templates = await synthesizedTemplates();
  functions = deployedFunctions(templates[STACK_NAMES.api]!, { BusSourceUrl: 'http://upstream.test' });
}, 120_000);

const deployed = (handler: string) => functions.get(functionId(handler))!;
const newCredentials = () => functionPrincipal({ functionName: 'f', roleName: 'r', policies: [] });
const local = {
  endpoints: { dynamodb: 'http://d', s3: 'http://s', sqs: 'http://q', secretsmanager: 'http://m' },
  queueUrls: Object.fromEntries(Object.keys(QUEUES).map((q) => [`eye-${q}`, `http://q/local/eye-${q}`])),
  overrides: { AUTH_CACHE_TTL_SECONDS: '0' },
};

describe('the deployed functions, as the local runtime reads them', () => {
  test('every manifest function is in the synthesized stack', () => {
    for (const settings of manifestFunctions())
      expect(functions.has(functionId(settings.handler))).toBe(true);
    expect(functions.size).toBe(routes.length + consumers.length + 1);
  });

  test('timeouts and memory are the manifest’s, with the construct’s defaults', () => {
    const fetcher = consumers.find((c) => c.handler === 'functions/bus/fetch-city.ts')!;
    expect(deployed(fetcher.handler)).toMatchObject({ timeoutSeconds: 900, memoryMb: 1024 });
    expect(deployed('functions/events/query.ts')).toMatchObject({ timeoutSeconds: 10, memoryMb: 512 });
  });

  test('a function’s environment names only the resources its manifest entry grants', () => {
    expect(deployed('functions/bus/fetch-city.ts').environment).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'eye',
      POWERTOOLS_METRICS_NAMESPACE: 'Eye',
      TABLE_BUS: 'eye-bus',
      DATA_BUCKET: 'eye-data-000000000000-us-east-1',
      BUS_SOURCE_URL: 'http://upstream.test',
      // Its own settings from the manifest: 4 receives × 6 × 900 s.
      BUS_JOB_STALL_SECONDS: '21600',
      MAX_RECEIVE_COUNT: '4',
    });
  });

  test('role policies are resolved to the local account’s ARNs', () => {
    const resources = deployed('functions/bus/country-stats.ts').policies.flatMap((p) =>
      [p.Statement].flat().flatMap((s) => [s.Resource].flat()),
    );
    expect(resources).toContain('arn:aws:dynamodb:us-east-1:000000000000:table/eye-bus');
    expect(resources).toContain('arn:aws:s3:::eye-data-000000000000-us-east-1/bus/*');
    expect(JSON.stringify(resources)).not.toMatch(/Ref|Fn::/);
  });
});

describe('a function’s local environment', () => {
  test('points deployed queue URLs at the emulator’s and drops what a thread cannot use', () => {
    const env = localEnvironment(
      routes.find((r) => r.path === '/events' && r.method === 'POST')!,
      deployed('functions/events/ingest.ts'),
      newCredentials(),
      local,
    );
    expect(env.QUEUE_URL_EVENTS_INGEST).toBe('http://q/local/eye-eventsIngest');
    expect(env.NODE_OPTIONS).toBeUndefined();
    expect(env).toMatchObject({
      AWS_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_NAME: 'EyeApi-EventsIngest',
      // The runtime the stack deploys it on.
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      SQS_ENDPOINT: 'http://q',
    });
  });

  test('gives files the bundle would carry their place in the project', () => {
    const put = routes.find((r) => r.path === '/location')!;
    const env = localEnvironment(put, deployed(put.handler), newCredentials(), local);
    expect(env.GEO_TZ_DATA_PATH).toMatch(/node_modules\/geo-tz\/data$/);
  });

  test('applies a local setting only to the functions that have it deployed', () => {
    const authz = localEnvironment(authorizer, deployed(authorizer.handler), newCredentials(), local);
    expect(authz.AUTH_CACHE_TTL_SECONDS).toBe('0');
    const query = routes.find((r) => r.path === '/events' && r.method === 'GET')!;
    expect(
      localEnvironment(query, deployed(query.handler), newCredentials(), local).AUTH_CACHE_TTL_SECONDS,
    ).toBeUndefined();
  });

  test('carries credentials of its own', () => {
    const a = newCredentials();
    const b = newCredentials();
    expect(a.accessKeyId).not.toBe(b.accessKeyId);
    const env = localEnvironment(authorizer, deployed(authorizer.handler), a, local);
    expect(env).toMatchObject({ AWS_ACCESS_KEY_ID: a.accessKeyId, AWS_SECRET_ACCESS_KEY: a.secretAccessKey });
  });
});
