import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/aws/dynamo.ts';
import { isConditionFailure } from '../core/dynamo.ts';
import { tableName } from '../core/env.ts';
import { ACTIVE_ONLY, NOT_STALLED, stalledAt, stalledBefore, stallSeconds } from '../core/liveness.ts';
import type { ReplayBody, ReplayStatus } from './schemas.ts';

// One item per replay job. Its progress advances one page at a time, each step conditioned on the
// page it completes (`pages_done`), so a redelivered page message adds nothing to the counts. A job
// that has recorded no page for its stall deadline (`progress_at`, lib/routes.ts) reads failed, and no
// late page can bring it back.
const keys = {
  job: (id: string) => ({ pk: `RP#${id}`, sk: 'RP' }),
};

const table = () => tableName('events');

export interface ReplayJob extends ReplayStatus {
  /** The application whose errors it replays; undefined: every application's (the admin). */
  application_id?: string;
  filters: Omit<ReplayBody, 'application_id'>;
  pages_done: number;
  /** Where the next page starts (the listing position of the last record read). */
  next_before?: string;
  /** When it was registered or last recorded a page. */
  progress_at: string;
}

const replayStallSeconds = () => stallSeconds('REPLAY_STALL_SECONDS');

export const createJob = async (job: ReplayJob): Promise<void> => {
  await dynamo.send(
    new PutCommand({
      TableName: table(),
      Item: { ...keys.job(job.replay_id), kind: 'replay', ...job, filters: JSON.stringify(job.filters) },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
};

export const readJob = async (id: string): Promise<ReplayJob | undefined> => {
  const out = await dynamo.send(
    new GetCommand({ TableName: table(), Key: keys.job(id), ConsistentRead: true }),
  );
  const item = out.Item;
  if (!item) return undefined;
  const job: ReplayJob = {
    replay_id: item.replay_id,
    application_id: item.application_id,
    status: item.status,
    matched: item.matched,
    replayed: item.replayed,
    still_failing: item.still_failing,
    created_at: item.created_at,
    finished_at: item.finished_at ?? null,
    filters: JSON.parse(item.filters),
    pages_done: item.pages_done,
    next_before: item.next_before,
    progress_at: item.progress_at ?? item.created_at,
  };
  const stalled = stalledAt(job.status, job.progress_at, replayStallSeconds(), new Date());
  return stalled ? { ...job, status: 'failed', finished_at: stalled.toISOString() } : job;
};

export interface PageResult {
  matched: number;
  replayed: number;
  still_failing: number;
  /** Undefined when this was the last page. */
  nextBefore?: string;
}

/**
 * Records one page's counts; false if that page was already recorded (a redelivery), or the job is no
 * longer active (failed, or past its stall deadline).
 */
export const completePage = async (id: string, page: number, result: PageResult, at = new Date()) => {
  const done = result.nextBefore === undefined;
  const now = at.toISOString();
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.job(id),
        UpdateExpression: `SET pages_done = :next, #status = :status, finished_at = :finished, progress_at = :now${
          done ? ' REMOVE next_before' : ', next_before = :before'
        } ADD matched :m, replayed :r, still_failing :f`,
        ConditionExpression: `pages_done = :page AND ${ACTIVE_ONLY.condition} AND ${NOT_STALLED}`,
        ExpressionAttributeNames: ACTIVE_ONLY.names,
        ExpressionAttributeValues: {
          ...ACTIVE_ONLY.values,
          ':now': now,
          ':stalledBefore': stalledBefore(replayStallSeconds(), at),
          ':page': page,
          ':next': page + 1,
          ':status': done ? 'succeeded' : 'running',
          ':finished': done ? now : null,
          ':m': result.matched,
          ':r': result.replayed,
          ':f': result.still_failing,
          ...(done ? {} : { ':before': result.nextBefore }),
        },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
};

/** Ends an active job failed (its page could not be queued or handled); false if it was no longer active. */
export const failJob = async (id: string, now: string) => {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.job(id),
        UpdateExpression: 'SET #status = :failed, finished_at = :now',
        ConditionExpression: ACTIVE_ONLY.condition,
        ExpressionAttributeNames: ACTIVE_ONLY.names,
        ExpressionAttributeValues: { ...ACTIVE_ONLY.values, ':failed': 'failed', ':now': now },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
};
