import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authorization, Principal } from './aws-account.ts';
import type { Reply, Service } from './errors.ts';
import type { PolicyEvaluator } from './policy-evaluator.ts';
import type { Upstream } from './proxy.ts';
import type { QueryPairs, Signature } from './sigv4.ts';

// What the gate (gate.ts) hands its per-service request mapping (gate-json.ts, gate-s3.ts): one
// request, and the gate's own steps — signature check, IAM evaluation, forwarding to the emulator.

export interface Incoming {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  rawUrl: string;
  rawPath: string;
  query: QueryPairs;
}

/** Resolves true when it answered the client itself (the upstream response is then discarded). */
export type OnResponse = (response: IncomingMessage) => Promise<boolean>;

export interface GateSteps {
  service: Service;
  evaluator: PolicyEvaluator;
  /** The emulator behind the gate. */
  upstream: Upstream;
  /** Answers the refusal and returns false unless the signature (and the payload hash it covers) holds. */
  verified: (incoming: Incoming, signature: Signature, body: Buffer | undefined) => boolean;
  /** Forwards the request if every check is allowed; else answers the first refusal (or "unmapped"). */
  authorizeAndForward: (
    incoming: Incoming,
    principal: Principal,
    authorizations: Authorization[] | undefined,
    what: string,
    body: Buffer | undefined,
    onResponse?: OnResponse,
  ) => Promise<void>;
  forward: (incoming: Incoming, body: Buffer | undefined, onResponse?: OnResponse) => Promise<void>;
}

// JSON requests are buffered to be verified and mapped; DynamoDB's largest (BatchWriteItem) is 16 MB.
export const JSON_BODY_LIMIT = 32 * 1024 * 1024;

export const send = (res: ServerResponse, reply: Reply) => {
  res.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(reply.body) });
  res.end(reply.body);
};
