import { randomUUID } from 'node:crypto';
import { notFound } from '../../core/errors.ts';
import { isActive } from '../../core/liveness.ts';
import { logger } from '../../core/observability.ts';
import { InvalidDepartures } from '../departures.ts';
import {
  failQuery,
  getQuery,
  getResult,
  markQueryRunning,
  partialsOf,
  putQuery,
  putResult,
  recordPartial,
  succeedQuery,
} from '../query-repository.ts';
import { enqueueScans } from '../queue.ts';
import type { ScanFileMessage, StatsQuery } from '../schemas.ts';
import { filesOfRange, statsOfRange, sumBytes, totalsOfObject } from './country-stats.ts';

// Asynchronous statistics over ranges of any size, as a scatter-gather: the start fixes the file set
// and sends one scan task per file; each task stores its file's exact partial totals once; the task
// that completes the set merges them through the same code as the synchronous route.

const now = () => new Date().toISOString();

/** Registers a query over the files stored for the range now, and queues a scan task per file. */
export const startQuery = async (from: string, to: string): Promise<Omit<StatsQuery, 'result'>> => {
  const files = await filesOfRange(from, to);
  const query: Omit<StatsQuery, 'result'> = {
    query_id: randomUUID(),
    from,
    to,
    status: 'queued',
    files_total: files.length,
    files_done: 0,
    bytes_total: sumBytes(files),
    bytes_done: 0,
    error: null,
    created_at: now(),
    finished_at: null,
  };
  await putQuery(query);
  if (files.length === 0) {
    await putResult(query.query_id, statsOfRange(from, to, []));
    await succeedQuery(query.query_id, now());
    return query;
  }
  try {
    await enqueueScans(
      files.map((f, index) => ({
        query_id: query.query_id,
        index,
        key: f.key,
        date: f.date,
        country: f.country,
        bytes: f.bytes,
      })),
    );
  } catch (err) {
    // Some tasks may be queued and others not: the query can never complete, so it ends here.
    await failQuery(query.query_id, 'the scan tasks could not be queued', now());
    throw err;
  }
  return query;
};

/** The query, with its result once it has one. */
export const statsQuery = async (queryId: string): Promise<StatsQuery> => {
  const query = await getQuery(queryId);
  if (!query) throw notFound(`No query ${queryId}`);
  return { ...query, result: query.status === 'succeeded' ? await getResult(queryId) : null };
};

/** Failures that another receive of the same task would meet again. */
const isPermanent = (err: unknown) =>
  err instanceof InvalidDepartures || (err as Error | undefined)?.name === 'NoSuchKey';

/**
 * Merges the partials into the result once every file is counted. The task that completes the set
 * does it; a redelivery of any task of a complete query does it again (the merger may have died), and
 * computes the same bytes: the status changes once.
 */
const mergeIfComplete = async (queryId: string) => {
  const query = await getQuery(queryId);
  if (query?.status !== 'running' || query.files_done < query.files_total) return;
  await putResult(queryId, statsOfRange(query.from, query.to, await partialsOf(queryId)));
  await succeedQuery(queryId, now());
};

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * One file of a query. A task of a query that is no longer active (or past its stall deadline) does
 * nothing; a redelivered task finds its partial stored and changes nothing. A file that cannot be read
 * or holds invalid data fails the query; any other failure is thrown back to SQS, except on the last
 * receive, which fails the query rather than leave it waiting for a file that will never be counted.
 */
export const scanFile = async (task: ScanFileMessage, lastReceive: boolean) => {
  const query = await getQuery(task.query_id);
  if (!query || !isActive(query.status)) return;
  const fail = async (reason: string) => {
    logger.warn('query file failed', { query_id: task.query_id, key: task.key, error: reason });
    await failQuery(
      task.query_id,
      `a stored file of ${task.country} on ${task.date} could not be counted: ${reason}`,
      now(),
    );
  };
  try {
    await markQueryRunning(task.query_id);
    let totals: Awaited<ReturnType<typeof totalsOfObject>>;
    try {
      totals = await totalsOfObject(task.key);
    } catch (err) {
      if (!isPermanent(err)) throw err;
      await fail(errorMessage(err));
      return;
    }
    await recordPartial(task, totals);
    await mergeIfComplete(task.query_id);
  } catch (err) {
    if (!lastReceive) throw err;
    await fail(errorMessage(err));
  }
};
