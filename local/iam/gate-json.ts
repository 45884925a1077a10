import { dynamodbAuthorizations } from './actions-dynamodb.ts';
import { secretsManagerAuthorizations, unresolvedSecretArn } from './actions-secretsmanager.ts';
import { sqsAuthorizations } from './actions-sqs.ts';
import type { Principal } from './aws-account.ts';
import type { Service } from './errors.ts';
import { type GateSteps, type Incoming, JSON_BODY_LIMIT } from './gate-request.ts';
import { readBody, sendUpstream } from './proxy.ts';

// The gate's JSON services (DynamoDB, SQS, Secrets Manager): the operation is named by X-Amz-Target
// and its resources are in the JSON body.

type JsonService = Exclude<Service, 's3'>;

const TARGET_PREFIX: Record<JsonService, string> = {
  dynamodb: 'DynamoDB_20120810.',
  sqs: 'AmazonSQS.',
  secretsmanager: 'secretsmanager.',
};

/** Checks a verified JSON request of `principal` against its policies and forwards it if allowed. */
export const jsonHandler = (steps: GateSteps) => {
  const service = steps.service as JsonService;
  const secretArns = new Map<string, string>();

  // Only the service knows a secret's ARN suffix: ask it, as AWS resolves the SecretId before IAM.
  const resolveSecretArn = async (secretId: string) => {
    const known = secretArns.get(secretId);
    if (known) return known;
    const body = Buffer.from(JSON.stringify({ SecretId: secretId }));
    const response = await sendUpstream(steps.upstream, {
      method: 'POST',
      path: '/',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'secretsmanager.DescribeSecret',
      },
      body,
    });
    const text = (await readBody(response, JSON_BODY_LIMIT)).toString('utf8');
    if (response.statusCode !== 200) return unresolvedSecretArn(secretId);
    const arn = (JSON.parse(text) as { ARN: string }).ARN;
    secretArns.set(secretId, arn);
    return arn;
  };

  return async (incoming: Incoming, principal: Principal, body: Buffer) => {
    const target = String(incoming.req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX[service])
      ? target.slice(TARGET_PREFIX[service].length)
      : '';
    let input: unknown;
    try {
      input = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      input = undefined;
    }
    // A body that is not a JSON object can do nothing: the emulator answers its SerializationException.
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      return steps.forward(incoming, body);
    const fields = input as Record<string, unknown>;
    const authorizations =
      service === 'dynamodb'
        ? dynamodbAuthorizations(operation, fields)
        : service === 'sqs'
          ? sqsAuthorizations(operation, fields)
          : secretsManagerAuthorizations(
              operation,
              fields,
              typeof fields.SecretId === 'string' ? await resolveSecretArn(fields.SecretId) : undefined,
            );
    await steps.authorizeAndForward(
      incoming,
      principal,
      authorizations,
      `${service} ${operation || target}`,
      body,
    );
  };
};
