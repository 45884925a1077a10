import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Upload } from '@aws-sdk/lib-storage';
import { dynamo } from '../core/aws/dynamo.ts';
import { s3 } from '../core/aws/s3.ts';
import { sqs } from '../core/aws/sqs.ts';
import { chunks } from '../core/concurrency.ts';
import { decodeCursor, encodeCursor } from '../core/cursor.ts';
import { isConditionFailure, queryAll } from '../core/dynamo.ts';
import { bucketName, queueUrl, tableName } from '../core/env.ts';
import { stalledBefore, stallSeconds } from '../core/liveness.ts';
import type { Page } from '../core/validation.ts';
import { jobAsOf } from './liveness.ts';
import type { FetchCityMessage, Job, JobStatus, UpstreamCity } from './schemas.ts';

// Every read and write of the bus feature's jobs and stored city-days. Table `bus`:
//   JOB#<job_id> / JOB          the job: counters, its city ids, the sets of city ids done and failed
//                               (a city is counted once however often its message is delivered), and
//                               when it last made progress; gsi1 (JOBS / <created_at>#<job_id>) lists
//                               the jobs newest first. That key is shared by every job, but jobs are
//                               created one per requested date, far below a partition's 1,000 writes/s.
//   DATE#<date> / JOB           the claim: which job owns the date (one active job per date)
//   DATE#<date> / CITY#<id>     a stored city-day: its country, object key and size, and the generation
//                               of the job that stored it — the city→country mapping of that date, read
//                               by the statistics with one Query per date
// S3: bus/<date>/<job_id>/<city_id>.json, the upstream's bytes as received. Keyed by job, so a late
// message of an old job can only write its own objects, never those a newer job's city-day points to.

const keys = {
  job: (jobId: string) => ({ pk: `JOB#${jobId}`, sk: 'JOB' }),
  jobListing: (job: Pick<Job, 'created_at' | 'job_id'>) => ({
    gsi1pk: 'JOBS',
    gsi1sk: generationOf(job),
  }),
  claim: (date: string) => ({ pk: `DATE#${date}`, sk: 'JOB' }),
  cityDay: (date: string, cityId: number) => ({ pk: `DATE#${date}`, sk: `CITY#${cityId}` }),
  cityDayPrefix: 'CITY#',
  object: (date: string, jobId: string, cityId: number) => `bus/${date}/${jobId}/${cityId}.json`,
};

/** Orders the jobs of a date: a later job's generation sorts after an earlier one's. */
const generationOf = (job: Pick<Job, 'created_at' | 'job_id'>) => `${job.created_at}#${job.job_id}`;

const table = () => tableName('bus');
const ACTIVE: JobStatus[] = ['queued', 'running'];

const jobStallSeconds = () => stallSeconds('BUS_JOB_STALL_SECONDS');

interface JobItem {
  job_id: string;
  date: string;
  status: JobStatus;
  cities_total: number;
  city_ids?: Set<number>;
  done_ids?: Set<number>;
  failed_ids?: Set<number>;
  records: number;
  bytes: number;
  created_at: string;
  progress_at: string;
  finished_at: string | null;
}

/** A job as it reads now (past its stall deadline an active job is failed), and what that reading rests on. */
export interface JobReading {
  job: Job;
  stalled: boolean;
  progressAt: string;
}

const readJob = (item: JobItem, now = new Date()): JobReading => {
  const stored: Job = {
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
  };
  const progress = {
    cityIds: [...(item.city_ids ?? [])],
    doneIds: item.done_ids ?? new Set<number>(),
    progressAt: item.progress_at ?? item.created_at,
  };
  return { ...jobAsOf(stored, progress, jobStallSeconds(), now), progressAt: progress.progressAt };
};

export const isActive = (job: Pick<Job, 'status'>) => ACTIVE.includes(job.status);

const getJobItem = async (jobId: string) => {
  const out = await dynamo.send(
    new GetCommand({ TableName: table(), Key: keys.job(jobId), ConsistentRead: true }),
  );
  return out.Item as JobItem | undefined;
};

export const getJob = async (jobId: string): Promise<Job | undefined> => {
  const item = await getJobItem(jobId);
  return item ? readJob(item).job : undefined;
};

/** The job that owns a date, if any (it may have finished, or be past its stall deadline). */
export const jobOfDate = async (date: string): Promise<JobReading | undefined> => {
  const out = await dynamo.send(
    new GetCommand({ TableName: table(), Key: keys.claim(date), ConsistentRead: true }),
  );
  const item = out.Item ? await getJobItem(out.Item.job_id as string) : undefined;
  return item ? readJob(item) : undefined;
};

/** The jobs, newest first, a page at a time (gsi1). */
export const listJobs = async (limit: number, cursor?: string): Promise<Page<Job>> => {
  const out = await dynamo.send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': 'JOBS' },
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: await decodeCursor('bus-jobs', cursor),
    }),
  );
  const now = new Date();
  return {
    items: (out.Items ?? []).map((item) => readJob(item as JobItem, now).job),
    next_cursor: await encodeCursor('bus-jobs', out.LastEvaluatedKey),
  };
};

export const putJob = async (job: Job, cityIds: number[]) => {
  await dynamo.send(
    new PutCommand({
      TableName: table(),
      Item: {
        ...keys.job(job.job_id),
        ...keys.jobListing(job),
        ...job,
        cities_done: undefined,
        cities_failed: undefined,
        // DynamoDB refuses an empty set.
        city_ids: cityIds.length ? new Set(cityIds) : undefined,
        progress_at: job.created_at,
      },
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
 * in either set, so a redelivered message changes nothing, and refuses a job past its stall deadline,
 * which a late message cannot bring back. Returns the job after the update, or undefined when nothing
 * changed.
 */
export const recordCity = async (
  jobId: string,
  cityId: number,
  outcome: { records: number; bytes: number } | 'failed',
  now = new Date(),
): Promise<Job | undefined> => {
  const done = outcome !== 'failed';
  try {
    const out = await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.job(jobId),
        UpdateExpression: done
          ? 'SET #status = :running, progress_at = :now ADD done_ids :city, records :records, bytes :bytes'
          : 'SET #status = :running, progress_at = :now ADD failed_ids :city',
        ConditionExpression:
          '#status IN (:queued, :running) AND progress_at > :stalledBefore ' +
          'AND NOT contains(done_ids, :id) AND NOT contains(failed_ids, :id)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':city': new Set([cityId]),
          ':id': cityId,
          ':queued': 'queued',
          ':running': 'running',
          ':now': now.toISOString(),
          ':stalledBefore': stalledBefore(jobStallSeconds(), now),
          ...(done ? { ':records': outcome.records, ':bytes': outcome.bytes } : {}),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return readJob(out.Attributes as JobItem, now).job;
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

/** Ends a job whose cities could not be queued: every one of them is failed. */
export const failJob = async (jobId: string, finishedAt: string) => {
  await dynamo.send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.job(jobId),
      UpdateExpression: 'SET #status = :failed, finished_at = :at, failed_ids = city_ids',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':failed': 'failed', ':at': finishedAt },
    }),
  );
};

/**
 * Stores what a stalled job reads as (failed, its unfetched cities among the failed ones), unless it
 * made progress since it was read: false then, and the caller reads it again.
 */
export const expireJob = async (reading: JobReading): Promise<boolean> => {
  const failed = reading.job.cities_failed;
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.job(reading.job.job_id),
        UpdateExpression: `SET #status = :failed, finished_at = :at${failed.length ? ', failed_ids = :ids' : ''}`,
        ConditionExpression: '#status IN (:queued, :running) AND progress_at = :seen',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':failed': 'failed',
          ':at': reading.job.finished_at,
          ':seen': reading.progressAt,
          ':queued': 'queued',
          ':running': 'running',
          ...(failed.length ? { ':ids': new Set(failed) } : {}),
        },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
};

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
