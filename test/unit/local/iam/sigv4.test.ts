import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  parseAuthentication,
  parseQuery,
  presignedExpiry,
  type Signature,
  sha256Hex,
  signatureMatches,
} from '../../../../local/iam/sigv4.ts';

// Real SDK clients sign real requests; a server records them as they arrive on the wire; the
// verifier must agree with the SDK's signer (an independent implementation of the same spec).

interface Captured {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

let server: Server;
let endpoint: string;
let captured: Captured[] = [];
const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      captured.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const s3 = () =>
  new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });

const capture = async (send: () => Promise<unknown>) => {
  captured = [];
  await send().catch(() => undefined);
  return captured[0]!;
};

const verify = (request: Captured, secret = credentials.secretAccessKey) => {
  const at = request.url.indexOf('?');
  const rawPath = at < 0 ? request.url : request.url.slice(0, at);
  const query = parseQuery(at < 0 ? '' : request.url.slice(at + 1));
  const signature = parseAuthentication(request.headers, query) as Signature;
  const declared =
    signature.kind === 'query'
      ? (signature.contentSha256 ?? 'UNSIGNED-PAYLOAD')
      : (request.headers['x-amz-content-sha256'] as string | undefined);
  const payloadHash = declared ?? sha256Hex(request.body);
  return signatureMatches(signature, secret, {
    method: request.method,
    rawPath,
    query,
    headers: request.headers,
    payloadHash,
  });
};

describe('SigV4 verification of what the SDK signs', () => {
  test('an S3 PUT of a key with spaces, unicode and reserved characters', async () => {
    const request = await capture(() =>
      s3().send(new PutObjectCommand({ Bucket: 'b', Key: 'bus/a b/ü+c=d&e(1)*.json', Body: 'hello' })),
    );
    expect(parseAuthentication(request.headers, [])).toMatchObject({
      kind: 'header',
      accessKeyId: 'AKIDEXAMPLE',
      scope: { region: 'us-east-1', service: 's3' },
    });
    expect(verify(request)).toBe(true);
  });

  test('an S3 list with query parameters to encode', async () => {
    const request = await capture(() =>
      s3().send(
        new ListObjectsV2Command({ Bucket: 'b', Prefix: 'bus/2026-01-01 x/', Delimiter: '/', MaxKeys: 5 }),
      ),
    );
    expect(verify(request)).toBe(true);
  });

  test('a presigned GET with a response header override', async () => {
    const url = await getSignedUrl(
      s3(),
      new GetObjectCommand({
        Bucket: 'b',
        Key: 'datasets/x y.json',
        ResponseContentDisposition: 'attachment; filename="x y.json"',
      }),
      { expiresIn: 120 },
    );
    const request = await capture(() => fetch(url));
    const signature = parseAuthentication(
      request.headers,
      parseQuery(request.url.split('?')[1]!),
    ) as Signature;
    expect(signature).toMatchObject({ kind: 'query', expiresSeconds: 120, accessKeyId: 'AKIDEXAMPLE' });
    expect(verify(request)).toBe(true);
    expect(presignedExpiry(signature)!.getTime() - Date.now()).toBeGreaterThan(100_000);
  });

  test('a DynamoDB JSON request', async () => {
    const request = await capture(() =>
      new DynamoDBClient({ region: 'us-east-1', endpoint, credentials, maxAttempts: 1 }).send(
        new PutItemCommand({ TableName: 't', Item: { pk: { S: 'a' } } }),
      ),
    );
    expect(verify(request)).toBe(true);
  });

  test('fails with another secret, a changed signed header or a changed query', async () => {
    const request = await capture(() => s3().send(new ListObjectsV2Command({ Bucket: 'b', Prefix: 'bus/' })));
    expect(verify(request, 'not-the-secret')).toBe(false);
    expect(verify({ ...request, headers: { ...request.headers, 'x-amz-date': '20200101T000000Z' } })).toBe(
      false,
    );
    expect(verify({ ...request, url: request.url.replace('bus%2F', 'datasets%2F') })).toBe(false);
  });

  test('tells unsigned and malformed requests apart from signed ones', () => {
    expect(parseAuthentication({}, [])).toEqual({ kind: 'unsigned' });
    expect(parseAuthentication({ authorization: 'AWS AKID:sig' }, [])).toMatchObject({ kind: 'malformed' });
    expect(
      parseAuthentication({}, parseQuery('X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a')),
    ).toMatchObject({
      kind: 'malformed',
      presigned: true,
    });
  });
});
