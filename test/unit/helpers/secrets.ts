import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';

/** Serves the given secrets as Secrets Manager would, under the `<NAME>_SECRET_ID` env names functions read. */
export const useSecrets = (values: Record<string, string>) => {
  const secrets = mockClient(SecretsManagerClient);
  for (const [name, value] of Object.entries(values)) {
    process.env[`${name}_SECRET_ID`] = `unit/${name}`;
    secrets.on(GetSecretValueCommand, { SecretId: `unit/${name}` }).resolves({ SecretString: value });
  }
  return secrets;
};
