import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/aws/dynamo.ts';
import { isConditionFailure } from '../core/dynamo.ts';
import { tableName } from '../core/env.ts';
import type { ReplayBody, ReplayStatus } from './schemas.ts';

// One item per replay job. Its progress advances one page at a time, each step conditioned on the
// page it completes (`pages_done`), so a redelivered page message adds nothing to the counts.
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
}

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
  return {
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
  };
};

export interface PageResult {
  matched: number;
  replayed: number;
  still_failing: number;
  /** Undefined when this was the last page. */
  nextBefore?: string;
}

/** Records one page's counts; false if that page was already recorded (a redelivery). */
export const completePage = async (id: string, page: number, result: PageResult, now: string) => {
  const done = result.nextBefore === undefined;
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.job(id),
        UpdateExpression: `SET pages_done = :next, #status = :status, finished_at = :finished${
          done ? ' REMOVE next_before' : ', next_before = :before'
        } ADD matched :m, replayed :r, still_failing :f`,
        ConditionExpression: 'pages_done = :page',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
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
