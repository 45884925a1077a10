import { mapBounded } from '../../core/concurrency.ts';
import { type BulkRow, bulkRows, planImport } from '../bulk.ts';
import { type Datapoint, requireDatapoint } from '../datapoint.ts';
import { enqueueMinutes } from '../queue.ts';
import { storePoint } from '../repository.ts';

const IMPORT_CONCURRENCY = 32;

/**
 * Stores one point and enqueues its minute. A duplicate enqueues it too: if an earlier attempt stored
 * the point but failed to enqueue (and the client retried), this is what brings the average up to date;
 * the recompute is idempotent, so it changes nothing otherwise.
 */
export const recordDatapoint = async (point: Datapoint, receivedAt: string) => {
  const status = await storePoint(point, receivedAt);
  await enqueueMinutes([point]);
  return { status, user_id: point.user_id, timestamp_utc: point.timestamp_utc, minute: point.minute };
};

/** A bulk import: every row validated, valid points stored (first one wins), their minutes enqueued once. */
export const importRows = async (rows: BulkRow[], nowMs: number) => {
  const plan = planImport(rows, nowMs);
  const receivedAt = new Date(nowMs).toISOString();
  let stored = 0;
  await mapBounded(plan.points, IMPORT_CONCURRENCY, async (point) => {
    if ((await storePoint(point, receivedAt)) === 'stored') stored++;
  });
  // Duplicates too: an earlier import may have stored them and then failed to enqueue.
  await enqueueMinutes(plan.points);
  return { stored, duplicates: plan.points.length - stored + plan.repeats, rejected: plan.rejected };
};

/** PUT /location: the body checked field by field (unknown ones too), then stored as received `now`. */
export const putDatapoint = (body: unknown, now: Date) =>
  recordDatapoint(requireDatapoint(body, now.getTime()), now.toISOString());

/** POST /locations: a JSON array or a CSV of datapoints, by its content type. */
export const importBody = (raw: Buffer, contentType: string, nowMs: number) =>
  importRows(bulkRows(raw, contentType), nowMs);
