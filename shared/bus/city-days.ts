import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Upload } from '@aws-sdk/lib-storage';
import { dynamo } from '../core/aws/dynamo.ts';
import { s3 } from '../core/aws/s3.ts';
import { isConditionFailure, queryAll } from '../core/dynamo.ts';
import { bucketName } from '../core/env.ts';
import { generationOf, keys, table } from './keys.ts';
import type { Job } from './schemas.ts';

// The stored city-days: the upstream's file of a city and date in S3, and the item that records it
// (keys.ts has the layout).

/** Where a job stores a city-day. */
export const objectKey = (date: string, jobId: string, cityId: number) => keys.object(date, jobId, cityId);

/**
 * Streams a city-day into S3 as a multipart upload: parts of 8 MiB, two in flight, so memory stays
 * around 16 MiB whatever the size of the file.
 */
export const storeCityDay = async (key: string, body: Readable) => {
  const upload = new Upload({
    client: s3,
    params: { Bucket: bucketName(), Key: key, Body: body, ContentType: 'application/json' },
    partSize: 8 * 1024 * 1024,
    queueSize: 2,
    leavePartsOnError: false,
  });
  await upload.done();
};

export const deleteObject = async (key: string) => {
  await s3.send(new DeleteObjectCommand({ Bucket: bucketName(), Key: key }));
};

// A city-day belongs to the latest job that stored it: a write by an older job is refused, and a job
// forgets only an older job's city-day (never its own, which a redelivered message may fail to fetch).
const NOT_NEWER = 'attribute_not_exists(pk) OR attribute_not_exists(generation) OR generation <= :generation';
const OLDER = 'attribute_not_exists(generation) OR generation < :generation';

export interface CityDay {
  date: string;
  city_id: number;
  country: string;
  key: string;
  /** Size of the stored object: what the statistics budget and the query progress count. */
  bytes: number;
}

/**
 * Records that a city-day is stored (the statistics read only recorded ones), unless a newer job of the
 * date recorded it already. Returns whether it was recorded, and the object it replaced, if any.
 */
export const putCityDay = async (
  date: string,
  city: { id: number; name: string; country: string },
  job: Pick<Job, 'job_id' | 'created_at'>,
  stored: { key: string; bytes: number },
): Promise<{ recorded: boolean; replacedKey?: string }> => {
  try {
    const out = await dynamo.send(
      new PutCommand({
        TableName: table(),
        Item: {
          ...keys.cityDay(date, city.id),
          date,
          city_id: city.id,
          city_name: city.name,
          country: city.country,
          key: stored.key,
          bytes: stored.bytes,
          job_id: job.job_id,
          generation: generationOf(job),
        },
        ConditionExpression: NOT_NEWER,
        ExpressionAttributeValues: { ':generation': generationOf(job) },
        ReturnValues: 'ALL_OLD',
      }),
    );
    const replaced = out.Attributes?.key as string | undefined;
    return { recorded: true, replacedKey: replaced !== stored.key ? replaced : undefined };
  } catch (err) {
    if (isConditionFailure(err)) return { recorded: false };
    throw err;
  }
};

/**
 * Forgets an earlier job's city-day when this job could not fetch it (the date's data is replaced),
 * unless this job or a newer one recorded it. Returns the key of the object it pointed to, if it forgot one.
 */
export const forgetCityDay = async (
  date: string,
  cityId: number,
  job: Pick<Job, 'job_id' | 'created_at'>,
): Promise<string | undefined> => {
  try {
    const out = await dynamo.send(
      new DeleteCommand({
        TableName: table(),
        Key: keys.cityDay(date, cityId),
        ConditionExpression: OLDER,
        ExpressionAttributeValues: { ':generation': generationOf(job) },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return out.Attributes?.key as string | undefined;
  } catch (err) {
    if (isConditionFailure(err)) return undefined;
    throw err;
  }
};

export const cityDaysOf = async (date: string): Promise<CityDay[]> => {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.claim(date).pk, ':prefix': keys.cityDayPrefix },
    ConsistentRead: true,
  });
  return items.map((item) => ({
    date,
    city_id: item.city_id,
    country: item.country,
    key: item.key,
    bytes: item.bytes ?? 0,
  }));
};

export const openObject = async (key: string): Promise<Readable> => {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucketName(), Key: key }));
  return out.Body as Readable;
};
