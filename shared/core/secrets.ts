import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { env } from './env.ts';

let client: SecretsManagerClient | undefined;
const cache = new Map<string, Promise<string>>();

// A function's env carries only the secret's name (`NAME_SECRET_ID`), never its value, locally as
// deployed (the local runtime serves Secrets Manager under the same IAM rules). Fetched once per container, on first
// use, and so is the client's module: a handler that never needs a secret (most handlers import the
// cursor helpers through their repository) does not pay its ~50 ms of cold start.
export const secretValue = (name: string): Promise<string> => {
  let value = cache.get(name);
  if (!value) {
    value = resolveSecret(name);
    cache.set(name, value);
    value.catch(() => cache.delete(name));
  }
  return value;
};

const resolveSecret = async (name: string): Promise<string> => {
  const secretId = process.env[`${name}_SECRET_ID`];
  if (!secretId) throw new Error(`Missing configuration ${name}_SECRET_ID`);
  const sdk = await import('@aws-sdk/client-secrets-manager');
  client ??= new sdk.SecretsManagerClient({ region: env.AWS_REGION, endpoint: env.SECRETS_MANAGER_ENDPOINT });
  const out = await client.send(new sdk.GetSecretValueCommand({ SecretId: secretId }));
  if (!out.SecretString) throw new Error(`Secret ${name} has no string value`);
  return out.SecretString;
};
