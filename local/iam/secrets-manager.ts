import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { secretArnPrefix } from './actions-secretsmanager.ts';

/**
 * A local Secrets Manager: GetSecretValue, DescribeSecret and PutSecretValue (a rotation) over the AWS
 * JSON 1.1 protocol, for secrets given at start. It checks no credentials: put the IAM gate (service 'secretsmanager') in
 * front of it, as for the other emulators.
 *
 *   const sm = await startSecretsManager({ secrets: { 'eye/ADMIN_TOKEN': token } });
 *   sm.arnOf('eye/ADMIN_TOKEN') // arn:aws:secretsmanager:us-east-1:000000000000:secret:eye/ADMIN_TOKEN-Xk3p9Q
 *
 * ARNs end in a six-character suffix, as AWS's do (CDK's grants match it with `-??????`). AWS draws it
 * at random; here it is derived from the name, so a secret keeps its ARN across restarts.
 */
export interface LocalSecretsManager {
  endpoint: string;
  arnOf(name: string): string;
  /** Creates or replaces secrets (name → value), e.g. once the stack knows its admin token. */
  putSecrets(values: Record<string, string>): void;
  stop(): Promise<void>;
}

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const secretArn = (name: string) => {
  const digest = createHash('sha256').update(name).digest();
  const suffix = [...digest.subarray(0, 6)]
    .map((byte) => SUFFIX_ALPHABET[byte % SUFFIX_ALPHABET.length])
    .join('');
  return `${secretArnPrefix}${name}-${suffix}`;
};

const versionIdOf = (value: string) => {
  const hex = createHash('sha256').update(value).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

interface StoredSecret {
  name: string;
  arn: string;
  value: string;
  versionId: string;
}

class SecretsManagerError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

const NOT_FOUND = "Secrets Manager can't find the specified secret.";

/** A SecretId names a secret by name, by full ARN, or by ARN without the suffix (a "partial ARN"). */
const findSecret = (secrets: StoredSecret[], secretId: unknown): StoredSecret => {
  if (typeof secretId !== 'string' || secretId === '')
    throw new SecretsManagerError('InvalidParameterException', 'You must provide a SecretId.');
  const found = secrets.find(
    (s) => s.name === secretId || s.arn === secretId || `${secretArnPrefix}${s.name}` === secretId,
  );
  if (!found) throw new SecretsManagerError('ResourceNotFoundException', NOT_FOUND);
  return found;
};

const epochSeconds = (date: Date) => date.getTime() / 1000;

const operations = (secrets: StoredSecret[], created: Date) => ({
  GetSecretValue: (input: Record<string, unknown>) => {
    const secret = findSecret(secrets, input.SecretId);
    if (input.VersionId !== undefined && input.VersionId !== secret.versionId)
      throw new SecretsManagerError(
        'ResourceNotFoundException',
        `Secrets Manager can't find the specified secret value for VersionId: ${String(input.VersionId)}`,
      );
    if (input.VersionStage !== undefined && input.VersionStage !== 'AWSCURRENT')
      throw new SecretsManagerError(
        'ResourceNotFoundException',
        `Secrets Manager can't find the specified secret value for staging label: ${String(input.VersionStage)}`,
      );
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: secret.versionId,
      SecretString: secret.value,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: epochSeconds(created),
    };
  },
  // A rotation, as a rotation Lambda (or an operator) does it: the new value becomes AWSCURRENT. Kept in
  // memory: at start the stack seeds its secrets again from ADMIN_TOKEN and DATA_DIR.
  PutSecretValue: (input: Record<string, unknown>) => {
    const secret = findSecret(secrets, input.SecretId);
    if (typeof input.SecretString !== 'string')
      throw new SecretsManagerError('InvalidParameterException', 'You must provide a SecretString.');
    secret.value = input.SecretString;
    secret.versionId =
      typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : versionIdOf(secret.value);
    return { ARN: secret.arn, Name: secret.name, VersionId: secret.versionId, VersionStages: ['AWSCURRENT'] };
  },
  DescribeSecret: (input: Record<string, unknown>) => {
    const secret = findSecret(secrets, input.SecretId);
    return {
      ARN: secret.arn,
      Name: secret.name,
      CreatedDate: epochSeconds(created),
      LastChangedDate: epochSeconds(created),
      VersionIdsToStages: { [secret.versionId]: ['AWSCURRENT'] },
    };
  },
});

const readBody = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const send = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
  res.end(JSON.stringify(body));
};

export const startSecretsManager = async (o: {
  secrets: Record<string, string>;
}): Promise<LocalSecretsManager> => {
  const secrets: StoredSecret[] = [];
  const putSecrets = (values: Record<string, string>) => {
    for (const [name, value] of Object.entries(values)) {
      const stored = { name, arn: secretArn(name), value, versionId: versionIdOf(value) };
      const at = secrets.findIndex((s) => s.name === name);
      if (at >= 0) secrets[at] = stored;
      else secrets.push(stored);
    }
  };
  putSecrets(o.secrets);
  const handlers = operations(secrets, new Date());
  const server = createServer(async (req, res) => {
    const operation = String(req.headers['x-amz-target'] ?? '').replace(/^secretsmanager\./, '');
    const handler = handlers[operation as keyof typeof handlers];
    try {
      const text = await readBody(req);
      if (!handler)
        throw new SecretsManagerError(
          'UnknownOperationException',
          `Operation ${operation} is not supported locally.`,
        );
      send(res, 200, handler(text ? JSON.parse(text) : {}));
    } catch (error) {
      const known = error instanceof SecretsManagerError;
      send(res, known ? 400 : 500, {
        __type: known ? error.code : 'InternalServiceError',
        message: (error as Error).message,
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    putSecrets,
    arnOf: (name) => {
      if (!secrets.some((s) => s.name === name)) throw new Error(`No local secret named ${name}`);
      return secretArn(name);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
