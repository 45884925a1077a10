import { mapBounded } from '../../core/concurrency.ts';
import { logger } from '../../core/observability.ts';
import type { Delivery } from '../../core/sqs.ts';
import { minuteAverage } from '../averages.ts';
import { minuteId } from '../minutes.ts';
import { minutePoints, saveAverage } from '../repository.ts';
import type { UserMinute, UserMinutesMessage } from '../schemas.ts';

// The averaging consumer's logic, apart from ingest so its bundle does not carry the zone lookup.
const RECOMPUTE_CONCURRENCY = 4;

type MinutesRecord = Pick<Delivery<UserMinutesMessage>, 'messageId' | 'body' | 'attributes'>;

/** The user-minutes a batch names, each once with the messages that named it and when the last was sent. */
const coalesceMinutes = (records: MinutesRecord[]) => {
  const groups = new Map<string, { minute: UserMinute; messageIds: string[]; lastSentMs: number }>();
  for (const record of records) {
    const sentMs = Number(record.attributes?.SentTimestamp) || Number.POSITIVE_INFINITY;
    for (const minute of record.body.minutes) {
      const group = groups.get(minuteId(minute));
      if (group) {
        group.messageIds.push(record.messageId);
        group.lastSentMs = Math.max(group.lastSentMs, sentMs);
      } else groups.set(minuteId(minute), { minute, messageIds: [record.messageId], lastSentMs: sentMs });
    }
  }
  return [...groups.values()];
};

// A point is stored before its message is sent, so a recompute whose consistent read started after the
// message was sent has already counted it: when a backlog holds many messages for one minute, the minute
// is recomputed once, not once per message. The margin covers clock skew between SQS and this host.
const CLOCK_SKEW_MARGIN_MS = 1000;
const recomputedAt = new Map<string, number>();

const alreadyCovered = (id: string, lastSentMs: number) =>
  (recomputedAt.get(id) ?? Number.NEGATIVE_INFINITY) > lastSentMs + CLOCK_SKEW_MARGIN_MS;

const recomputeMinute = async (minute: UserMinute) => {
  const startedMs = Date.now();
  const points = await minutePoints(minute);
  if (points.length > 0) await saveAverage(minute.user_id, minuteAverage(minute.minute, points));
  if (recomputedAt.size >= 100_000) recomputedAt.clear();
  const id = minuteId(minute);
  recomputedAt.set(id, Math.max(startedMs, recomputedAt.get(id) ?? startedMs));
};

/**
 * Recomputes each user-minute of a batch from its stored points. A message fails (and comes back) when
 * any minute it names failed; recomputing its other minutes again is harmless.
 */
export const recomputeMinutes = async (records: MinutesRecord[]): Promise<string[]> => {
  const failed = new Set<string>();
  const due = coalesceMinutes(records).filter((g) => !alreadyCovered(minuteId(g.minute), g.lastSentMs));
  await mapBounded(due, RECOMPUTE_CONCURRENCY, async ({ minute, messageIds }) => {
    try {
      await recomputeMinute(minute);
    } catch (err) {
      logger.error('Could not recompute a user-minute', { minute, error: err as Error });
      for (const id of messageIds) failed.add(id);
    }
  });
  return [...failed];
};
