import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { presigningS3, s3 } from '../core/aws/s3.ts';
import { bucketName } from '../core/env.ts';
import type { Catalogue, ExtractSink, ObjectReader } from './extract.ts';
import type { DatasetItem } from './repository.ts';
import { UPLOAD_URL_SECONDS } from './schemas.ts';

// A dataset's bytes: the file and its extract in S3 (its item is in repository.ts), under
//   datasets/uploads/<id>                     a presigned upload (its creation notifies the import queue)
//   datasets/<id>/source.json                 an inline upload (outside uploads/, so it starts no import)
//   datasets/<id>/extract/<attempt>/…         the parts of one import attempt's extract (see extract.ts)
//   datasets/<id>/extract/<attempt>/catalogue.json   written last; the item names the attempt it uses
// Keying the extract by attempt means a stale import (one whose claim was taken over) can write
// nothing a reader sees. Datasets imported before attempts existed keep their extract at
// datasets/<id>/extract/… and their catalogue at datasets/<id>/catalogue.json (no `extract` on the item).
const objects = {
  upload: (id: string) => `datasets/uploads/${id}`,
  source: (id: string) => `datasets/${id}/source.json`,
  extract: (id: string, attempt: string | undefined, name: string) =>
    attempt ? `datasets/${id}/extract/${attempt}/${name}` : `datasets/${id}/extract/${name}`,
  catalogue: (id: string, attempt: string | undefined) =>
    attempt ? `datasets/${id}/extract/${attempt}/catalogue.json` : `datasets/${id}/catalogue.json`,
};
const UPLOAD_KEY = /^datasets\/uploads\/([A-Za-z0-9-]{1,64})$/;

/** The dataset id a presigned upload's object key belongs to, if it is one. */
export const uploadIdOf = (key: string): string | undefined => UPLOAD_KEY.exec(key)?.[1];

const putObject = (key: string, body: Uint8Array, contentType = 'application/octet-stream') =>
  s3.send(new PutObjectCommand({ Bucket: bucketName(), Key: key, Body: body, ContentType: contentType }));

/** A URL to PUT an upload's file to, valid for UPLOAD_URL_SECONDS. */
export const presignUpload = (id: string) =>
  getSignedUrl(presigningS3, new PutObjectCommand({ Bucket: bucketName(), Key: objects.upload(id) }), {
    expiresIn: UPLOAD_URL_SECONDS,
  });

/** Stores an inline upload's file (outside uploads/, so it starts no import). */
export const storeSource = (id: string, raw: Uint8Array) =>
  putObject(objects.source(id), raw, 'application/json');

/** Where one attempt writes its extract's parts. */
export const extractWriter =
  (id: string, attempt: string): ExtractSink =>
  async (name, bytes) => {
    await putObject(objects.extract(id, attempt, name), bytes);
  };

export const storeCatalogue = (id: string, attempt: string, catalogue: Catalogue) =>
  putObject(objects.catalogue(id, attempt), Buffer.from(JSON.stringify(catalogue)), 'application/json');

const getBytes = async (key: string, range?: [number, number]): Promise<Uint8Array> => {
  const out = await s3.send(
    new GetObjectCommand({
      Bucket: bucketName(),
      Key: key,
      // HTTP ranges are inclusive of their last byte.
      Range: range ? `bytes=${range[0]}-${range[1] - 1}` : undefined,
    }),
  );
  return out.Body!.transformToByteArray();
};

export const getCatalogue = async (item: DatasetItem): Promise<Catalogue> =>
  JSON.parse(
    Buffer.from(await getBytes(objects.catalogue(item.id, item.extract))).toString('utf8'),
  ) as Catalogue;

/** Reads objects (or byte ranges of them) of a ready dataset's extract, for aggregate.ts. */
export const extractReader =
  (item: DatasetItem): ObjectReader =>
  (name, range) =>
    getBytes(objects.extract(item.id, item.extract, name), range);

/** Streams a presigned upload's bytes. */
export const openUpload = async (id: string): Promise<AsyncIterable<Uint8Array>> => {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucketName(), Key: objects.upload(id) }));
  return out.Body as AsyncIterable<Uint8Array>;
};

export const deleteUpload = async (id: string) => {
  await s3.send(new DeleteObjectCommand({ Bucket: bucketName(), Key: objects.upload(id) }));
};
