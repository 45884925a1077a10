import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutBucketCorsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import S3rver from 's3rver';
import { type IamGate, startIamGate } from '../../../../local/iam/gate.ts';
import { allow, credentialsOf, gateS3Client, OPERATOR, outcome, principal } from './fixtures.ts';

const BUCKET = 'eye-data';
const OBJECTS = `arn:aws:s3:::${BUCKET}`;

let dir: string;
let s3rver: S3rver;
let gate: IamGate;

const client = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
  gateS3Client(gate.endpoint, credentials);
const operator = () => client(OPERATOR);

/** A principal with these statements, made the gate's only one; its client. */
const as = (...statements: Record<string, unknown>[]) => {
  const fn = principal('fn', statements);
  gate.setPrincipals([fn]);
  return { fn, s3: client(credentialsOf(fn)) };
};

const put = (key: string, body = 'x') =>
  operator().send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
const exists = async (key: string) =>
  (await outcome(operator().send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })))).name === 'ok';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iam-gate-s3-'));
  s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir });
  const { port } = await s3rver.run();
  gate = await startIamGate({ service: 's3', upstream: `http://127.0.0.1:${port}`, principals: [] });
  await operator().send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(async () => {
  await gate.stop();
  await s3rver.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the S3 gate authorizes object requests as AWS does', () => {
  test('PutObject and GetObject need their own action on the key', async () => {
    const { s3, fn } = as(allow(['s3:GetObject', 's3:PutObject'], `${OBJECTS}/bus/*`));
    expect(
      (await outcome(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'bus/a.json', Body: '{}' })))).name,
    ).toBe('ok');
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'bus/a.json' }));
    expect(await got.Body!.transformToString()).toBe('{}');
    const outside = await outcome(
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'datasets/a.json', Body: '{}' })),
    );
    expect(outside).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: ${fn.arn} is not authorized to perform: s3:PutObject on resource: "${OBJECTS}/datasets/a.json" because no identity-based policy allows the s3:PutObject action`,
    });
  });

  test('DeleteObject needs s3:DeleteObject, which read and put grants do not include', async () => {
    await put('bus/keep.json');
    const { s3 } = as(allow(['s3:GetObject*', 's3:PutObject'], `${OBJECTS}/bus/*`));
    expect(
      (await outcome(s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'bus/keep.json' })))).name,
    ).toBe('AccessDenied');
    expect(await exists('bus/keep.json')).toBe(true);
    const granted = as(allow('s3:DeleteObject', `${OBJECTS}/bus/*`)).s3;
    expect(
      (await outcome(granted.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'bus/keep.json' })))).name,
    ).toBe('ok');
    expect(await exists('bus/keep.json')).toBe(false);
  });

  test('HeadObject needs s3:GetObject; without s3:ListBucket a missing key is 403, with it 404', async () => {
    await put('bus/here.json');
    const readOnly = as(allow('s3:GetObject', `${OBJECTS}/bus/*`)).s3;
    expect(
      (await outcome(readOnly.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'bus/here.json' })))).name,
    ).toBe('ok');
    expect(
      (await outcome(readOnly.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'bus/missing.json' }))))
        .status,
    ).toBe(403);
    const missingGet = await outcome(
      readOnly.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'bus/missing.json' })),
    );
    expect(missingGet).toMatchObject({ name: 'AccessDenied', status: 403, message: 'Access Denied' });

    const lister = as(allow('s3:GetObject', `${OBJECTS}/bus/*`), allow('s3:ListBucket', OBJECTS)).s3;
    expect(
      await outcome(lister.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'bus/missing.json' }))),
    ).toMatchObject({
      name: 'NotFound',
      status: 404,
    });
    expect(
      (await outcome(lister.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'bus/missing.json' })))).name,
    ).toBe('NoSuchKey');

    const none = as(allow('s3:PutObject', `${OBJECTS}/bus/*`)).s3;
    expect(
      (await outcome(none.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'bus/here.json' })))).status,
    ).toBe(403);
  });

  test('DeleteObjects is checked per key, and reports the refused keys in its result', async () => {
    await Promise.all([put('bus/one.json'), put('bus/two.json'), put('datasets/three.json')]);
    const { s3 } = as(allow('s3:DeleteObject', `${OBJECTS}/bus/*`));
    const result = await s3.send(
      new DeleteObjectsCommand({
        Bucket: BUCKET,
        Delete: {
          Objects: [{ Key: 'bus/one.json' }, { Key: 'datasets/three.json' }, { Key: 'bus/two.json' }],
        },
      }),
    );
    expect(result.Errors).toEqual([
      { Key: 'datasets/three.json', Code: 'AccessDenied', Message: 'Access Denied' },
    ]);
    expect((result.Deleted ?? []).map((d) => d.Key).sort()).toEqual(['bus/one.json', 'bus/two.json']);
    expect(await exists('bus/one.json')).toBe(false);
    expect(await exists('datasets/three.json')).toBe(true);

    const refusedAll = await s3.send(
      new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'datasets/three.json' }] } }),
    );
    expect(refusedAll.Errors?.map((e) => e.Code)).toEqual(['AccessDenied']);
    expect(await exists('datasets/three.json')).toBe(true);
  });

  test('CopyObject needs s3:GetObject on the source and s3:PutObject on the target', async () => {
    await put('bus/source.json', 'copied');
    const copy = (s3: S3Client) =>
      outcome(
        s3.send(
          new CopyObjectCommand({
            Bucket: BUCKET,
            Key: 'datasets/target.json',
            CopySource: `${BUCKET}/bus/source.json`,
          }),
        ),
      );
    const both = as(
      allow('s3:GetObject', `${OBJECTS}/bus/*`),
      allow('s3:PutObject', `${OBJECTS}/datasets/*`),
    );
    expect((await copy(both.s3)).name).toBe('ok');
    const noRead = as(allow('s3:PutObject', `${OBJECTS}/datasets/*`));
    expect((await copy(noRead.s3)).message).toContain(
      `s3:GetObject on resource: "${OBJECTS}/bus/source.json"`,
    );
    const noWrite = as(allow('s3:GetObject', `${OBJECTS}/bus/*`));
    expect((await copy(noWrite.s3)).message).toContain(
      `s3:PutObject on resource: "${OBJECTS}/datasets/target.json"`,
    );
  });

  test('a multipart upload needs s3:PutObject; aborting s3:AbortMultipartUpload; ListParts s3:ListMultipartUploadParts', async () => {
    const writer = as(allow('s3:PutObject', `${OBJECTS}/datasets/*`)).s3;
    const Key = 'datasets/multi.bin';
    const { UploadId } = await writer.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key }));
    const part = await writer.send(
      new UploadPartCommand({ Bucket: BUCKET, Key, UploadId, PartNumber: 1, Body: Buffer.alloc(1024, 7) }),
    );
    await writer.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key,
        UploadId,
        MultipartUpload: { Parts: [{ ETag: part.ETag, PartNumber: 1 }] },
      }),
    );
    expect(await exists(Key)).toBe(true);

    expect(
      (await outcome(writer.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key, UploadId: 'u1' }))))
        .message,
    ).toContain('s3:AbortMultipartUpload');
    expect(
      (await outcome(writer.send(new ListPartsCommand({ Bucket: BUCKET, Key, UploadId: 'u1' })))).message,
    ).toContain('s3:ListMultipartUploadParts');
    // Granted, they reach s3rver, which does not implement them (405): the gate let them through.
    const granted = as(
      allow(['s3:AbortMultipartUpload', 's3:ListMultipartUploadParts'], `${OBJECTS}/datasets/*`),
    ).s3;
    expect(
      (await outcome(granted.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key, UploadId: 'u1' }))))
        .status,
    ).toBe(405);
    expect(
      (await outcome(granted.send(new ListPartsCommand({ Bucket: BUCKET, Key, UploadId: 'u1' })))).status,
    ).toBe(405);
  });
});

describe('the S3 gate authorizes bucket requests as AWS does', () => {
  test('ListObjectsV2 needs s3:ListBucket on the bucket, with s3:prefix evaluated', async () => {
    const { s3 } = as(allow('s3:ListBucket', OBJECTS, { StringLike: { 's3:prefix': ['bus/*'] } }));
    const list = (Prefix?: string) => outcome(s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix })));
    expect((await list('bus/')).name).toBe('ok');
    expect((await list('datasets/')).name).toBe('AccessDenied');
    expect((await list()).name).toBe('AccessDenied');
  });

  test('HeadBucket needs s3:ListBucket and CreateBucket s3:CreateBucket', async () => {
    const lister = as(allow('s3:ListBucket', OBJECTS)).s3;
    expect((await outcome(lister.send(new HeadBucketCommand({ Bucket: BUCKET })))).name).toBe('ok');
    expect((await outcome(lister.send(new CreateBucketCommand({ Bucket: 'other' })))).name).toBe(
      'AccessDenied',
    );
    const creator = as(allow('s3:CreateBucket', 'arn:aws:s3:::other')).s3;
    expect((await outcome(creator.send(new HeadBucketCommand({ Bucket: BUCKET })))).status).toBe(403);
    expect((await outcome(creator.send(new CreateBucketCommand({ Bucket: 'other' })))).name).toBe('ok');
  });
});

describe('presigned URLs through the S3 gate', () => {
  test('are held to the policy of the principal that signed them', async () => {
    const { s3 } = as(allow(['s3:PutObject', 's3:GetObject'], `${OBJECTS}/datasets/uploads/*`));
    const inside = await getSignedUrl(
      s3,
      new PutObjectCommand({ Bucket: BUCKET, Key: 'datasets/uploads/u.json' }),
      { expiresIn: 60 },
    );
    expect((await fetch(inside, { method: 'PUT', body: '[1,2]' })).status).toBe(200);
    const outside = await getSignedUrl(s3, new PutObjectCommand({ Bucket: BUCKET, Key: 'bus/u.json' }), {
      expiresIn: 60,
    });
    const refused = await fetch(outside, { method: 'PUT', body: '[1,2]' });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('<Code>AccessDenied</Code>');
    const download = await getSignedUrl(
      s3,
      new GetObjectCommand({
        Bucket: BUCKET,
        Key: 'datasets/uploads/u.json',
        ResponseContentDisposition: 'attachment',
      }),
      { expiresIn: 60 },
    );
    const got = await fetch(download);
    expect([got.status, got.headers.get('content-disposition'), await got.text()]).toEqual([
      200,
      'attachment',
      '[1,2]',
    ]);
  });

  test('stop working once expired, with S3’s "Request has expired"', async () => {
    const { s3 } = as(allow('s3:GetObject', `${OBJECTS}/*`));
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: 'bus/x' }), {
      expiresIn: 1,
      signingDate: new Date(Date.now() - 60_000),
    });
    const response = await fetch(url);
    expect(response.status).toBe(403);
    const body = await response.text();
    expect(body).toContain('<Code>AccessDenied</Code><Message>Request has expired</Message>');
  });

  test('a tampered presigned URL is SignatureDoesNotMatch', async () => {
    const { s3 } = as(allow('s3:GetObject', `${OBJECTS}/*`));
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: 'bus/x' }), {
      expiresIn: 60,
    });
    const response = await fetch(url.replace('/bus/x', '/bus/y'));
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });
});

describe('the S3 gate authenticates callers as AWS does', () => {
  const get = (s3: S3Client) => outcome(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'bus/x' })));

  test('an unknown access key is InvalidAccessKeyId, a wrong secret SignatureDoesNotMatch', async () => {
    expect(await get(client({ accessKeyId: 'AKIANOBODY', secretAccessKey: 'x' }))).toMatchObject({
      name: 'InvalidAccessKeyId',
      status: 403,
    });
    const { fn } = as(allow('s3:*', '*'));
    expect(await get(client({ accessKeyId: fn.accessKeyId, secretAccessKey: 'wrong' }))).toMatchObject({
      name: 'SignatureDoesNotMatch',
      status: 403,
    });
  });

  test('an unsigned request is anonymous, and anonymous may do nothing', async () => {
    await put('bus/public.json');
    const response = await fetch(`${gate.endpoint}/${BUCKET}/bus/public.json`);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>AccessDenied</Code><Message>Access Denied</Message>');
  });

  test('an unsigned CORS preflight reaches the emulator', async () => {
    await operator().send(
      new PutBucketCorsCommand({
        Bucket: BUCKET,
        CORSConfiguration: {
          CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['PUT'], AllowedHeaders: ['*'] }],
        },
      }),
    );
    const response = await fetch(`${gate.endpoint}/${BUCKET}/datasets/uploads/u.json`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'PUT' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('bodies through the S3 gate', () => {
  test('a streamed upload and ranged reads arrive byte for byte', async () => {
    const size = 64 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < chunk.length; i++) chunk[i] = i % 251;
    const { s3 } = as(allow(['s3:PutObject', 's3:GetObject'], `${OBJECTS}/datasets/*`));
    const body = Readable.from(
      (function* () {
        for (let sent = 0; sent < size; sent += chunk.length) yield chunk;
      })(),
    );
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'datasets/big.bin', Body: body, ContentLength: size }),
    );
    const range = await s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'datasets/big.bin', Range: 'bytes=1048570-1048585' }),
    );
    expect(Buffer.from(await range.Body!.transformToByteArray())).toEqual(
      Buffer.concat([chunk.subarray(1048570), chunk.subarray(0, 10)]),
    );
    const whole = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'datasets/big.bin' }));
    let received = 0;
    for await (const part of whole.Body as Readable) received += (part as Buffer).length;
    expect(received).toBe(size);
  });
});
