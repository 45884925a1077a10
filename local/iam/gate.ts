/**
 * The IAM gate: an HTTP server on 127.0.0.1 in front of one emulator endpoint (DynamoDB Local,
 * s3rver, fauxqs or the local Secrets Manager) that refuses what AWS would refuse.
 *
 *   const gate = await startIamGate({ service: 'dynamodb', upstream: dynamoLocalUrl, principals });
 *   // handlers get gate.endpoint as DYNAMODB_ENDPOINT and their principal's key pair as credentials
 *   gate.setPrincipals(next);  // e.g. after a re-synthesis; decisions cached so far are dropped
 *   await gate.stop();
 *
 * For every request it:
 * 1. identifies the caller from SigV4 (Authorization header, or a presigned URL's X-Amz-Credential)
 *    and verifies the signature with that caller's secret, as AWS does; unsigned requests, unknown
 *    keys, bad signatures, wrong scopes and expired presigned URLs get the service's own error
 *    (errors.ts). Unsigned CORS preflights (OPTIONS) pass.
 * 2. lets the operator (`local`/`local`: tools, tests, the provisioner) do anything;
 * 3. maps the request to the IAM actions and resource ARNs AWS checks (actions-<service>.ts) and
 *    evaluates each against the principal's identity policies (policy-evaluator.ts, iam-simulate);
 *    the first one not allowed is refused with AccessDenied in the service's shape and AWS's message.
 *    A presigned URL is held to the policies of the principal that signed it. S3 quirks kept: a
 *    GetObject/HeadObject of a missing key is 403, not 404, without s3:ListBucket; DeleteObjects is
 *    checked per key and answers per-key AccessDenied errors in a 200, as S3 does.
 * 4. forwards the request, streamed both ways, to the emulator.
 *
 * `enforce: false` skips steps 1-3 (plain proxy): it exists only to measure what enforcement costs.
 *
 * Wiring (the local runtime): one gate per emulator, plus startSecretsManager behind a
 * 'secretsmanager' gate. Principals: loadApiTemplate (api-template.ts) → functionPolicies →
 * functionPrincipal, one per function (its constructId is api-stack.ts's id for the handler, e.g.
 * BusFetchCity). A function gets the gates' endpoints (DYNAMODB_ENDPOINT, S3_ENDPOINT, SQS_ENDPOINT,
 * and AWS_ENDPOINT_URL_SECRETS_MANAGER, which the SDK reads itself) and its principal's key pair as
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. Local resources must carry the deployed names the
 * policies name (the bucket is <prefix>-data-000000000000-us-east-1 in the synthesized stack).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dynamodbAuthorizations } from './actions-dynamodb.ts';
import {
  type DeleteObjectsEntry,
  deleteObjectsAuthorizations,
  listBucketAuthorization,
  parseDeleteObjects,
  type S3Operation,
  s3Operation,
} from './actions-s3.ts';
import { secretsManagerAuthorizations, unresolvedSecretArn } from './actions-secretsmanager.ts';
import { sqsAuthorizations } from './actions-sqs.ts';
import { type Authorization, LOCAL_AWS, type Principal } from './aws-account.ts';
import {
  type AuthFailure,
  accessDeniedReply,
  authFailureReply,
  type Reply,
  type Service,
  s3Reply,
  unmappedReply,
  upstreamFailureReply,
} from './errors.ts';
import { createPolicyEvaluator, type Decision } from './policy-evaluator.ts';
import { readBody, relay, sendUpstream, type Upstream, upstreamOf } from './proxy.ts';
import {
  type Authentication,
  parseAuthentication,
  parseQuery,
  presignedExpiry,
  type QueryPairs,
  type Signature,
  sha256Hex,
  signatureMatches,
} from './sigv4.ts';

export type { Principal } from './aws-account.ts';

export interface IamGateOptions {
  service: Service;
  /** The emulator's endpoint, e.g. http://127.0.0.1:8000. */
  upstream: string;
  principals: Principal[];
  /** Credentials that may do anything; default local/local. */
  operator?: { accessKeyId: string; secretAccessKey: string };
  /** Default true. false: a plain proxy, for measuring the cost of enforcement only. */
  enforce?: boolean;
}

export interface IamGate {
  endpoint: string;
  setPrincipals(principals: Principal[]): void;
  stop(): Promise<void>;
}

// JSON requests are buffered to be verified and mapped; DynamoDB's largest (BatchWriteItem) is 16 MB.
const JSON_BODY_LIMIT = 32 * 1024 * 1024;
const DELETE_OBJECTS_BODY_LIMIT = 2 * 1024 * 1024;

const TARGET_PREFIX: Record<Exclude<Service, 's3'>, string> = {
  dynamodb: 'DynamoDB_20120810.',
  sqs: 'AmazonSQS.',
  secretsmanager: 'secretsmanager.',
};

// s3rver knows one key pair (S3RVER/S3RVER) and, for SigV4, checks only that the key id is its own,
// never the signature (node_modules/s3rver/lib/middleware/authentication.js). So the gate, having
// verified the caller, hands s3rver the request with its key id swapped: no re-signing (which would
// hash again and could not be done for presigned URLs), and the request stays signed in s3rver's
// eyes, which it needs for response-header overrides (response-content-disposition...).
const S3RVER_KEY = 'S3RVER';
const asS3rverRequest = (rawUrl: string, headers: IncomingMessage['headers']) => {
  const authorization = headers.authorization;
  const forwarded = { ...headers };
  if (typeof authorization === 'string')
    forwarded.authorization = authorization.replace(/Credential=[^/,\s]+\//, `Credential=${S3RVER_KEY}/`);
  return {
    path: rawUrl.replace(/([?&]X-Amz-Credential=)[^&]*?(%2F|\/)/, `$1${S3RVER_KEY}$2`),
    headers: forwarded,
  };
};

const send = (res: ServerResponse, reply: Reply) => {
  res.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(reply.body) });
  res.end(reply.body);
};

interface Caller {
  principal?: Principal;
  secretAccessKey: string;
}

interface Incoming {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  rawUrl: string;
  rawPath: string;
  query: QueryPairs;
}

const xmlEscape = (value: string) =>
  value.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );

const deleteRequestXml = (entries: DeleteObjectsEntry[], quiet: boolean) =>
  `<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${quiet ? '<Quiet>true</Quiet>' : ''}${entries
    .map(
      (e) =>
        `<Object><Key>${xmlEscape(e.key)}</Key>${e.versionId ? `<VersionId>${xmlEscape(e.versionId)}</VersionId>` : ''}</Object>`,
    )
    .join('')}</Delete>`;

// S3 reports a key the caller may not delete inside the DeleteObjects result, not as a failed request.
const deniedEntriesXml = (entries: DeleteObjectsEntry[]) =>
  entries
    .map(
      (e) =>
        `<Error><Key>${xmlEscape(e.key)}</Key>${e.versionId ? `<VersionId>${xmlEscape(e.versionId)}</VersionId>` : ''}<Code>AccessDenied</Code><Message>Access Denied</Message></Error>`,
    )
    .join('');

const withDeniedEntries = (resultXml: string, denied: DeleteObjectsEntry[]) => {
  const errors = deniedEntriesXml(denied);
  const selfClosed = /<DeleteResult([^>]*)\/>/;
  if (selfClosed.test(resultXml))
    return resultXml.replace(selfClosed, `<DeleteResult$1>${errors}</DeleteResult>`);
  return resultXml.replace('</DeleteResult>', `${errors}</DeleteResult>`);
};

export const startIamGate = async (o: IamGateOptions): Promise<IamGate> => {
  const { service } = o;
  const enforce = o.enforce ?? true;
  const operator = o.operator ?? { accessKeyId: 'local', secretAccessKey: 'local' };
  const upstream: Upstream = upstreamOf(o.upstream);
  const evaluator = createPolicyEvaluator();
  let principals = new Map(o.principals.map((p) => [p.accessKeyId, p]));
  const secretArns = new Map<string, string>();

  const forward = async (incoming: Incoming, body: Buffer | undefined, onResponse?: OnResponse) => {
    const { req, res, method, rawUrl } = incoming;
    const target =
      service === 's3' ? asS3rverRequest(rawUrl, req.headers) : { path: rawUrl, headers: req.headers };
    let response: IncomingMessage;
    try {
      response = await sendUpstream(upstream, { method, ...target, body: body ?? req });
    } catch (error) {
      if (!res.headersSent) send(res, upstreamFailureReply(service, method, (error as Error).message));
      else res.destroy();
      return;
    }
    if (onResponse && (await onResponse(response))) return;
    await relay(response, res).catch(() => res.destroy());
  };

  /** Returns the first check the principal fails, with its decision. */
  const firstRefusal = async (principal: Principal, authorizations: Authorization[]) => {
    for (const authorization of authorizations) {
      const decision = await evaluator.decide(principal, authorization);
      if (decision !== 'Allowed') return { authorization, decision };
    }
    return undefined;
  };

  const authorizeAndForward = async (
    incoming: Incoming,
    principal: Principal,
    authorizations: Authorization[] | undefined,
    what: string,
    body: Buffer | undefined,
    onResponse?: OnResponse,
  ) => {
    if (!authorizations) return send(incoming.res, unmappedReply(service, incoming.method, what));
    let refusal: { authorization: Authorization; decision: Decision } | undefined;
    try {
      refusal = await firstRefusal(principal, authorizations);
    } catch (error) {
      return send(
        incoming.res,
        unmappedReply(service, incoming.method, `${what} (${(error as Error).message})`),
      );
    }
    if (refusal)
      return send(
        incoming.res,
        accessDeniedReply(
          service,
          incoming.method,
          principal.arn,
          refusal.authorization,
          refusal.decision as Exclude<Decision, 'Allowed'>,
        ),
      );
    await forward(incoming, body, onResponse);
  };

  // Only the service knows a secret's ARN suffix: ask it, as AWS resolves the SecretId before IAM.
  const resolveSecretArn = async (secretId: string) => {
    const known = secretArns.get(secretId);
    if (known) return known;
    const body = Buffer.from(JSON.stringify({ SecretId: secretId }));
    const response = await sendUpstream(upstream, {
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

  const handleJson = async (incoming: Incoming, principal: Principal, body: Buffer) => {
    const jsonService = service as Exclude<Service, 's3'>;
    const target = String(incoming.req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX[jsonService])
      ? target.slice(TARGET_PREFIX[jsonService].length)
      : '';
    let input: unknown;
    try {
      input = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      input = undefined;
    }
    // A body that is not a JSON object can do nothing: the emulator answers its SerializationException.
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return forward(incoming, body);
    const fields = input as Record<string, unknown>;
    const authorizations =
      jsonService === 'dynamodb'
        ? dynamodbAuthorizations(operation, fields)
        : jsonService === 'sqs'
          ? sqsAuthorizations(operation, fields)
          : secretsManagerAuthorizations(
              operation,
              fields,
              typeof fields.SecretId === 'string' ? await resolveSecretArn(fields.SecretId) : undefined,
            );
    await authorizeAndForward(incoming, principal, authorizations, `${service} ${operation || target}`, body);
  };

  const handleDeleteObjects = async (
    incoming: Incoming,
    principal: Principal,
    bucket: string,
    body: Buffer,
  ) => {
    const xml = body.toString('utf8');
    const entries = parseDeleteObjects(xml);
    const checks = deleteObjectsAuthorizations(bucket, entries);
    const allowed: DeleteObjectsEntry[] = [];
    const denied: DeleteObjectsEntry[] = [];
    for (const [i, entry] of entries.entries())
      ((await evaluator.decide(principal, checks[i]!)) === 'Allowed' ? allowed : denied).push(entry);
    if (denied.length === 0) return forward(incoming, body);
    const { res, req } = incoming;
    if (allowed.length === 0) {
      const result = `<?xml version="1.0" encoding="UTF-8"?>\n<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${deniedEntriesXml(denied)}</DeleteResult>`;
      return send(res, { status: 200, headers: { 'content-type': 'application/xml' }, body: result });
    }
    // The emulator deletes only what is allowed; the denied keys are added to its answer.
    const allowedBody = Buffer.from(deleteRequestXml(allowed, /<Quiet>\s*true\s*<\/Quiet>/i.test(xml)));
    for (const name of Object.keys(req.headers))
      if (
        name === 'content-md5' ||
        name.startsWith('x-amz-checksum-') ||
        name === 'x-amz-sdk-checksum-algorithm'
      )
        delete req.headers[name];
    req.headers['x-amz-content-sha256'] = sha256Hex(allowedBody);
    await forward(incoming, allowedBody, async (response) => {
      const text = (await readBody(response, JSON_BODY_LIMIT)).toString('utf8');
      const merged = response.statusCode === 200 ? withDeniedEntries(text, denied) : text;
      send(res, {
        status: response.statusCode ?? 502,
        headers: { 'content-type': String(response.headers['content-type'] ?? 'application/xml') },
        body: merged,
      });
      return true;
    });
  };

  // Without s3:ListBucket, S3 does not tell a missing key from a forbidden one: 403 instead of 404.
  const hideMissingKeys =
    (incoming: Incoming, principal: Principal, operation: S3Operation, presigned: boolean): OnResponse =>
    async (response) => {
      if (response.statusCode !== 404 || !operation.bucket) return false;
      const decision = await evaluator.decide(
        principal,
        listBucketAuthorization(operation.bucket, presigned),
      );
      if (decision === 'Allowed') return false;
      response.resume();
      send(incoming.res, s3Reply(incoming.method, 403, 'AccessDenied', 'Access Denied'));
      return true;
    };

  const handleS3 = async (incoming: Incoming, principal: Principal, signature: Signature) => {
    const { req, method, rawPath, query } = incoming;
    const presigned = signature.kind === 'query';
    const operation = s3Operation({ method, rawPath, query, headers: req.headers, presigned });
    if (operation?.name === 'DeleteObjects') {
      const body = await readBody(req, DELETE_OBJECTS_BODY_LIMIT);
      if (!verified(incoming, signature, body)) return;
      return handleDeleteObjects(incoming, principal, operation.bucket!, body);
    }
    if (!verified(incoming, signature, undefined)) return;
    const what = `S3 ${method} ${rawPath}${query.length ? `?${query.map(([k]) => k).join('&')}` : ''}`;
    const onResponse =
      operation && (operation.name === 'GetObject' || operation.name === 'HeadObject')
        ? hideMissingKeys(incoming, principal, operation, presigned)
        : undefined;
    await authorizeAndForward(incoming, principal, operation?.authorizations, what, undefined, onResponse);
  };

  /** Checks the signature (the payload hash it covers included); answers the refusal if it fails. */
  const verified = (incoming: Incoming, signature: Signature, body: Buffer | undefined): boolean => {
    const { req, res, method, rawPath, query } = incoming;
    const caller = callerOf(signature)!;
    const declared =
      signature.kind === 'query'
        ? (signature.contentSha256 ?? (service === 's3' ? 'UNSIGNED-PAYLOAD' : undefined))
        : (req.headers['x-amz-content-sha256'] as string | undefined);
    const bodyHash = body ? sha256Hex(body) : undefined;
    // A signed payload hash must be the body's: otherwise a captured signature would carry any body.
    if (
      declared !== undefined &&
      bodyHash !== undefined &&
      /^[0-9a-f]{64}$/.test(declared) &&
      declared !== bodyHash
    ) {
      send(
        res,
        service === 's3'
          ? s3Reply(
              method,
              400,
              'XAmzContentSHA256Mismatch',
              "The provided 'x-amz-content-sha256' header does not match what was computed.",
            )
          : authFailureReply(
              service,
              method,
              { kind: 'badSignature', accessKeyId: signature.accessKeyId },
              LOCAL_AWS.region,
            ),
      );
      return false;
    }
    const payloadHash = declared ?? bodyHash ?? sha256Hex('');
    if (
      signatureMatches(signature, caller.secretAccessKey, {
        method,
        rawPath,
        query,
        headers: req.headers,
        payloadHash,
      })
    )
      return true;
    send(
      res,
      authFailureReply(
        service,
        method,
        { kind: 'badSignature', accessKeyId: signature.accessKeyId },
        LOCAL_AWS.region,
      ),
    );
    return false;
  };

  const callerOf = (signature: Signature): Caller | undefined => {
    if (signature.accessKeyId === operator.accessKeyId) return { secretAccessKey: operator.secretAccessKey };
    const principal = principals.get(signature.accessKeyId);
    return principal ? { principal, secretAccessKey: principal.secretAccessKey } : undefined;
  };

  /** Why an authenticated-looking request is refused before its signature is checked, if it is. */
  const preliminaryFailure = (auth: Authentication): AuthFailure | undefined => {
    if (auth.kind === 'unsigned') return { kind: 'missing' };
    if (auth.kind === 'malformed') return auth;
    if (!callerOf(auth)) return { kind: 'unknownKey', accessKeyId: auth.accessKeyId };
    if (auth.scope.service !== service || auth.scope.region !== LOCAL_AWS.region)
      return { kind: 'wrongScope', accessKeyId: auth.accessKeyId, ...auth.scope, expectedService: service };
    const expires = presignedExpiry(auth);
    if (expires && expires.getTime() < Date.now())
      return { kind: 'expired', expires, expiresSeconds: auth.expiresSeconds ?? 0 };
    return undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const at = rawUrl.indexOf('?');
    const rawPath = at < 0 ? rawUrl : rawUrl.slice(0, at);
    const query = parseQuery(at < 0 ? '' : rawUrl.slice(at + 1));
    const incoming: Incoming = { req, res, method, rawUrl, rawPath, query };
    // Browsers send CORS preflights unsigned, to any endpoint; the emulator answers them.
    if (!enforce || method === 'OPTIONS') return forward(incoming, undefined);

    const auth = parseAuthentication(req.headers, query);
    const failure = preliminaryFailure(auth);
    if (failure) {
      req.resume();
      return send(res, authFailureReply(service, method, failure, LOCAL_AWS.region));
    }
    const signature = auth as Signature;
    const caller = callerOf(signature)!;
    if (service === 's3') {
      if (!caller.principal) {
        if (verified(incoming, signature, undefined)) await forward(incoming, undefined);
        return;
      }
      return handleS3(incoming, caller.principal, signature);
    }
    const body = await readBody(req, JSON_BODY_LIMIT);
    if (!verified(incoming, signature, body)) return;
    if (!caller.principal) return forward(incoming, body);
    await handleJson(incoming, caller.principal, body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (res.headersSent) res.destroy();
      else send(res, upstreamFailureReply(service, req.method ?? 'GET', error.message));
    });
  });
  // Multi-GB uploads and downloads must not hit Node's default 5-minute request timeout.
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setPrincipals: (next) => {
      principals = new Map(next.map((p) => [p.accessKeyId, p]));
      evaluator.clear();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        upstream.agent.destroy();
      }),
  };
};

/** Resolves true when it answered the client itself (the upstream response is then discarded). */
type OnResponse = (response: IncomingMessage) => Promise<boolean>;
