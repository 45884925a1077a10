import { describe, expect, test } from '@jest/globals';
import {
  deleteObjectsAuthorizations,
  parseDeleteObjects,
  type S3Request,
  s3Operation,
} from '../../../../local/iam/actions-s3.ts';
import { parseQuery } from '../../../../local/iam/sigv4.ts';

const request = (method: string, url: string, headers: Record<string, string> = {}): S3Request => {
  const [rawPath = '', rawQuery = ''] = url.split('?');
  return { method, rawPath, query: parseQuery(rawQuery), headers, presigned: false };
};
const checks = (method: string, url: string, headers?: Record<string, string>) => {
  const operation = s3Operation(request(method, url, headers));
  return (
    operation && [
      operation.name,
      ...operation.authorizations.map(({ action, resource }) => `${action} ${resource}`),
    ]
  );
};

describe('the IAM checks of an S3 request (as AWS makes them)', () => {
  test('HeadObject needs s3:GetObject on the object', () => {
    expect(checks('HEAD', '/b/bus/x.json')).toEqual(['HeadObject', 's3:GetObject arn:aws:s3:::b/bus/x.json']);
  });

  test('object keys are decoded into the ARN', () => {
    expect(checks('GET', '/b/a%20b/%C3%BC%2Bc%3Dd?x-id=GetObject')).toEqual([
      'GetObject',
      's3:GetObject arn:aws:s3:::b/a b/ü+c=d',
    ]);
  });

  test('Get/Put/DeleteObject are their own action; with a versionId, the …Version one', () => {
    expect(checks('PUT', '/b/k')).toEqual(['PutObject', 's3:PutObject arn:aws:s3:::b/k']);
    expect(checks('DELETE', '/b/k')).toEqual(['DeleteObject', 's3:DeleteObject arn:aws:s3:::b/k']);
    expect(checks('GET', '/b/k?versionId=3')).toEqual(['GetObject', 's3:GetObjectVersion arn:aws:s3:::b/k']);
    expect(checks('DELETE', '/b/k?versionId=3')).toEqual([
      'DeleteObject',
      's3:DeleteObjectVersion arn:aws:s3:::b/k',
    ]);
  });

  test('ListObjectsV2 needs s3:ListBucket on the bucket, with s3:prefix in the context', () => {
    const operation = s3Operation(request('GET', '/b?list-type=2&prefix=bus%2F&delimiter=%2F'));
    expect(operation?.name).toBe('ListObjects');
    expect(operation?.authorizations).toEqual([
      {
        action: 's3:ListBucket',
        resource: 'arn:aws:s3:::b',
        context: {
          's3:authType': 'REST-HEADER',
          's3:signatureversion': 'AWS4-HMAC-SHA256',
          's3:prefix': 'bus/',
          's3:delimiter': '/',
        },
      },
    ]);
  });

  test('HeadBucket needs s3:ListBucket; CreateBucket s3:CreateBucket', () => {
    expect(checks('HEAD', '/b')).toEqual(['HeadBucket', 's3:ListBucket arn:aws:s3:::b']);
    expect(checks('PUT', '/b')).toEqual(['CreateBucket', 's3:CreateBucket arn:aws:s3:::b']);
  });

  test('CopyObject needs s3:GetObject on the source and s3:PutObject on the target', () => {
    expect(checks('PUT', '/b/to', { 'x-amz-copy-source': 'src/from%20here' })).toEqual([
      'CopyObject',
      's3:GetObject arn:aws:s3:::src/from here',
      's3:PutObject arn:aws:s3:::b/to',
    ]);
    expect(checks('PUT', '/b/to', { 'x-amz-copy-source': '/src/k?versionId=v1' })?.[1]).toBe(
      's3:GetObjectVersion arn:aws:s3:::src/k',
    );
  });

  test('a multipart upload needs s3:PutObject to create, upload and complete', () => {
    expect(checks('POST', '/b/k?uploads')).toEqual([
      'CreateMultipartUpload',
      's3:PutObject arn:aws:s3:::b/k',
    ]);
    expect(checks('PUT', '/b/k?partNumber=1&uploadId=u')).toEqual([
      'UploadPart',
      's3:PutObject arn:aws:s3:::b/k',
    ]);
    expect(checks('POST', '/b/k?uploadId=u')).toEqual([
      'CompleteMultipartUpload',
      's3:PutObject arn:aws:s3:::b/k',
    ]);
  });

  test('aborting needs s3:AbortMultipartUpload and listing parts s3:ListMultipartUploadParts', () => {
    expect(checks('DELETE', '/b/k?uploadId=u')).toEqual([
      'AbortMultipartUpload',
      's3:AbortMultipartUpload arn:aws:s3:::b/k',
    ]);
    expect(checks('GET', '/b/k?uploadId=u')).toEqual([
      'ListParts',
      's3:ListMultipartUploadParts arn:aws:s3:::b/k',
    ]);
  });

  test('UploadPartCopy reads the source like CopyObject', () => {
    expect(checks('PUT', '/b/k?partNumber=2&uploadId=u', { 'x-amz-copy-source': 'src/a' })).toEqual([
      'UploadPart',
      's3:GetObject arn:aws:s3:::src/a',
      's3:PutObject arn:aws:s3:::b/k',
    ]);
  });

  test('tags and ACLs sent with a write need their own actions as well', () => {
    expect(checks('PUT', '/b/k', { 'x-amz-tagging': 'a=b', 'x-amz-acl': 'private' })).toEqual([
      'PutObject',
      's3:PutObject arn:aws:s3:::b/k',
      's3:PutObjectTagging arn:aws:s3:::b/k',
      's3:PutObjectAcl arn:aws:s3:::b/k',
    ]);
  });

  test('some Delete… bucket operations are checked as their Put… action', () => {
    expect(checks('DELETE', '/b?cors')).toEqual(['DeleteBucketCors', 's3:PutBucketCORS arn:aws:s3:::b']);
    expect(checks('DELETE', '/b?lifecycle')).toEqual([
      'DeleteBucketLifecycle',
      's3:PutLifecycleConfiguration arn:aws:s3:::b',
    ]);
  });

  test('ListBuckets is a wildcard-only action', () => {
    expect(checks('GET', '/')).toEqual(['ListBuckets', 's3:ListAllMyBuckets *']);
  });

  test('DeleteObjects is checked per key as s3:DeleteObject (s3:DeleteObjectVersion with a version)', () => {
    const entries = parseDeleteObjects(
      '<Delete><Object><Key>bus/a &amp; b</Key></Object><Object><Key>x</Key><VersionId>v1</VersionId></Object></Delete>',
    );
    expect(entries).toEqual([{ key: 'bus/a & b' }, { key: 'x', versionId: 'v1' }]);
    expect(
      deleteObjectsAuthorizations('b', entries).map(({ action, resource }) => `${action} ${resource}`),
    ).toEqual(['s3:DeleteObject arn:aws:s3:::b/bus/a & b', 's3:DeleteObjectVersion arn:aws:s3:::b/x']);
    expect(s3Operation(request('POST', '/b?delete'))?.name).toBe('DeleteObjects');
  });

  test('a sub-resource it does not know is left unmapped', () => {
    expect(s3Operation(request('POST', '/b'))).toBeUndefined();
    expect(s3Operation(request('PATCH', '/b/k'))).toBeUndefined();
  });
});
