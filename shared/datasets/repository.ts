import { randomUUID } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { dynamo } from '../core/aws/dynamo.ts';
import { presigningS3, s3 } from '../core/aws/s3.ts';
import { mapBounded } from '../core/concurrency.ts';
import { isConditionFailure } from '../core/dynamo.ts';
import { bucketName, tableName } from '../core/env.ts';
import type { BuiltExtract, Catalogue } from './extract.ts';
import { type DatasetError, type DatasetStatus, UPLOAD_URL_SECONDS } from './schemas.ts';

// Metadata: one DynamoDB item per dataset. Bytes: the file and its extract in S3, under
//   datasets/uploads/<id>            a presigned upload (its creation notifies the import queue)
//   datasets/<id>/source.json        an inline upload (outside uploads/, so it starts no import)
//   datasets/<id>/catalogue.json     the field catalogue, written before the item turns ready
//   datasets/<id>/extract/…          the columns (see extract.ts)
const keys = { dataset: (id: string) => ({ pk: `DATASET#${id}`, sk: 'META' }) };
const objects = {
  upload: (id: string) => `datasets/uploads/${id}`,
  source: (id: string) => `datasets/${id}/source.json`,
  catalogue: (id: string) => `datasets/${id}/catalogue.json`,
  extract: (id: string, name: string) => `datasets/${id}/extract/${name}`,
};
const UPLOAD_KEY = /^datasets\/uploads\/([A-Za-z0-9-]{1,64})$/;
const PUT_CONCURRENCY = 16;

export interface DatasetItem {
  id: string;
  application_id: string | null;
  name: string | null;
  status: DatasetStatus;
  records: number | null;
  bytes: number | null;
  created_at: string;
  error?: DatasetError;
}

const table = () => tableName('datasets');

const toItem = (raw: Record<string, unknown>): DatasetItem => ({
  id: raw.id as string,
  application_id: (raw.application_id as string | undefined) ?? null,
  name: (raw.name as string | undefined) ?? null,
  status: raw.status as DatasetStatus,
  records: (raw.records as number | undefined) ?? null,
  bytes: (raw.bytes as number | undefined) ?? null,
  created_at: raw.created_at as string,
  ...(raw.error ? { error: raw.error as DatasetError } : {}),
});

/** The dataset id a presigned upload's object key belongs to, if it is one. */
export const uploadIdOf = (key: string): string | undefined => UPLOAD_KEY.exec(key)?.[1];

const putObject = (key: string, body: Uint8Array, contentType = 'application/octet-stream') =>
  s3.send(new PutObjectCommand({ Bucket: bucketName(), Key: key, Body: body, ContentType: contentType }));

const storeExtract = async (id: string, extract: BuiltExtract) => {
  await mapBounded([...extract.files], PUT_CONCURRENCY, ([name, body]) =>
    putObject(objects.extract(id, name), body),
  );
  await putObject(objects.catalogue(id), Buffer.from(JSON.stringify(extract.catalogue)), 'application/json');
};

const newItem = (owner: string | null, name: string | null, status: DatasetStatus) => ({
  id: randomUUID(),
  application_id: owner,
  name,
  status,
  created_at: new Date().toISOString(),
});

/** Stores an inline file that has already been read in full, with its extract; the item is ready. */
export const createReadyDataset = async (input: {
  owner: string | null;
  raw: Uint8Array;
  records: number;
  extract: BuiltExtract;
}): Promise<DatasetItem> => {
  const item = { ...newItem(input.owner, null, 'ready'), records: input.records, bytes: input.raw.length };
  await putObject(objects.source(item.id), input.raw, 'application/json');
  await storeExtract(item.id, input.extract);
  await dynamo.send(
    new PutCommand({
      TableName: table(),
      Item: { ...keys.dataset(item.id), ...item },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return toItem(item);
};

/** Registers a dataset awaiting its file and presigns the PUT for it. */
export const createUpload = async (input: { owner: string | null; name: string | null }) => {
  const item = newItem(input.owner, input.name, 'uploading');
  await dynamo.send(
    new PutCommand({
      TableName: table(),
      Item: { ...keys.dataset(item.id), ...item },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  const uploadUrl = await getSignedUrl(
    presigningS3,
    new PutObjectCommand({ Bucket: bucketName(), Key: objects.upload(item.id) }),
    { expiresIn: UPLOAD_URL_SECONDS },
  );
  const expiresAt = new Date(Date.parse(item.created_at) + UPLOAD_URL_SECONDS * 1000).toISOString();
  return { id: item.id, upload_url: uploadUrl, expires_at: expiresAt };
};

export const getDataset = async (id: string): Promise<DatasetItem | undefined> => {
  const out = await dynamo.send(
    new GetCommand({ TableName: table(), Key: keys.dataset(id), ConsistentRead: true }),
  );
  return out.Item ? toItem(out.Item) : undefined;
};

const getBytes = async (key: string): Promise<Uint8Array> => {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucketName(), Key: key }));
  return out.Body!.transformToByteArray();
};

export const getCatalogue = async (id: string): Promise<Catalogue> =>
  JSON.parse(Buffer.from(await getBytes(objects.catalogue(id))).toString('utf8')) as Catalogue;

/** Reads objects of a ready dataset's extract, for aggregate.ts. */
export const extractReader = (id: string) => (name: string) => getBytes(objects.extract(id, name));

/** Streams a presigned upload's bytes. */
export const openUpload = async (id: string): Promise<AsyncIterable<Uint8Array>> => {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucketName(), Key: objects.upload(id) }));
  return out.Body as AsyncIterable<Uint8Array>;
};

export const deleteUpload = async (id: string) => {
  await s3.send(new DeleteObjectCommand({ Bucket: bucketName(), Key: objects.upload(id) }));
};

const setStatus = async (
  id: string,
  status: DatasetStatus,
  from: DatasetStatus[],
  extra: Record<string, unknown> = {},
): Promise<boolean> => {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':status': status };
  const sets = ['#status = :status'];
  for (const [k, v] of Object.entries(extra)) {
    names[`#${k}`] = k;
    values[`:${k}`] = v;
    sets.push(`#${k} = :${k}`);
  }
  from.forEach((s, i) => {
    values[`:from${i}`] = s;
  });
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.dataset(id),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: `attribute_exists(pk) AND #status IN (${from.map((_, i) => `:from${i}`).join(', ')})`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
};

/**
 * Claims an uploaded file for import. False for an unknown dataset or one already imported: S3
 * notifications and SQS both deliver at least once. A redelivery while `processing` (a crashed
 * import) starts over, which is safe since nothing is visible before the item turns ready.
 */
export const startProcessing = (id: string) => setStatus(id, 'processing', ['uploading', 'processing']);

export const finishImport = async (
  id: string,
  result: { records: number; bytes: number; extract: BuiltExtract },
) => {
  await storeExtract(id, result.extract);
  await setStatus(id, 'ready', ['processing'], { records: result.records, bytes: result.bytes });
};

export const failImport = async (id: string, error: DatasetError) => {
  await deleteUpload(id);
  await setStatus(id, 'failed', ['processing'], { error });
};
