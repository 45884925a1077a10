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
 *    and verifies the signature with that caller's secret, as AWS does (gate-signature.ts); unsigned
 *    requests, unknown keys, bad signatures, wrong scopes and expired presigned URLs get the service's
 *    own error (errors.ts). Unsigned CORS preflights (OPTIONS) pass.
 * 2. lets the operator (`local`/`local`: tools, tests, the provisioner) do anything;
 * 3. maps the request to the IAM actions and resource ARNs AWS checks (gate-json.ts, gate-s3.ts, with
 *    actions-<service>.ts) and evaluates each against the principal's identity policies
 *    (policy-evaluator.ts, iam-simulate); the first one not allowed is refused with AccessDenied in the
 *    service's shape and AWS's message. A presigned URL is held to the policies of the principal that
 *    signed it. S3 quirks kept: a GetObject/HeadObject of a missing key is 403, not 404, without
 *    s3:ListBucket; DeleteObjects is checked per key and answers per-key AccessDenied errors in a 200,
 *    as S3 does.
 * 4. forwards the request, streamed both ways, to the emulator (proxy.ts).
 *
 * `enforce: false` skips steps 1-3 (plain proxy): it exists only to measure what enforcement costs.
 *
 * Wiring (the local runtime): one gate per emulator, plus startSecretsManager behind a
 * 'secretsmanager' gate. Principals: deployedFunctions (deployment.ts, from the synthesized stack) →
 * functionPrincipal, one per function (functions.ts). A function gets the gates' endpoints
 * (DYNAMODB_ENDPOINT, S3_ENDPOINT, SQS_ENDPOINT, SECRETS_MANAGER_ENDPOINT) and its principal's key
 * pair as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. Local resources must carry the deployed names the
 * policies name (the bucket is <prefix>-data-000000000000-us-east-1 in the synthesized stack).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Authorization, LOCAL_AWS, OPERATOR_CREDENTIALS, type Principal } from './aws-account.ts';
import {
  accessDeniedReply,
  authFailureReply,
  type Service,
  unmappedReply,
  upstreamFailureReply,
} from './errors.ts';
import { jsonHandler } from './gate-json.ts';
import { type GateSteps, type Incoming, JSON_BODY_LIMIT, type OnResponse, send } from './gate-request.ts';
import { asS3rverRequest, s3Handler } from './gate-s3.ts';
import { type Credentials, signatureChecks } from './gate-signature.ts';
import { createPolicyEvaluator, type Decision } from './policy-evaluator.ts';
import { readBody, relay, sendUpstream, type Upstream, upstreamOf } from './proxy.ts';
import { parseAuthentication, parseQuery, type Signature } from './sigv4.ts';

export type { Principal } from './aws-account.ts';

export interface IamGateOptions {
  service: Service;
  /** The emulator's endpoint, e.g. http://127.0.0.1:8000. */
  upstream: string;
  principals: Principal[];
  /** Credentials that may do anything; default OPERATOR_CREDENTIALS. */
  operator?: Credentials;
  /** Default true. false: a plain proxy, for measuring the cost of enforcement only. */
  enforce?: boolean;
}

export interface IamGate {
  endpoint: string;
  setPrincipals(principals: Principal[]): void;
  stop(): Promise<void>;
}

export const startIamGate = async (o: IamGateOptions): Promise<IamGate> => {
  const { service } = o;
  const enforce = o.enforce ?? true;
  const operator = o.operator ?? OPERATOR_CREDENTIALS;
  const upstream: Upstream = upstreamOf(o.upstream);
  const evaluator = createPolicyEvaluator();
  let principals = new Map(o.principals.map((p) => [p.accessKeyId, p]));
  const { callerOf, preliminaryFailure, verified } = signatureChecks(service, operator, (key) =>
    principals.get(key),
  );

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

  const steps: GateSteps = { service, evaluator, upstream, verified, authorizeAndForward, forward };
  const handleS3 = s3Handler(steps);
  const handleJson = jsonHandler(steps);

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
