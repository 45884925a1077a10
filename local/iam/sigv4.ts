import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

// AWS Signature Version 4, checked the way AWS checks it: the canonical request is rebuilt from what
// arrived on the wire and signed with the caller's secret. It is written here against the spec (with
// node:crypto) rather than with the SDK's signer, so the SDK clients that sign requests in the tests
// are an independent check of it.

const ALGORITHM = 'AWS4-HMAC-SHA256';

export interface Signature {
  /** `header`: an Authorization header; `query`: a presigned URL. */
  kind: 'header' | 'query';
  accessKeyId: string;
  /** The credential scope: date (YYYYMMDD), region and service the caller signed for. */
  scope: { date: string; region: string; service: string };
  /** X-Amz-Date, YYYYMMDDTHHMMSSZ. */
  amzDate: string;
  signedHeaders: string[];
  signature: string;
  /** Presigned URLs only: X-Amz-Expires, in seconds. */
  expiresSeconds?: number;
  /** Presigned URLs only: X-Amz-Content-Sha256, if the URL carries one. */
  contentSha256?: string;
}

export type Authentication =
  | { kind: 'unsigned' }
  | { kind: 'malformed'; presigned: boolean; reason: string }
  | Signature;

/** The query string as sent, split into decoded pairs in their original order. */
export type QueryPairs = [string, string][];

const decode = (value: string) => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

// SigV4 decodes `+` as itself, not as a space (unlike HTML forms): URLSearchParams would break it.
export const parseQuery = (rawQuery: string): QueryPairs =>
  rawQuery === ''
    ? []
    : rawQuery.split('&').map((part) => {
        const at = part.indexOf('=');
        return at < 0 ? [decode(part), ''] : [decode(part.slice(0, at)), decode(part.slice(at + 1))];
      });

const queryValue = (query: QueryPairs, name: string) => query.find(([key]) => key === name)?.[1];

const parseCredential = (credential: string) => {
  const [accessKeyId, date, region, service, terminator, ...rest] = credential.split('/');
  if (!accessKeyId || !date || !region || !service || terminator !== 'aws4_request' || rest.length) return;
  return { accessKeyId, scope: { date, region, service } };
};

const parseHeaderAuthorization = (authorization: string, headers: IncomingHttpHeaders): Authentication => {
  const malformed = (reason: string) => ({ kind: 'malformed' as const, presigned: false, reason });
  const space = authorization.indexOf(' ');
  if (authorization.slice(0, space) !== ALGORITHM) return malformed('Unsupported Authorization Type');
  const parts = new Map(
    authorization
      .slice(space + 1)
      .split(',')
      .map((part) => {
        const trimmed = part.trim();
        const at = trimmed.indexOf('=');
        return [trimmed.slice(0, at), trimmed.slice(at + 1)] as const;
      }),
  );
  const credential = parseCredential(parts.get('Credential') ?? '');
  const signedHeaders = parts.get('SignedHeaders');
  const signature = parts.get('Signature');
  if (!credential || !signedHeaders || !signature)
    return malformed(
      "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.",
    );
  const amzDate = headers['x-amz-date'];
  if (typeof amzDate !== 'string')
    return malformed('Authorization header requires existence of an X-Amz-Date.');
  return { kind: 'header', ...credential, amzDate, signedHeaders: signedHeaders.split(';'), signature };
};

const parsePresigned = (query: QueryPairs): Authentication => {
  const malformed = (reason: string) => ({ kind: 'malformed' as const, presigned: true, reason });
  if (queryValue(query, 'X-Amz-Algorithm') !== ALGORITHM)
    return malformed('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  const credential = parseCredential(queryValue(query, 'X-Amz-Credential') ?? '');
  const amzDate = queryValue(query, 'X-Amz-Date');
  const signedHeaders = queryValue(query, 'X-Amz-SignedHeaders');
  const signature = queryValue(query, 'X-Amz-Signature');
  const expires = Number(queryValue(query, 'X-Amz-Expires'));
  if (!credential || !amzDate || !signedHeaders || !signature || !Number.isInteger(expires))
    return malformed(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  return {
    kind: 'query',
    ...credential,
    amzDate,
    signedHeaders: signedHeaders.split(';'),
    signature,
    expiresSeconds: expires,
    contentSha256: queryValue(query, 'X-Amz-Content-Sha256'),
  };
};

/** Who signed the request, and how; nothing is verified yet. */
export const parseAuthentication = (headers: IncomingHttpHeaders, query: QueryPairs): Authentication => {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') return parseHeaderAuthorization(authorization, headers);
  if (
    queryValue(query, 'X-Amz-Algorithm') !== undefined ||
    queryValue(query, 'X-Amz-Credential') !== undefined
  )
    return parsePresigned(query);
  return { kind: 'unsigned' };
};

/** RFC 3986 encoding, as SigV4 wants it: encodeURIComponent leaves !'()* alone. */
const escapeUri = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * S3 signs the path as sent. Every other service signs it normalized and encoded once more ("double
 * encoding"): the SDK signs its unencoded path encoded once, and the wire carries it encoded once.
 */
const canonicalPath = (rawPath: string, service: string) => {
  if (service === 's3') return rawPath;
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const path = `/${segments.join('/')}${segments.length > 0 && rawPath.endsWith('/') ? '/' : ''}`;
  return escapeUri(path).replace(/%2F/g, '/');
};

const canonicalQuery = (query: QueryPairs) =>
  query
    .filter(([key]) => key !== 'X-Amz-Signature')
    .map(([key, value]) => [escapeUri(key), escapeUri(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');

const headerValue = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value.join(',') : (value ?? '')).trim().replace(/\s+/g, ' ');

export const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

// The signing key changes once a day per secret, region and service: derive it once.
const signingKeys = new Map<string, Buffer>();
const signingKey = (secret: string, { date, region, service }: Signature['scope']) => {
  const id = `${secret}\n${date}\n${region}\n${service}`;
  let key = signingKeys.get(id);
  if (!key) {
    if (signingKeys.size > 1000) signingKeys.clear();
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
    signingKeys.set(id, key);
  }
  return key;
};

export interface SignedRequestParts {
  method: string;
  /** The path exactly as received, still percent-encoded. */
  rawPath: string;
  query: QueryPairs;
  headers: IncomingHttpHeaders;
  /** The payload hash the caller signed: x-amz-content-sha256, or the body's own hash. */
  payloadHash: string;
}

/** The canonical request of SigV4, as the signer built it. */
const canonicalRequest = (signature: Signature, request: SignedRequestParts) =>
  [
    request.method,
    canonicalPath(request.rawPath, signature.scope.service),
    canonicalQuery(request.query),
    ...signature.signedHeaders.map((name) => `${name}:${headerValue(request.headers[name])}`),
    '',
    signature.signedHeaders.join(';'),
    request.payloadHash,
  ].join('\n');

/** Whether `signature` is what the holder of `secret` computes for this request. */
export const signatureMatches = (signature: Signature, secret: string, request: SignedRequestParts) => {
  const { date, region, service } = signature.scope;
  const stringToSign = [
    ALGORITHM,
    signature.amzDate,
    `${date}/${region}/${service}/aws4_request`,
    sha256Hex(canonicalRequest(signature, request)),
  ].join('\n');
  const expected = createHmac('sha256', signingKey(secret, signature.scope)).update(stringToSign).digest();
  const provided = Buffer.from(signature.signature, 'hex');
  return provided.length === expected.length && timingSafeEqual(provided, expected);
};

/** X-Amz-Date as a Date (it has no separators, which Date.parse needs). */
const amzDateToDate = (amzDate: string) =>
  new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );

/** A presigned URL stops working X-Amz-Expires seconds after X-Amz-Date. */
export const presignedExpiry = (signature: Signature) =>
  signature.kind === 'query'
    ? new Date(amzDateToDate(signature.amzDate).getTime() + (signature.expiresSeconds ?? 0) * 1000)
    : undefined;
