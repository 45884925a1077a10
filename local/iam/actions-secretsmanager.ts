import { type Authorization, LOCAL_AWS } from './aws-account.ts';

// How Secrets Manager authorizes (Service Authorization Reference, AWS Secrets Manager): each
// operation is the action of the same name on the secret's full ARN — with the random six-character
// suffix AWS appends to the name, which is why CDK grants `…:secret:<name>-??????` — whatever form of
// SecretId the caller sent (name, partial or full ARN). AWS's message names the resource as the caller
// wrote it ("… on resource: eye/ADMIN_TOKEN because …"). ListSecrets and BatchGetSecretValue are
// wildcard-only.

type Input = Record<string, unknown>;

export const secretArnPrefix = `arn:${LOCAL_AWS.partition}:secretsmanager:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:secret:`;

/** The ARN AWS checks for a secret that does not exist: the name as given, with no suffix to match. */
export const unresolvedSecretArn = (secretId: string) =>
  secretId.startsWith('arn:') ? secretId : `${secretArnPrefix}${secretId}`;

const WILDCARD_OPERATIONS = new Set(['ListSecrets', 'BatchGetSecretValue', 'GetRandomPassword']);

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * The IAM checks of one Secrets Manager request; `secretArn` is the full ARN of input.SecretId, which
 * the gate resolves (only the service knows the suffix). Undefined for a request that names no secret.
 */
export const secretsManagerAuthorizations = (
  operation: string,
  input: Input,
  secretArn: string | undefined,
): Authorization[] | undefined => {
  const action = `secretsmanager:${operation}`;
  if (WILDCARD_OPERATIONS.has(operation)) return [{ action, resource: '*', shownResource: null }];
  const secretId = str(input.SecretId);
  if (!secretId || !secretArn) return undefined;
  const context: Record<string, string> = { 'secretsmanager:SecretId': secretArn };
  const versionId = str(input.VersionId);
  const versionStage = str(input.VersionStage);
  if (versionId) context['secretsmanager:VersionId'] = versionId;
  if (versionStage) context['secretsmanager:VersionStage'] = versionStage;
  return [{ action, resource: secretArn, shownResource: secretId, context }];
};
