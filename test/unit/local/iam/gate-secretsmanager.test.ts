import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type IamGate, startIamGate } from '../../../../local/iam/gate.ts';
import { type LocalSecretsManager, startSecretsManager } from '../../../../local/iam/secrets-manager.ts';
import { allow, credentialsOf, OPERATOR, outcome, principal } from './fixtures.ts';

const PREFIX = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:';

let secrets: LocalSecretsManager;
let gate: IamGate;

const client = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
  new SecretsManagerClient({ region: 'us-east-1', endpoint: gate.endpoint, credentials, maxAttempts: 1 });

beforeAll(async () => {
  secrets = await startSecretsManager({
    secrets: { 'eye/ADMIN_TOKEN': 'admin-token', 'eye/CURSOR_KEY': 'cursor-key', 'eye/ROTATED': 'first' },
  });
  gate = await startIamGate({ service: 'secretsmanager', upstream: secrets.endpoint, principals: [] });
});
afterAll(async () => {
  await gate.stop();
  await secrets.stop();
});

// What CDK's secret.grantRead(fn) renders for a secret imported by name.
const grantRead = (name: string) =>
  allow(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], `${PREFIX}${name}-??????`);

describe('the local Secrets Manager', () => {
  test("gives each secret an ARN with AWS's six-character suffix, the same on every start", async () => {
    const arn = secrets.arnOf('eye/ADMIN_TOKEN');
    expect(arn).toMatch(
      /^arn:aws:secretsmanager:us-east-1:000000000000:secret:eye\/ADMIN_TOKEN-[A-Za-z0-9]{6}$/,
    );
    const again = await startSecretsManager({ secrets: { 'eye/ADMIN_TOKEN': 'other' } });
    expect(again.arnOf('eye/ADMIN_TOKEN')).toBe(arn);
    await again.stop();
  });

  test('answers GetSecretValue by name, full ARN or partial ARN', async () => {
    const sm = client(OPERATOR);
    for (const SecretId of [
      'eye/ADMIN_TOKEN',
      secrets.arnOf('eye/ADMIN_TOKEN'),
      `${PREFIX}eye/ADMIN_TOKEN`,
    ]) {
      const value = await sm.send(new GetSecretValueCommand({ SecretId }));
      expect([value.SecretString, value.ARN, value.Name, value.VersionStages]).toEqual([
        'admin-token',
        secrets.arnOf('eye/ADMIN_TOKEN'),
        'eye/ADMIN_TOKEN',
        ['AWSCURRENT'],
      ]);
    }
    const described = await sm.send(new DescribeSecretCommand({ SecretId: 'eye/CURSOR_KEY' }));
    expect(described.ARN).toBe(secrets.arnOf('eye/CURSOR_KEY'));
    expect((await outcome(sm.send(new GetSecretValueCommand({ SecretId: 'eye/NOPE' })))).name).toBe(
      'ResourceNotFoundException',
    );
  });

  test('PutSecretValue rotates a secret: GetSecretValue answers the new value and version', async () => {
    const sm = client(OPERATOR);
    const before = await sm.send(new GetSecretValueCommand({ SecretId: 'eye/ROTATED' }));
    const put = await sm.send(new PutSecretValueCommand({ SecretId: 'eye/ROTATED', SecretString: 'second' }));
    const after = await sm.send(new GetSecretValueCommand({ SecretId: 'eye/ROTATED' }));
    expect([after.SecretString, after.VersionId, put.VersionStages]).toEqual([
      'second',
      put.VersionId,
      ['AWSCURRENT'],
    ]);
    expect(after.VersionId).not.toBe(before.VersionId);
  });
});

describe('the Secrets Manager gate', () => {
  test('a function that may only read a secret cannot rotate it', async () => {
    const fn = principal('fn', [grantRead('eye/ROTATED')]);
    gate.setPrincipals([fn]);
    const put = new PutSecretValueCommand({ SecretId: 'eye/ROTATED', SecretString: 'mine' });
    expect((await outcome(client(credentialsOf(fn)).send(put))).name).toBe('AccessDeniedException');
  });

  test("a function granted one secret (CDK's -?????? pattern) reads it, by name or ARN, and nothing else", async () => {
    const fn = principal('authorizer', [grantRead('eye/ADMIN_TOKEN')]);
    gate.setPrincipals([fn]);
    const sm = client(credentialsOf(fn));
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'eye/ADMIN_TOKEN' }))).SecretString).toBe(
      'admin-token',
    );
    expect(
      (await sm.send(new GetSecretValueCommand({ SecretId: secrets.arnOf('eye/ADMIN_TOKEN') }))).SecretString,
    ).toBe('admin-token');
    expect(await outcome(sm.send(new GetSecretValueCommand({ SecretId: 'eye/CURSOR_KEY' })))).toEqual({
      name: 'AccessDeniedException',
      status: 400,
      message: `User: ${fn.arn} is not authorized to perform: secretsmanager:GetSecretValue on resource: eye/CURSOR_KEY because no identity-based policy allows the secretsmanager:GetSecretValue action`,
    });
  });

  test('a secret that does not exist is AccessDenied unless the policy would allow any name', async () => {
    const narrow = principal('fn', [grantRead('eye/ADMIN_TOKEN')]);
    gate.setPrincipals([narrow]);
    expect(
      (await outcome(client(credentialsOf(narrow)).send(new GetSecretValueCommand({ SecretId: 'eye/NOPE' }))))
        .name,
    ).toBe('AccessDeniedException');
    const broad = principal('fn', [allow('secretsmanager:GetSecretValue', '*')]);
    gate.setPrincipals([broad]);
    expect(
      (await outcome(client(credentialsOf(broad)).send(new GetSecretValueCommand({ SecretId: 'eye/NOPE' }))))
        .name,
    ).toBe('ResourceNotFoundException');
  });

  test('DescribeSecret needs its own action', async () => {
    const fn = principal('fn', [allow('secretsmanager:GetSecretValue', `${PREFIX}eye/ADMIN_TOKEN-??????`)]);
    gate.setPrincipals([fn]);
    expect(
      (
        await outcome(
          client(credentialsOf(fn)).send(new DescribeSecretCommand({ SecretId: 'eye/ADMIN_TOKEN' })),
        )
      ).name,
    ).toBe('AccessDeniedException');
  });

  test('an unknown key is UnrecognizedClientException', async () => {
    expect(
      await outcome(
        client({ accessKeyId: 'AKIANOBODY', secretAccessKey: 'x' }).send(
          new GetSecretValueCommand({ SecretId: 'eye/ADMIN_TOKEN' }),
        ),
      ),
    ).toMatchObject({ name: 'UnrecognizedClientException', status: 400 });
  });
});
