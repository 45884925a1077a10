import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import S3rver from 's3rver';
import { loadApiTemplate } from '../../local/iam/api-template.ts';
import {
  type FunctionPolicies,
  functionPolicies,
  functionPrincipal,
} from '../../local/iam/function-policies.ts';
import { type IamGate, type Principal, startIamGate } from '../../local/iam/gate.ts';
import { type LocalSecretsManager, startSecretsManager } from '../../local/iam/secrets-manager.ts';
import { outcome, recordingUpstream } from '../unit/local/iam/fixtures.ts';

// The policies CDK synthesizes for real functions, resolved and enforced by the local IAM gate: what a
// function's manifest entry does not grant fails locally as it would on AWS.

const BUCKET = 'test-data-000000000000-us-east-1';
const OPERATOR = { accessKeyId: 'local', secretAccessKey: 'local' };

let functions: FunctionPolicies[];
const principalOf = (constructId: string): Principal => {
  const fn = functions.find((f) => f.constructId === constructId);
  if (!fn) throw new Error(`no function ${constructId} in the synthesized stack`);
  return functionPrincipal({ functionName: constructId, roleName: fn.roleLogicalId, policies: fn.policies });
};

let cacheDir: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'iam-template-'));
  functions = functionPolicies(await loadApiTemplate({ cacheDir, namePrefix: 'test' }));
}, 60_000);
afterAll(() => rm(cacheDir, { recursive: true, force: true }));

describe('synthesized role policies', () => {
  test('are synthesized once, then read from the cache while the CDK code is unchanged', async () => {
    expect(await readdir(cacheDir)).toEqual([
      expect.stringMatching(/^api-template-test-[0-9a-f]{16}\.json$/),
    ]);
    const start = Date.now();
    const cached = functionPolicies(await loadApiTemplate({ cacheDir, namePrefix: 'test' }));
    expect(Date.now() - start).toBeLessThan(1000);
    expect(cached).toEqual(functions);
  });

  test('every function has its role policies, with intrinsics resolved to the local account', () => {
    expect(functions.length).toBeGreaterThan(20);
    const fetcher = functions.find((f) => f.constructId === 'BusFetchCity')!;
    const resources = JSON.stringify(fetcher.policies);
    expect(resources).toContain(`arn:aws:s3:::${BUCKET}/bus/*`);
    expect(resources).toContain('arn:aws:dynamodb:us-east-1:000000000000:table/test-bus');
    expect(resources).not.toContain('Fn::');
    expect(fetcher.managedPolicyArns).toEqual([
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    ]);
  });
});

describe('the bus fetcher, held to its synthesized policy', () => {
  let dir: string;
  let s3rver: S3rver;
  let gate: IamGate;
  let fetcher: Principal;
  const s3 = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
    new S3Client({
      region: 'us-east-1',
      endpoint: gate.endpoint,
      forcePathStyle: true,
      credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      maxAttempts: 1,
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'iam-gate-cdk-'));
    s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir });
    const { port } = await s3rver.run();
    fetcher = principalOf('BusFetchCity');
    gate = await startIamGate({ service: 's3', upstream: `http://127.0.0.1:${port}`, principals: [fetcher] });
    await s3(OPERATOR).send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  afterAll(async () => {
    await gate.stop();
    await s3rver.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('may put and read bus/ objects', async () => {
    const client = s3(fetcher);
    await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'bus/2026-01-01/lisbon.json', Body: '[]' }),
    );
    const read = await client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'bus/2026-01-01/lisbon.json' }),
    );
    expect(await read.Body!.transformToString()).toBe('[]');
  });

  test('may not delete them: read + put grants no s3:DeleteObject', async () => {
    const result = await outcome(
      s3(fetcher).send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'bus/2026-01-01/lisbon.json' })),
    );
    expect(result).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: ${fetcher.arn} is not authorized to perform: s3:DeleteObject on resource: "arn:aws:s3:::${BUCKET}/bus/2026-01-01/lisbon.json" because no identity-based policy allows the s3:DeleteObject action`,
    });
  });

  test('may not write outside bus/', async () => {
    expect(
      (
        await outcome(
          s3(fetcher).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'datasets/x.json', Body: '[]' })),
        )
      ).name,
    ).toBe('AccessDenied');
  });

  test('may write its own table and no other', async () => {
    const upstream = await recordingUpstream();
    const dynamoGate = await startIamGate({
      service: 'dynamodb',
      upstream: upstream.url,
      principals: [fetcher],
    });
    const dynamo = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: dynamoGate.endpoint,
      credentials: fetcher,
      maxAttempts: 1,
    });
    const put = (TableName: string) =>
      outcome(dynamo.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, sk: { S: 'b' } } })));
    expect((await put('test-bus')).name).toBe('ok');
    expect((await put('test-events')).name).toBe('AccessDeniedException');
    await dynamoGate.stop();
    await upstream.stop();
  });
});

describe('the authorizer, held to its synthesized policy', () => {
  let secrets: LocalSecretsManager;
  let gate: IamGate;
  let authorizer: Principal;

  beforeAll(async () => {
    secrets = await startSecretsManager({
      secrets: { 'test/ADMIN_TOKEN': 'admin', 'test/CURSOR_KEY': 'cursor' },
    });
    authorizer = principalOf('Authorizer');
    gate = await startIamGate({
      service: 'secretsmanager',
      upstream: secrets.endpoint,
      principals: [authorizer],
    });
  });
  afterAll(async () => {
    await gate.stop();
    await secrets.stop();
  });

  test('reads the admin token its manifest entry grants, and not the cursor key', async () => {
    const sm = new SecretsManagerClient({
      region: 'us-east-1',
      endpoint: gate.endpoint,
      credentials: authorizer,
      maxAttempts: 1,
    });
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'test/ADMIN_TOKEN' }))).SecretString).toBe(
      'admin',
    );
    expect((await outcome(sm.send(new GetSecretValueCommand({ SecretId: 'test/CURSOR_KEY' })))).name).toBe(
      'AccessDeniedException',
    );
  });
});
