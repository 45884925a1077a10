import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Upload } from '@aws-sdk/lib-storage';
import { dynamo } from '../core/aws/dynamo.ts';
import { s3 } from '../core/aws/s3.ts';
import { sqs } from '../core/aws/sqs.ts';
import { chunks } from '../core/concurrency.ts';
import { isConditionFailure } from '../core/dynamo.ts';
import { bucketName, queueUrl, tableName } from '../core/env.ts';
import type { FetchCityMessage, Job, JobStatus, UpstreamCity } from './schemas.ts';

// Every read and write of the bus feature. Table `bus`:
//   JOB#<job_id> / JOB          the job: counters, and the sets of city ids done and failed, so a city is
//                               counted once however often its message is delivered
//   DATE#<date> / JOB           the claim: which job owns the date (one active job per date)
//   DATE#<date> / CITY#<id>     a stored city-day: its country and object key — the city→country
//                               mapping of that date, read by the statistics with one Query per date
// S3: bus/<date>/<city_id>.json, the upstream's bytes as received.

const keys = {
  job: (jobId: string) => ({ pk: `JOB#${jobId}`, sk: 'JOB' }),
  claim: (date: string) => ({ pk: `DATE#${date}`, sk: 'JOB' }),
  cityDay: (date: string, cityId: number) => ({ pk: `DATE#${date}`, sk: `CITY#${cityId}` }),
  cityDayPrefix: 'CITY#',
  object: (date: string, cityId: number) => `bus/${date}/${cityId}.json`,
};

const table = () => tableName('bus');
const ACTIVE: JobStatus[] = ['queued', 'running'];

interface JobItem {
  job_id: string;
  date: string;
  status: JobStatus;
  cities_total: number;
  done_ids?: Set<number>;
  failed_ids?: Set<number>;
  records: number;
  bytes: number;
  created_at: string;
  finished_at: string | null;
}

const toJob = (item: JobItem): Job => ({
  job_id: item.job_id,
  date: item.date,
  status: item.status,
  cities_total: item.cities_total,
  cities_done: item.done_ids?.size ?? 0,
  cities_failed: [...(item.failed_ids ?? [])].sort((a, b) => a - b),
  records: item.records,
  bytes: item.bytes,
  created_at: item.created_at,
  finished_at: item.finished_at,
});

export const isActive = (job: Pick<Job, 'status'>) => ACTIVE.includes(job.status);

export const getJob = async (jobId: string): Promise<Job | undefined> => {
  const out = await dynamo.send(
    new GetCommand({ TableName: table(), Key: keys.job(jobId), ConsistentRead: true }),
  );
  return out.Item ? toJob(out.Item as JobItem) : undefined;
};

/** The job that owns a date, if any (it may have finished). */
export const jobOfDate = async (date: string): Promise<Job | undefined> => {
  const out = await dynamo.send(
    new GetCommand({ TableName: table(), Key: keys.claim(date), ConsistentRead: true }),
  );
  return out.Item ? getJob(out.Item.job_id as string) : undefined;
};

export const putJob = async (job: Job) => {
  await dynamo.send(
    new PutCommand({
      TableName: table(),
      Item: { ...keys.job(job.job_id), ...job, cities_done: undefined, cities_failed: undefined },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
};

export const deleteJob = async (jobId: string) => {
  await dynamo.send(new DeleteCommand({ TableName: table(), Key: keys.job(jobId) }));
};

/**
 * Makes `jobId` the owner of `date` — only if nobody owns it, or if it still belongs to `previousJobId`
 * (a finished job the caller saw). One conditional write, so two concurrent requests cannot both win.
 */
export const claimDate = async (date: string, jobId: string, previousJobId?: string): Promise<boolean> => {
  try {
    await dynamo.send(
      new PutCommand({
        TableName: table(),
        Item: { ...keys.claim(date), job_id: jobId },
        ConditionExpression: previousJobId ? 'job_id = :previous' : 'attribute_not_exists(pk)',
        ExpressionAttributeValues: previousJobId ? { ':previous': previousJobId } : undefined,
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
};

export const enqueueCities = async (jobId: string, date: string, cities: UpstreamCity[]) => {
  for (const batch of chunks(cities, 10)) {
    const entries = batch.map((c) => {
      const message: FetchCityMessage = {
        job_id: jobId,
        date,
        city: { id: c.id, name: c.name, country: c.country },
      };
      return { Id: String(c.id), MessageBody: JSON.stringify(message) };
    });
    const out = await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl('busFetch'), Entries: entries }),
    );
    if (out.Failed?.length) throw new Error(`could not queue ${out.Failed.length} cities of job ${jobId}`);
  }
};

export const markRunning = async (jobId: string) => {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.job(jobId),
        UpdateExpression: 'SET #status = :running',
        ConditionExpression: '#status = :queued',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':running': 'running', ':queued': 'queued' },
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
};

/**
 * Counts a city of an active job as done or failed, exactly once: the condition refuses a city already
 * in either set, so a redelivered message changes nothing. Returns the job after the update, or
 * undefined when nothing changed.
 */
export const recordCity = async (
  jobId: string,
  cityId: number,
  outcome: { records: number; bytes: number } | 'failed',
): Promise<Job | undefined> => {
  const done = outcome !== 'failed';
  try {
    const out = await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.job(jobId),
        UpdateExpression: done
          ? 'SET #status = :running ADD done_ids :city, records :records, bytes :bytes'
          : 'SET #status = :running ADD failed_ids :city',
        ConditionExpression:
          '#status IN (:queued, :running) AND NOT contains(done_ids, :id) AND NOT contains(failed_ids, :id)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':city': new Set([cityId]),
          ':id': cityId,
          ':queued': 'queued',
          ':running': 'running',
          ...(done ? { ':records': outcome.records, ':bytes': outcome.bytes } : {}),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toJob(out.Attributes as JobItem);
  } catch (err) {
    if (isConditionFailure(err)) return undefined;
    throw err;
  }
};

/** Ends a job once every city is counted; the condition makes the end happen once. */
export const finishJob = async (jobId: string, status: 'succeeded' | 'failed', finishedAt: string) => {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.job(jobId),
        UpdateExpression: 'SET #status = :status, finished_at = :at',
        ConditionExpression: '#status IN (:queued, :running)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': status,
          ':at': finishedAt,
          ':queued': 'queued',
          ':running': 'running',
        },
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
};

/**
 * Streams a city-day into S3 as a multipart upload: parts of 8 MiB, two in flight, so memory stays
 * around 16 MiB whatever the size of the file.
 */
export const storeCityDay = async (date: string, cityId: number, body: Readable) => {
  const upload = new Upload({
    client: s3,
    params: {
      Bucket: bucketName(),
      Key: keys.object(date, cityId),
      Body: body,
      ContentType: 'application/json',
    },
    partSize: 8 * 1024 * 1024,
    queueSize: 2,
    leavePartsOnError: false,
  });
  await upload.done();
};

export const deleteCityDayObject = async (date: string, cityId: number) => {
  await s3.send(new DeleteObjectCommand({ Bucket: bucketName(), Key: keys.object(date, cityId) }));
};

export interface CityDay {
  date: string;
  city_id: number;
  country: string;
  key: string;
  /** Size of the stored object: what the statistics budget and the query progress count. */
  bytes: number;
}

/** Records that a city-day is stored (the statistics read only recorded ones). */
export const putCityDay = async (
  date: string,
  city: { id: number; name: string; country: string },
  jobId: string,
  bytes: number,
) => {
  await dynamo.send(
    new PutCommand({
      TableName: table(),
      Item: {
        ...keys.cityDay(date, city.id),
        date,
        city_id: city.id,
        city_name: city.name,
        country: city.country,
        key: keys.object(date, city.id),
        bytes,
        job_id: jobId,
      },
    }),
  );
};

/** Forgets an earlier job's city-day when the current job could not fetch it (its data is replaced). */
export const deleteCityDay = async (date: string, cityId: number) => {
  await dynamo.send(new DeleteCommand({ TableName: table(), Key: keys.cityDay(date, cityId) }));
};

export const cityDaysOf = async (date: string): Promise<CityDay[]> => {
  const items: CityDay[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo.send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.claim(date).pk, ':prefix': keys.cityDayPrefix },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) {
      items.push({
        date,
        city_id: item.city_id,
        country: item.country,
        key: item.key,
        bytes: item.bytes ?? 0,
      });
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
};

export const openObject = async (key: string): Promise<Readable> => {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucketName(), Key: key }));
  return out.Body as Readable;
};
