import { randomBytes, randomUUID } from 'node:crypto';
import type { Authorization } from './aws-account.ts';
import type { Decision } from './policy-evaluator.ts';

// Every refusal in the shape the real service sends, so the SDK raises the same error class with the
// same name and status a handler meets on AWS. DynamoDB and Secrets Manager speak JSON with a coral
// `__type`; SQS's JSON protocol adds `x-amzn-query-error`, from which the SDK takes the error's name
// (its Query-era codes: AccessDenied, InvalidClientTokenId); S3 answers XML, and no body to a HEAD.

export type Service = 'dynamodb' | 's3' | 'sqs' | 'secretsmanager';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type AuthFailure =
  | { kind: 'missing' }
  | { kind: 'malformed'; presigned: boolean; reason: string }
  | { kind: 'unknownKey'; accessKeyId: string }
  | { kind: 'badSignature'; accessKeyId: string }
  | { kind: 'wrongScope'; accessKeyId: string; region: string; service: string; expectedService: string }
  | { kind: 'expired'; expires: Date; expiresSeconds: number };

const INVALID_TOKEN = 'The security token included in the request is invalid.';
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

interface JsonError {
  /** The error's name in the JSON protocols (`__type`). */
  code: string;
  /** SQS only: the Query-era code the SDK surfaces, sent in x-amzn-query-error. */
  queryCode?: string;
  status: number;
  message: string;
}

const JSON_VERSION: Record<Exclude<Service, 's3'>, string> = {
  dynamodb: '1.0',
  sqs: '1.0',
  secretsmanager: '1.1',
};

const jsonReply = (service: Exclude<Service, 's3'>, error: JsonError): Reply => ({
  status: error.status,
  headers: {
    'content-type': `application/x-amz-json-${JSON_VERSION[service]}`,
    'x-amzn-requestid': randomUUID(),
    ...(service === 'sqs' && error.queryCode ? { 'x-amzn-query-error': `${error.queryCode};Sender` } : {}),
  },
  body: JSON.stringify({ __type: `com.amazon.coral.service#${error.code}`, message: error.message }),
});

const escapeXml = (value: string) =>
  value.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string,
  );

/** An S3 error document; `details` become extra elements, as S3 adds (AWSAccessKeyId, ServerTime...). */
export const s3Reply = (
  method: string,
  status: number,
  code: string,
  message: string,
  details: Record<string, string> = {},
): Reply => {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const extra = Object.entries(details)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  return {
    status,
    headers: {
      'content-type': 'application/xml',
      'x-amz-request-id': requestId,
      'x-amz-id-2': randomBytes(24).toString('base64'),
    },
    body:
      method === 'HEAD'
        ? ''
        : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>${extra}<RequestId>${requestId}</RequestId><HostId>local</HostId></Error>`,
  };
};

const jsonAuthError = (service: 'dynamodb' | 'secretsmanager' | 'sqs', failure: AuthFailure): JsonError => {
  const sqs = service === 'sqs';
  switch (failure.kind) {
    case 'missing':
      return {
        code: 'MissingAuthenticationTokenException',
        queryCode: 'MissingAuthenticationToken',
        status: sqs ? 403 : 400,
        message: 'Request is missing Authentication Token',
      };
    case 'malformed':
      return {
        code: 'IncompleteSignatureException',
        queryCode: 'IncompleteSignature',
        status: 400,
        message: failure.reason,
      };
    case 'unknownKey':
      return sqs
        ? {
            code: 'InvalidClientTokenId',
            queryCode: 'InvalidClientTokenId',
            status: 403,
            message: INVALID_TOKEN,
          }
        : { code: 'UnrecognizedClientException', status: 400, message: INVALID_TOKEN };
    case 'badSignature':
    case 'wrongScope':
    case 'expired': {
      const message =
        failure.kind === 'badSignature'
          ? SIGNATURE_MISMATCH
          : failure.kind === 'expired'
            ? `Signature expired: ${failure.expires.toISOString()} is now earlier than the current time.`
            : failure.service !== failure.expectedService
              ? `Credential should be scoped to correct service: '${failure.expectedService}'.`
              : 'Credential should be scoped to a valid region.';
      return sqs
        ? { code: 'SignatureDoesNotMatch', queryCode: 'SignatureDoesNotMatch', status: 403, message }
        : { code: 'InvalidSignatureException', status: 400, message };
    }
  }
};

const s3AuthReply = (method: string, failure: AuthFailure, region: string): Reply => {
  switch (failure.kind) {
    case 'missing':
      return s3Reply(method, 403, 'AccessDenied', 'Access Denied');
    case 'malformed':
      return failure.presigned
        ? s3Reply(method, 400, 'AuthorizationQueryParametersError', failure.reason)
        : s3Reply(method, 400, 'AuthorizationHeaderMalformed', failure.reason);
    case 'unknownKey':
      return s3Reply(
        method,
        403,
        'InvalidAccessKeyId',
        'The AWS Access Key Id you provided does not exist in our records.',
        { AWSAccessKeyId: failure.accessKeyId },
      );
    case 'badSignature':
      return s3Reply(
        method,
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
        { AWSAccessKeyId: failure.accessKeyId },
      );
    case 'wrongScope':
      return s3Reply(
        method,
        400,
        'AuthorizationHeaderMalformed',
        failure.service !== failure.expectedService
          ? `The authorization header is malformed; incorrect service "${failure.service}". This endpoint belongs to "${failure.expectedService}".`
          : `The authorization header is malformed; the region '${failure.region}' is wrong; expecting '${region}'`,
        { Region: region },
      );
    case 'expired':
      return s3Reply(method, 403, 'AccessDenied', 'Request has expired', {
        'X-Amz-Expires': String(failure.expiresSeconds),
        Expires: failure.expires.toISOString().replace(/\.\d+Z$/, 'Z'),
        ServerTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      });
  }
};

/** The refusal of a request whose caller could not be authenticated. */
export const authFailureReply = (
  service: Service,
  method: string,
  failure: AuthFailure,
  region: string,
): Reply =>
  service === 's3'
    ? s3AuthReply(method, failure, region)
    : jsonReply(service, jsonAuthError(service, failure));

/**
 * AWS's own sentence, e.g. "User: arn:aws:sts::000000000000:assumed-role/R/f is not authorized to
 * perform: dynamodb:PutItem on resource: arn:aws:dynamodb:…:table/t because no identity-based policy
 * allows the dynamodb:PutItem action". SQS writes its actions in lower case; S3 quotes the resource.
 */
const accessDeniedMessage = (
  service: Service,
  principalArn: string,
  authorization: Authorization,
  decision: Exclude<Decision, 'Allowed'>,
) => {
  const action = service === 'sqs' ? authorization.action.toLowerCase() : authorization.action;
  const shown =
    authorization.shownResource === undefined ? authorization.resource : authorization.shownResource;
  const resource = shown === null ? '' : ` on resource: ${service === 's3' ? `"${shown}"` : shown}`;
  const reason =
    decision === 'ExplicitlyDenied'
      ? 'with an explicit deny in an identity-based policy'
      : `because no identity-based policy allows the ${action} action`;
  return `User: ${principalArn} is not authorized to perform: ${action}${resource} ${reason}`;
};

export const accessDeniedReply = (
  service: Service,
  method: string,
  principalArn: string,
  authorization: Authorization,
  decision: Exclude<Decision, 'Allowed'>,
): Reply => {
  const message = accessDeniedMessage(service, principalArn, authorization, decision);
  if (service === 's3') return s3Reply(method, 403, 'AccessDenied', message);
  return jsonReply(
    service,
    service === 'sqs'
      ? { code: 'AccessDeniedException', queryCode: 'AccessDenied', status: 403, message }
      : { code: 'AccessDeniedException', status: 400, message },
  );
};

/** A request the gate cannot map to IAM actions: refused loudly rather than let through unchecked. */
export const unmappedReply = (service: Service, method: string, what: string): Reply => {
  const message = `The local IAM gate does not know how AWS authorizes ${what}; add it to local/iam/actions-${service}.ts.`;
  return service === 's3'
    ? s3Reply(method, 501, 'NotImplemented', message)
    : jsonReply(service, {
        code: 'UnknownOperationException',
        queryCode: 'InvalidAction',
        status: 400,
        message,
      });
};

/** The emulator behind the gate did not answer. */
export const upstreamFailureReply = (service: Service, method: string, reason: string): Reply =>
  service === 's3'
    ? s3Reply(method, 503, 'ServiceUnavailable', `The local S3 emulator did not answer: ${reason}`)
    : jsonReply(service, {
        code: 'ServiceUnavailable',
        queryCode: 'ServiceUnavailable',
        status: 503,
        message: `The local ${service} emulator did not answer: ${reason}`,
      });
