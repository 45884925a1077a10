import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { env, secretId } from './env.ts';

let provider: SecretsProvider | undefined;

// A function's env carries only the secret's name (`NAME_SECRET_ID`), never its value, locally as
// deployed (the local runtime serves Secrets Manager under the same IAM rules). Powertools Parameters
// caches each value for POWERTOOLS_PARAMETERS_MAX_AGE seconds, so a rotated secret (the admin token)
// reaches warm containers within that time. The provider and its SDK client are loaded on first use:
// a handler that never needs a secret (most import the cursor helpers through their repository) does
// not pay their ~50 ms of cold start.
export const secretValue = async (name: string): Promise<string> => {
  const id = secretId(name);
  provider ??= await createProvider();
  const value = await provider.get(id, { maxAge: env.POWERTOOLS_PARAMETERS_MAX_AGE });
  if (typeof value !== 'string') throw new Error(`Secret ${name} has no string value`);
  return value;
};

const createProvider = async () => {
  const { SecretsProvider } = await import('@aws-lambda-powertools/parameters/secrets');
  return new SecretsProvider({
    clientConfig: { region: env.AWS_REGION, endpoint: env.SECRETS_MANAGER_ENDPOINT },
  });
};
