import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/aws/dynamo.ts';
import { decodeCursor, encodeCursor } from '../core/cursor.ts';
import { isConditionFailure } from '../core/dynamo.ts';
import { ACTIVE_ONLY, NOT_STALLED, stalledBefore, stallSeconds } from '../core/liveness.ts';
import type { Page } from '../core/validation.ts';
import { keys, table } from './keys.ts';
import { jobAsOf } from './liveness.ts';
import type { Job, JobStatus } from './schemas.ts';

// The jobs: their items and the claims of their dates (keys.ts has the layout).

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
        ConditionExpression: `${ACTIVE_ONLY.condition} AND ${NOT_STALLED} AND NOT contains(done_ids, :id) AND NOT contains(failed_ids, :id)`,
        ExpressionAttributeNames: ACTIVE_ONLY.names,
        ExpressionAttributeValues: {
          ...ACTIVE_ONLY.values,
          ':city': new Set([cityId]),
          ':id': cityId,
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
        ConditionExpression: ACTIVE_ONLY.condition,
        ExpressionAttributeNames: ACTIVE_ONLY.names,
        ExpressionAttributeValues: { ...ACTIVE_ONLY.values, ':status': status, ':at': finishedAt },
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
        ConditionExpression: `${ACTIVE_ONLY.condition} AND progress_at = :seen`,
        ExpressionAttributeNames: ACTIVE_ONLY.names,
        ExpressionAttributeValues: {
          ...ACTIVE_ONLY.values,
          ':failed': 'failed',
          ':at': reading.job.finished_at,
          ':seen': reading.progressAt,
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
