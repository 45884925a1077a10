import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { env } from './env.ts';

let client: SecretsManagerClient | undefined;
const cache = new Map<string, Promise<string>>();

// Locally the value itself is in env (`NAME`); deployed only the secret's name is (`NAME_SECRET_ID`),
// so no secret ever sits in a plain Lambda environment variable. Fetched once per container.
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
  const direct = process.env[name];
  if (direct) return direct;
  const secretId = process.env[`${name}_SECRET_ID`];
  if (!secretId) throw new Error(`Missing configuration ${name} or ${name}_SECRET_ID`);
  client ??= new SecretsManagerClient({ region: env.AWS_REGION });
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!out.SecretString) throw new Error(`Secret ${name} has no string value`);
  return out.SecretString;
};
