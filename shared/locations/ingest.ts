import type { SQSRecord } from 'aws-lambda';
import { logger } from '../core/observability.ts';
import { minuteAverage } from './averages.ts';
import { type BulkRow, planImport } from './bulk.ts';
import type { Datapoint } from './datapoint.ts';
import {
  enqueueMinutes,
  minutePoints,
  parseMinuteMessage,
  saveAverage,
  storePoint,
  type UserMinute,
} from './repository.ts';

const IMPORT_CONCURRENCY = 32;
const RECOMPUTE_CONCURRENCY = 16;

/** Runs `task` over `items` with at most `limit` at a time. */
const inParallel = async <T>(items: T[], limit: number, task: (item: T) => Promise<void>) => {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
};

const minuteId = (m: UserMinute) => `${m.user_id}\n${m.minute}`;

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
  await inParallel(plan.points, IMPORT_CONCURRENCY, async (point) => {
    if ((await storePoint(point, receivedAt)) === 'stored') stored++;
  });
  const minutes = new Map(plan.points.map((p) => [minuteId(p), { user_id: p.user_id, minute: p.minute }]));
  if (minutes.size > 0) await enqueueMinutes([...minutes.values()]);
  return { stored, duplicates: plan.points.length - stored + plan.repeats, rejected: plan.rejected };
};

/** The user-minutes a batch names, each once with the messages that named it. */
export const coalesceMinutes = (records: Pick<SQSRecord, 'messageId' | 'body'>[]) => {
  const groups = new Map<string, { minute: UserMinute; messageIds: string[] }>();
  const malformed: string[] = [];
  for (const record of records) {
    let minutes: UserMinute[];
    try {
      minutes = parseMinuteMessage(record.body);
    } catch {
      malformed.push(record.messageId);
      continue;
    }
    for (const minute of minutes) {
      const group = groups.get(minuteId(minute));
      if (group) group.messageIds.push(record.messageId);
      else groups.set(minuteId(minute), { minute, messageIds: [record.messageId] });
    }
  }
  return { groups: [...groups.values()], malformed };
};

/**
 * Recomputes each user-minute of a batch from its stored points. A message fails (and comes back) when
 * any minute it names failed; recomputing its other minutes again is harmless.
 */
export const recomputeMinutes = async (records: SQSRecord[]): Promise<string[]> => {
  const { groups, malformed } = coalesceMinutes(records);
  if (malformed.length > 0) logger.error('Malformed user-minute messages', { messageIds: malformed });
  const failed = new Set(malformed);
  await inParallel(groups, RECOMPUTE_CONCURRENCY, async ({ minute, messageIds }) => {
    try {
      const points = await minutePoints(minute);
      if (points.length > 0) await saveAverage(minute.user_id, minuteAverage(minute.minute, points));
    } catch (err) {
      logger.error('Could not recompute a user-minute', { minute, error: err as Error });
      for (const id of messageIds) failed.add(id);
    }
  });
  return [...failed];
};
