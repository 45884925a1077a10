import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/aws/dynamo.ts';
import { s3 } from '../core/aws/s3.ts';
import { cancellationCodes, isConditionFailure, queryAll } from '../core/dynamo.ts';
import { bucketName, tableName } from '../core/env.ts';
import { ACTIVE_ONLY, NOT_STALLED, stalledAt, stalledBefore, stallSeconds } from '../core/liveness.ts';
import type { DepartureTotals } from './departures.ts';
import type { CountryStats, JobStatus, ScanFileMessage, StatsQuery } from './schemas.ts';

// Every read and write of the asynchronous statistics queries. Table `bus`:
//   QUERY#<query_id> / QUERY          the query: range, status, counters, error
//   QUERY#<query_id> / PART#<index>   one file's exact partial totals, written once (the write that
//                                     creates it is the only one that bumps the counters)
// S3: bus-queries/<query_id>/result.json, the merged answer (it can be far larger than an item's 400 KB).
// A query that has counted no file for its stall deadline (`progress_at`, lib/routes.ts) reads failed,
// and no late task can count a file of it.

const keys = {
  query: (queryId: string) => ({ pk: `QUERY#${queryId}`, sk: 'QUERY' }),
  part: (queryId: string, index: number) => ({
    pk: `QUERY#${queryId}`,
    sk: `PART#${String(index).padStart(9, '0')}`,
  }),
  partPrefix: 'PART#',
  result: (queryId: string) => `bus-queries/${queryId}/result.json`,
};

const table = () => tableName('bus');

interface QueryItem extends Omit<StatsQuery, 'result' | 'error'> {
  error_message?: string;
  /** When it was registered or last counted a file. */
  progress_at?: string;
}

const queryStallSeconds = () => stallSeconds('QUERY_STALL_SECONDS');

/** The query as it reads now: an active query past its stall deadline is failed. */
const toQuery = (item: QueryItem, now = new Date()): Omit<StatsQuery, 'result'> => {
  const stored = storedQuery(item);
  const seconds = queryStallSeconds();
  const stalled = stalledAt(stored.status, item.progress_at ?? item.created_at, seconds, now);
  if (!stalled) return stored;
  const message = `no file was counted for ${seconds} s: its scan tasks stalled`;
  return { ...stored, status: 'failed', error: { message }, finished_at: stalled.toISOString() };
};

const storedQuery = (item: QueryItem): Omit<StatsQuery, 'result'> => ({
  query_id: item.query_id,
  from: item.from,
  to: item.to,
  status: item.status,
  files_total: item.files_total,
  files_done: item.files_done,
  bytes_total: item.bytes_total,
  bytes_done: item.bytes_done,
  error: item.error_message === undefined ? null : { message: item.error_message },
  created_at: item.created_at,
  finished_at: item.finished_at,
});

export const putQuery = async (query: Omit<StatsQuery, 'result'>) => {
  const { error: _, ...item } = query;
  await dynamo.send(
    new PutCommand({
      TableName: table(),
      Item: { ...keys.query(query.query_id), ...item, progress_at: query.created_at },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
};

export const getQuery = async (queryId: string): Promise<Omit<StatsQuery, 'result'> | undefined> => {
  const out = await dynamo.send(
    new GetCommand({ TableName: table(), Key: keys.query(queryId), ConsistentRead: true }),
  );
  return out.Item ? toQuery(out.Item as QueryItem) : undefined;
};

/** Moves the query to `status` (and sets the fields given) if it is still queued or running. */
const transition = async (
  queryId: string,
  status: JobStatus,
  fields: Record<string, unknown> = {},
): Promise<boolean> => {
  const names = Object.keys(fields);
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.query(queryId),
        UpdateExpression: `SET #status = :status${names.map((n) => `, ${n} = :${n}`).join('')}`,
        ConditionExpression: status === 'running' ? '#status = :queued' : ACTIVE_ONLY.condition,
        ExpressionAttributeNames: ACTIVE_ONLY.names,
        ExpressionAttributeValues: {
          ':status': status,
          ...(status === 'running' ? { ':queued': 'queued' } : ACTIVE_ONLY.values),
          ...Object.fromEntries(names.map((n) => [`:${n}`, fields[n]])),
        },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
};

export const markQueryRunning = (queryId: string) => transition(queryId, 'running');

export const failQuery = (queryId: string, message: string, finishedAt: string) =>
  transition(queryId, 'failed', { error_message: message, finished_at: finishedAt });

export const succeedQuery = (queryId: string, finishedAt: string) =>
  transition(queryId, 'succeeded', { finished_at: finishedAt });

/**
 * Stores a file's partial totals and counts it, atomically and once: the partial is written only if
 * absent and the counters only with it, so a redelivered scan task changes nothing. False when the
 * partial was already there or the query is no longer active (or past its stall deadline).
 */
export const recordPartial = async (
  task: ScanFileMessage,
  totals: DepartureTotals,
  now = new Date(),
): Promise<boolean> => {
  try {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table(),
              Item: {
                ...keys.part(task.query_id, task.index),
                date: task.date,
                country: task.country,
                departures: totals.departures,
                passengers: totals.passengers,
                accident: totals.accident,
                delay_ms: totals.delayMs,
                delay_ns: totals.delayNs,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: table(),
              Key: keys.query(task.query_id),
              UpdateExpression: 'SET progress_at = :now ADD files_done :one, bytes_done :bytes',
              ConditionExpression: `${ACTIVE_ONLY.condition} AND ${NOT_STALLED}`,
              ExpressionAttributeNames: ACTIVE_ONLY.names,
              ExpressionAttributeValues: {
                ':one': 1,
                ':bytes': task.bytes,
                ':now': now.toISOString(),
                ':stalledBefore': stalledBefore(queryStallSeconds(), now),
                ...ACTIVE_ONLY.values,
              },
            },
          },
        ],
      }),
    );
    return true;
  } catch (err) {
    if (cancellationCodes(err)?.includes('ConditionalCheckFailed')) return false;
    throw err;
  }
};

export interface Partial {
  date: string;
  country: string;
  totals: DepartureTotals;
}

/** Every partial of a query, in file order. */
export const partialsOf = async (queryId: string): Promise<Partial[]> => {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.query(queryId).pk, ':prefix': keys.partPrefix },
    ConsistentRead: true,
  });
  return items.map((item) => ({
    date: item.date,
    country: item.country,
    totals: {
      departures: item.departures,
      passengers: item.passengers,
      accident: item.accident,
      delayMs: item.delay_ms,
      delayNs: item.delay_ns,
    },
  }));
};

export const putResult = async (queryId: string, result: CountryStats) => {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucketName(),
      Key: keys.result(queryId),
      Body: JSON.stringify(result),
      ContentType: 'application/json',
    }),
  );
};

export const getResult = async (queryId: string): Promise<CountryStats> => {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucketName(), Key: keys.result(queryId) }));
  return JSON.parse(await out.Body!.transformToString('utf8')) as CountryStats;
};
