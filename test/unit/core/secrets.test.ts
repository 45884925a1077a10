import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';

const secrets = mockClient(SecretsManagerClient);

beforeAll(() => {
  process.env.AWS_REGION = 'us-east-1';
});
afterEach(() => {
  secrets.reset();
  jest.restoreAllMocks();
});

// POWERTOOLS_PARAMETERS_MAX_AGE is unset here: the default applies.
const DEFAULT_MAX_AGE_MS = 300_000;

describe('secret values', () => {
  test('a value in env is never used: secrets come from Secrets Manager, locally as deployed', async () => {
    const { secretValue } = await import('../../../shared/core/secrets.ts');
    process.env.UNIT_PLAIN = 'plain-value';
    await expect(secretValue('UNIT_PLAIN')).rejects.toThrow('Missing configuration UNIT_PLAIN_SECRET_ID');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  test('the named secret is fetched once and served from the cache within its max age', async () => {
    const { secretValue } = await import('../../../shared/core/secrets.ts');
    process.env.UNIT_FETCHED_SECRET_ID = 'eye/unit-fetched';
    secrets.on(GetSecretValueCommand, { SecretId: 'eye/unit-fetched' }).resolves({ SecretString: 's3cret' });
    expect(await secretValue('UNIT_FETCHED')).toBe('s3cret');
    const fetchedAt = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(fetchedAt + DEFAULT_MAX_AGE_MS - 5_000);
    expect(await secretValue('UNIT_FETCHED')).toBe('s3cret');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  test('a rotated secret is fetched again once the cached value is older than its max age', async () => {
    const { secretValue } = await import('../../../shared/core/secrets.ts');
    process.env.UNIT_ROTATED_SECRET_ID = 'eye/unit-rotated';
    secrets
      .on(GetSecretValueCommand, { SecretId: 'eye/unit-rotated' })
      .resolvesOnce({ SecretString: 'before-rotation' })
      .resolves({ SecretString: 'after-rotation' });
    expect(await secretValue('UNIT_ROTATED')).toBe('before-rotation');
    const fetchedAt = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(fetchedAt + DEFAULT_MAX_AGE_MS + 2_000);
    expect(await secretValue('UNIT_ROTATED')).toBe('after-rotation');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
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
