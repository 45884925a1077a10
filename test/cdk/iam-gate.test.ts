import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import S3rver from 's3rver';
import { ServiceFunction } from '../../lib/constructs/service-function.ts';
import type { FunctionSettings } from '../../lib/routes.ts';
import { importResources } from '../../lib/stack-resources.ts';
import {
  type DeployedFunction,
  deployedFunctions,
  OPERATOR_CREDENTIALS as OPERATOR,
  STACK_NAMES,
  synthesizedTemplates,
} from '../../local/deployment.ts';
import { functionPrincipal } from '../../local/iam/function-policies.ts';
import { type IamGate, type Principal, startIamGate } from '../../local/iam/gate.ts';
import { type LocalSecretsManager, startSecretsManager } from '../../local/iam/secrets-manager.ts';
import { gateS3Client, outcome, recordingUpstream } from '../unit/local/iam/fixtures.ts';

// The policies CDK synthesizes for real functions, resolved and enforced by the local IAM gate: what a
// function's manifest entry does not grant fails locally as it would on AWS, and works once granted.

const BUCKET = 'eye-data-000000000000-us-east-1';

const principalFor = (fn: DeployedFunction): Principal =>
  functionPrincipal({ functionName: fn.name, roleName: fn.roleArn.split('/').pop()!, policies: fn.policies });

let functions: Map<string, DeployedFunction>;
const principalOf = (constructId: string): Principal => {
  const fn = functions.get(constructId);
  if (!fn) throw new Error(`no function ${constructId} in the synthesized stack`);
  return principalFor(fn);
};

beforeAll(async () => {
  functions = deployedFunctions((await synthesizedTemplates())[STACK_NAMES.api]!, {
    BusSourceUrl: 'http://upstream.test',
  });
}, 120_000);

describe('synthesized role policies', () => {
  test('every function has its role policies, with intrinsics resolved to the local account', () => {
    expect(functions.size).toBeGreaterThan(20);
    const resources = JSON.stringify(functions.get('BusFetchCity')!.policies);
    expect(resources).toContain(`arn:aws:s3:::${BUCKET}/bus/*`);
    expect(resources).toContain('arn:aws:dynamodb:us-east-1:000000000000:table/eye-bus');
    expect(resources).not.toContain('Fn::');
  });
});

/** A gate over a fresh s3rver with the bucket created, for the given principals. */
const s3Gate = async (principals: Principal[]) => {
  const dir = await mkdtemp(join(tmpdir(), 'iam-gate-cdk-'));
  const s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir });
  const { port } = await s3rver.run();
  const gate = await startIamGate({ service: 's3', upstream: `http://127.0.0.1:${port}`, principals });
  const client = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
    gateS3Client(gate.endpoint, credentials);
  await client(OPERATOR).send(new CreateBucketCommand({ Bucket: BUCKET }));
  return {
    gate,
    client,
    stop: async () => {
      await gate.stop();
      await s3rver.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
};

describe('a manifest grant, enforced', () => {
  // The same function, synthesized with `write` and then `readwrite` access to bus/ (the bug this
  // runtime was built to catch: the fetcher's failure path deletes what it wrote).
  const synthesizedWith = (access: 'write' | 'readwrite'): Principal => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, STACK_NAMES.api, { env: { account: '000000000000', region: 'us-east-1' } });
    const settings: FunctionSettings = {
      handler: 'functions/bus/fetch-city.ts',
      access: { bucket: [{ prefix: 'bus/', access }] },
    };
    new ServiceFunction(stack, 'BusFetchCity', { settings, resources: importResources(stack, 'eye') });
    return principalFor(
      deployedFunctions(Template.fromStack(stack).toJSON() as Parameters<typeof deployedFunctions>[0]).get(
        'BusFetchCity',
      )!,
    );
  };

  test('refuses a delete the entry does not grant, and allows it once granted', async () => {
    const before = synthesizedWith('write');
    const after = synthesizedWith('readwrite');
    const s3 = await s3Gate([before, after]);
    try {
      const key = 'bus/2026-01-01/1.json';
      await s3.client(OPERATOR).send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '[]' }));
      const remove = (p: Principal) =>
        outcome(s3.client(p).send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key })));
      expect(await remove(before)).toEqual({
        name: 'AccessDenied',
        status: 403,
        message: `User: ${before.arn} is not authorized to perform: s3:DeleteObject on resource: "arn:aws:s3:::${BUCKET}/${key}" because no identity-based policy allows the s3:DeleteObject action`,
      });
      expect((await remove(after)).name).toBe('ok');
    } finally {
      await s3.stop();
    }
  });
});

describe('the bus fetcher, held to its synthesized policy', () => {
  let s3: Awaited<ReturnType<typeof s3Gate>>;
  let fetcher: Principal;

  beforeAll(async () => {
    fetcher = principalOf('BusFetchCity');
    s3 = await s3Gate([fetcher]);
  });
  afterAll(() => s3.stop());

  test('may put and read bus/ objects', async () => {
    const client = s3.client(fetcher);
    await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'bus/2026-01-01/lisbon.json', Body: '[]' }),
    );
    const read = await client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'bus/2026-01-01/lisbon.json' }),
    );
    expect(await read.Body!.transformToString()).toBe('[]');
  });

  test('may delete them: its failure path removes what it wrote', async () => {
    const result = await outcome(
      s3.client(fetcher).send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'bus/2026-01-01/lisbon.json' })),
    );
    expect(result.name).toBe('ok');
  });

  test('may not write outside bus/', async () => {
    expect(
      (
        await outcome(
          s3
            .client(fetcher)
            .send(new PutObjectCommand({ Bucket: BUCKET, Key: 'datasets/x.json', Body: '[]' })),
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
    expect((await put('eye-bus')).name).toBe('ok');
    expect((await put('eye-events')).name).toBe('AccessDeniedException');
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
      secrets: { 'eye/ADMIN_TOKEN': 'admin', 'eye/CURSOR_KEY': 'cursor' },
    });
    authorizer = principalOf('ApplicationsAuthorizer');
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
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'eye/ADMIN_TOKEN' }))).SecretString).toBe(
      'admin',
    );
    expect((await outcome(sm.send(new GetSecretValueCommand({ SecretId: 'eye/CURSOR_KEY' })))).name).toBe(
      'AccessDeniedException',
    );
  });
});
