import type { IncomingMessage } from 'node:http';
import {
  type DeleteObjectsEntry,
  deleteObjectsAuthorizations,
  listBucketAuthorization,
  parseDeleteObjects,
  type S3Operation,
  s3Operation,
} from './actions-s3.ts';
import type { Principal } from './aws-account.ts';
import { s3Reply } from './errors.ts';
import { type GateSteps, type Incoming, JSON_BODY_LIMIT, type OnResponse, send } from './gate-request.ts';
import { readBody } from './proxy.ts';
import { type Signature, sha256Hex } from './sigv4.ts';

// The gate's S3 requests (REST: the operation is in the method, path and query) and the S3 quirks it
// keeps: a missing key reads 403 without s3:ListBucket; DeleteObjects is checked per key and answers
// per-key AccessDenied errors in a 200.

const DELETE_OBJECTS_BODY_LIMIT = 2 * 1024 * 1024;

// s3rver knows one key pair (S3RVER/S3RVER) and, for SigV4, checks only that the key id is its own,
// never the signature (node_modules/s3rver/lib/middleware/authentication.js). So the gate, having
// verified the caller, hands s3rver the request with its key id swapped: no re-signing (which would
// hash again and could not be done for presigned URLs), and the request stays signed in s3rver's
// eyes, which it needs for response-header overrides (response-content-disposition...).
const S3RVER_KEY = 'S3RVER';
export const asS3rverRequest = (rawUrl: string, headers: IncomingMessage['headers']) => {
  const authorization = headers.authorization;
  const forwarded = { ...headers };
  if (typeof authorization === 'string')
    forwarded.authorization = authorization.replace(/Credential=[^/,\s]+\//, `Credential=${S3RVER_KEY}/`);
  return {
    path: rawUrl.replace(/([?&]X-Amz-Credential=)[^&]*?(%2F|\/)/, `$1${S3RVER_KEY}$2`),
    headers: forwarded,
  };
};

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

/** Verifies an S3 request of `principal`, checks it against its policies and forwards it if allowed. */
export const s3Handler = (steps: GateSteps) => {
  const { evaluator } = steps;

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
    if (denied.length === 0) return steps.forward(incoming, body);
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
    await steps.forward(incoming, allowedBody, async (response) => {
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

  return async (incoming: Incoming, principal: Principal, signature: Signature) => {
    const { req, method, rawPath, query } = incoming;
    const presigned = signature.kind === 'query';
    const operation = s3Operation({ method, rawPath, query, headers: req.headers, presigned });
    if (operation?.name === 'DeleteObjects') {
      const body = await readBody(req, DELETE_OBJECTS_BODY_LIMIT);
      if (!steps.verified(incoming, signature, body)) return;
      return handleDeleteObjects(incoming, principal, operation.bucket!, body);
    }
    if (!steps.verified(incoming, signature, undefined)) return;
    const what = `S3 ${method} ${rawPath}${query.length ? `?${query.map(([k]) => k).join('&')}` : ''}`;
    const onResponse =
      operation && (operation.name === 'GetObject' || operation.name === 'HeadObject')
        ? hideMissingKeys(incoming, principal, operation, presigned)
        : undefined;
    await steps.authorizeAndForward(
      incoming,
      principal,
      operation?.authorizations,
      what,
      undefined,
      onResponse,
    );
  };
};
