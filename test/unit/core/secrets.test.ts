import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';

const secrets = mockClient(SecretsManagerClient);

beforeAll(() => {
  process.env.AWS_REGION = 'us-east-1';
});
afterEach(() => {
  secrets.reset();
});

describe('secret values', () => {
  test('a value in env is never used: secrets come from Secrets Manager, locally as deployed', async () => {
    const { secretValue } = await import('../../../shared/core/secrets.ts');
    process.env.UNIT_PLAIN = 'plain-value';
    await expect(secretValue('UNIT_PLAIN')).rejects.toThrow('Missing configuration UNIT_PLAIN_SECRET_ID');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  test('the named secret is fetched once per container', async () => {
    const { secretValue } = await import('../../../shared/core/secrets.ts');
    process.env.UNIT_FETCHED_SECRET_ID = 'eye/unit-fetched';
    secrets.on(GetSecretValueCommand, { SecretId: 'eye/unit-fetched' }).resolves({ SecretString: 's3cret' });
    expect(await secretValue('UNIT_FETCHED')).toBe('s3cret');
    expect(await secretValue('UNIT_FETCHED')).toBe('s3cret');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  test('a failed fetch is not cached: the next call asks again', async () => {
    const { secretValue } = await import('../../../shared/core/secrets.ts');
    process.env.UNIT_FLAKY_SECRET_ID = 'eye/unit-flaky';
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(new Error('throttled'))
      .resolves({ SecretString: 'second-time' });
    await expect(secretValue('UNIT_FLAKY')).rejects.toThrow('throttled');
    expect(await secretValue('UNIT_FLAKY')).toBe('second-time');
  });

  test('a missing secret name is a configuration error', async () => {
    const { secretValue } = await import('../../../shared/core/secrets.ts');
    await expect(secretValue('UNIT_MISSING')).rejects.toThrow('Missing configuration UNIT_MISSING_SECRET_ID');
  });
});
