import type { IncomingHttpHeaders } from 'node:http';
import { type Authorization, LOCAL_AWS } from './aws-account.ts';
import type { QueryPairs } from './sigv4.ts';

// How S3 authorizes each REST request (Service Authorization Reference, Amazon S3, "API operations";
// S3 user guide, "Required permissions for Amazon S3 API operations"). Path-style requests only, which
// is what the local clients send (forcePathStyle). The ones that are not "the action of the same name":
// - HeadObject needs s3:GetObject; HeadBucket and ListObjects(V2) need s3:ListBucket on the bucket
//   ARN, with s3:prefix / s3:delimiter / s3:max-keys in the request context;
// - CreateMultipartUpload, UploadPart and CompleteMultipartUpload need s3:PutObject;
//   AbortMultipartUpload s3:AbortMultipartUpload; ListParts s3:ListMultipartUploadParts;
// - CopyObject and UploadPartCopy need s3:GetObject on the source and s3:PutObject on the target;
// - DeleteObjects needs s3:DeleteObject on each key (see deleteObjectsAuthorizations);
// - a versionId turns GetObject/DeleteObject/…Tagging/…Acl into their …Version actions;
// - x-amz-tagging on a write also needs s3:PutObjectTagging, an ACL header s3:PutObjectAcl;
// - several Delete… operations are checked as the Put… action (DeleteBucketCors: s3:PutBucketCORS).

export interface S3Request {
  method: string;
  /** The path as received, percent-encoded: /bucket/key. */
  rawPath: string;
  query: QueryPairs;
  headers: IncomingHttpHeaders;
  /** How the request was signed, for the s3:authType condition key. */
  presigned: boolean;
}

export interface S3Operation {
  /** AWS's name for the operation (GetObject, HeadObject, DeleteObjects...). */
  name: string;
  bucket?: string;
  key?: string;
  authorizations: Authorization[];
}

const bucketArn = (bucket: string) => `arn:${LOCAL_AWS.partition}:s3:::${bucket}`;
const objectArn = (bucket: string, key: string) => `arn:${LOCAL_AWS.partition}:s3:::${bucket}/${key}`;

const decode = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

// Sub-resources that select the operation, by method, for bucket and object requests. The first one
// present in the query wins; none present is the entry under ''.
const BUCKET_ACTIONS: Record<string, Record<string, [operation: string, action: string]>> = {
  GET: {
    '': ['ListObjects', 'ListBucket'],
    uploads: ['ListMultipartUploads', 'ListBucketMultipartUploads'],
    versions: ['ListObjectVersions', 'ListBucketVersions'],
    location: ['GetBucketLocation', 'GetBucketLocation'],
    cors: ['GetBucketCors', 'GetBucketCORS'],
    website: ['GetBucketWebsite', 'GetBucketWebsite'],
    policy: ['GetBucketPolicy', 'GetBucketPolicy'],
    policyStatus: ['GetBucketPolicyStatus', 'GetBucketPolicyStatus'],
    acl: ['GetBucketAcl', 'GetBucketAcl'],
    tagging: ['GetBucketTagging', 'GetBucketTagging'],
    versioning: ['GetBucketVersioning', 'GetBucketVersioning'],
    notification: ['GetBucketNotificationConfiguration', 'GetBucketNotification'],
    lifecycle: ['GetBucketLifecycleConfiguration', 'GetLifecycleConfiguration'],
    encryption: ['GetBucketEncryption', 'GetEncryptionConfiguration'],
    ownershipControls: ['GetBucketOwnershipControls', 'GetBucketOwnershipControls'],
    publicAccessBlock: ['GetPublicAccessBlock', 'GetBucketPublicAccessBlock'],
    'object-lock': ['GetObjectLockConfiguration', 'GetBucketObjectLockConfiguration'],
    logging: ['GetBucketLogging', 'GetBucketLogging'],
    requestPayment: ['GetBucketRequestPayment', 'GetBucketRequestPayment'],
    replication: ['GetBucketReplication', 'GetReplicationConfiguration'],
    accelerate: ['GetBucketAccelerateConfiguration', 'GetAccelerateConfiguration'],
  },
  HEAD: { '': ['HeadBucket', 'ListBucket'] },
  PUT: {
    '': ['CreateBucket', 'CreateBucket'],
    cors: ['PutBucketCors', 'PutBucketCORS'],
    website: ['PutBucketWebsite', 'PutBucketWebsite'],
    policy: ['PutBucketPolicy', 'PutBucketPolicy'],
    acl: ['PutBucketAcl', 'PutBucketAcl'],
    tagging: ['PutBucketTagging', 'PutBucketTagging'],
    versioning: ['PutBucketVersioning', 'PutBucketVersioning'],
    notification: ['PutBucketNotificationConfiguration', 'PutBucketNotification'],
    lifecycle: ['PutBucketLifecycleConfiguration', 'PutLifecycleConfiguration'],
    encryption: ['PutBucketEncryption', 'PutEncryptionConfiguration'],
    ownershipControls: ['PutBucketOwnershipControls', 'PutBucketOwnershipControls'],
    publicAccessBlock: ['PutPublicAccessBlock', 'PutBucketPublicAccessBlock'],
    'object-lock': ['PutObjectLockConfiguration', 'PutBucketObjectLockConfiguration'],
    logging: ['PutBucketLogging', 'PutBucketLogging'],
    requestPayment: ['PutBucketRequestPayment', 'PutBucketRequestPayment'],
    replication: ['PutBucketReplication', 'PutReplicationConfiguration'],
    accelerate: ['PutBucketAccelerateConfiguration', 'PutAccelerateConfiguration'],
  },
  DELETE: {
    '': ['DeleteBucket', 'DeleteBucket'],
    cors: ['DeleteBucketCors', 'PutBucketCORS'],
    website: ['DeleteBucketWebsite', 'DeleteBucketWebsite'],
    policy: ['DeleteBucketPolicy', 'DeleteBucketPolicy'],
    tagging: ['DeleteBucketTagging', 'PutBucketTagging'],
    lifecycle: ['DeleteBucketLifecycle', 'PutLifecycleConfiguration'],
    encryption: ['DeleteBucketEncryption', 'PutEncryptionConfiguration'],
    ownershipControls: ['DeleteBucketOwnershipControls', 'PutBucketOwnershipControls'],
    publicAccessBlock: ['DeletePublicAccessBlock', 'PutBucketPublicAccessBlock'],
    replication: ['DeleteBucketReplication', 'PutReplicationConfiguration'],
  },
  POST: { delete: ['DeleteObjects', 'DeleteObject'] },
};

// Object operations whose action has a …Version twin when the request names a versionId.
const OBJECT_ACTIONS: Record<
  string,
  Record<string, [operation: string, action: string, versioned?: string]>
> = {
  GET: {
    '': ['GetObject', 'GetObject', 'GetObjectVersion'],
    uploadId: ['ListParts', 'ListMultipartUploadParts'],
    acl: ['GetObjectAcl', 'GetObjectAcl', 'GetObjectVersionAcl'],
    tagging: ['GetObjectTagging', 'GetObjectTagging', 'GetObjectVersionTagging'],
    attributes: ['GetObjectAttributes', 'GetObjectAttributes', 'GetObjectVersionAttributes'],
    'legal-hold': ['GetObjectLegalHold', 'GetObjectLegalHold'],
    retention: ['GetObjectRetention', 'GetObjectRetention'],
    torrent: ['GetObjectTorrent', 'GetObjectTorrent', 'GetObjectVersionTorrent'],
  },
  HEAD: { '': ['HeadObject', 'GetObject', 'GetObjectVersion'] },
  PUT: {
    '': ['PutObject', 'PutObject'],
    uploadId: ['UploadPart', 'PutObject'],
    acl: ['PutObjectAcl', 'PutObjectAcl', 'PutObjectVersionAcl'],
    tagging: ['PutObjectTagging', 'PutObjectTagging', 'PutObjectVersionTagging'],
    'legal-hold': ['PutObjectLegalHold', 'PutObjectLegalHold'],
    retention: ['PutObjectRetention', 'PutObjectRetention'],
  },
  POST: {
    uploads: ['CreateMultipartUpload', 'PutObject'],
    uploadId: ['CompleteMultipartUpload', 'PutObject'],
    restore: ['RestoreObject', 'RestoreObject'],
    select: ['SelectObjectContent', 'GetObject'],
  },
  DELETE: {
    '': ['DeleteObject', 'DeleteObject', 'DeleteObjectVersion'],
    uploadId: ['AbortMultipartUpload', 'AbortMultipartUpload'],
    tagging: ['DeleteObjectTagging', 'DeleteObjectTagging', 'DeleteObjectVersionTagging'],
  },
};

const pick = <T>(table: Record<string, T> | undefined, query: QueryPairs): T | undefined => {
  if (!table) return undefined;
  const present = new Set(query.map(([key]) => key));
  const sub = Object.keys(table).find((name) => name !== '' && present.has(name));
  return table[sub ?? ''];
};

const value = (query: QueryPairs, name: string) => query.find(([key]) => key === name)?.[1];

const header = (headers: IncomingHttpHeaders, name: string) => {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
};

const ACL_HEADERS = [
  'x-amz-acl',
  'x-amz-grant-full-control',
  'x-amz-grant-read',
  'x-amz-grant-read-acp',
  'x-amz-grant-write-acp',
];

/** x-amz-copy-source: "bucket/key" or "/bucket/key", URL-encoded, optionally "?versionId=…". */
const copySource = (raw: string) => {
  const [path = '', search = ''] = raw.split('?');
  const [bucket = '', ...key] = decode(path.replace(/^\//, '')).split('/');
  return { bucket, key: key.join('/'), versionId: new URLSearchParams(search).get('versionId') ?? undefined };
};

const listContext = (query: QueryPairs) => {
  const context: Record<string, string> = {};
  for (const name of ['prefix', 'delimiter', 'max-keys']) {
    const v = value(query, name);
    if (v !== undefined) context[`s3:${name}`] = v;
  }
  return context;
};

/** The IAM checks of one S3 request; undefined when the gate does not know the operation. */
export const s3Operation = (request: S3Request): S3Operation | undefined => {
  const { method, rawPath, query, headers } = request;
  const common = {
    's3:authType': request.presigned ? 'REST-QUERY-STRING' : 'REST-HEADER',
    's3:signatureversion': 'AWS4-HMAC-SHA256',
  };
  const [, rawBucket = '', ...rawKey] = rawPath.split('/');
  if (rawBucket === '') {
    if (method !== 'GET') return undefined;
    return {
      name: 'ListBuckets',
      authorizations: [
        { action: 's3:ListAllMyBuckets', resource: '*', shownResource: null, context: common },
      ],
    };
  }
  const bucket = decode(rawBucket);
  const key = rawKey.map(decode).join('/');

  if (key === '') {
    const entry = pick(BUCKET_ACTIONS[method], query);
    if (!entry) return undefined;
    const [name, action] = entry;
    if (name === 'DeleteObjects') return { name, bucket, authorizations: [] };
    const context = action === 'ListBucket' ? { ...common, ...listContext(query) } : common;
    return {
      name,
      bucket,
      authorizations: [{ action: `s3:${action}`, resource: bucketArn(bucket), context }],
    };
  }

  const entry = pick(OBJECT_ACTIONS[method], query);
  if (!entry) return undefined;
  const versionId = value(query, 'versionId');
  const [name, action, versioned] = entry;
  const target = objectArn(bucket, key);
  const authorizations: Authorization[] = [
    { action: `s3:${versionId && versioned ? versioned : action}`, resource: target, context: common },
  ];
  const source = header(headers, 'x-amz-copy-source');
  if (source && (name === 'PutObject' || name === 'UploadPart')) {
    const from = copySource(source);
    authorizations.unshift({
      action: from.versionId ? 's3:GetObjectVersion' : 's3:GetObject',
      resource: objectArn(from.bucket, from.key),
      context: common,
    });
  }
  const writesObject = name === 'PutObject' || name === 'CreateMultipartUpload';
  if (writesObject && header(headers, 'x-amz-tagging') !== undefined)
    authorizations.push({ action: 's3:PutObjectTagging', resource: target, context: common });
  if (writesObject && ACL_HEADERS.some((h) => header(headers, h) !== undefined))
    authorizations.push({ action: 's3:PutObjectAcl', resource: target, context: common });
  return { name: source && name === 'PutObject' ? 'CopyObject' : name, bucket, key, authorizations };
};

export interface DeleteObjectsEntry {
  key: string;
  versionId?: string;
}

const unescapeXml = (text: string) =>
  text.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
    return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[entity] as string;
  });

/** The objects of a DeleteObjects body: <Delete><Object><Key>k</Key><VersionId>v</VersionId></Object>… */
export const parseDeleteObjects = (xml: string): DeleteObjectsEntry[] =>
  [...xml.matchAll(/<Object>([\s\S]*?)<\/Object>/g)].map(([, inner = '']) => {
    const key = /<Key>([\s\S]*?)<\/Key>/.exec(inner)?.[1] ?? '';
    const versionId = /<VersionId>([\s\S]*?)<\/VersionId>/.exec(inner)?.[1];
    return { key: unescapeXml(key), ...(versionId ? { versionId: unescapeXml(versionId) } : {}) };
  });

/** DeleteObjects is checked per key, as DeleteObject (or DeleteObjectVersion) on that key. */
export const deleteObjectsAuthorizations = (
  bucket: string,
  entries: DeleteObjectsEntry[],
  presigned = false,
): Authorization[] =>
  entries.map(({ key, versionId }) => ({
    action: versionId ? 's3:DeleteObjectVersion' : 's3:DeleteObject',
    resource: objectArn(bucket, key),
    context: {
      's3:authType': presigned ? 'REST-QUERY-STRING' : 'REST-HEADER',
      's3:signatureversion': 'AWS4-HMAC-SHA256',
    },
  }));

/** The plain ListBucket check S3 makes before saying a key does not exist. */
export const listBucketAuthorization = (bucket: string, presigned: boolean): Authorization => ({
  action: 's3:ListBucket',
  resource: bucketArn(bucket),
  context: {
    's3:authType': presigned ? 'REST-QUERY-STRING' : 'REST-HEADER',
    's3:signatureversion': 'AWS4-HMAC-SHA256',
  },
});
