import { DateTime } from 'luxon';
import { parseIsoInstant, type UserMinute } from './schemas.ts';

const MINUTE_MS = 60_000;

const minuteKey = (epochMs: number) =>
  DateTime.fromMillis(epochMs, { zone: 'utc' }).toFormat("yyyy-MM-dd'T'HH:mm:00'Z'");

/**
 * The minute keys selected by `from` (inclusive) and `to` (exclusive), compared with each minute's
 * start: minutes ≥ ceil(from) and < ceil(to). `empty` when the range selects nothing.
 */
export const minuteRange = (from?: string, to?: string) => {
  const ceil = (iso: string) => Math.ceil(parseIsoInstant(iso).toMillis() / MINUTE_MS) * MINUTE_MS;
  const first = from === undefined ? undefined : ceil(from);
  const end = to === undefined ? undefined : ceil(to);
  return {
    first: first === undefined ? undefined : minuteKey(first),
    last: end === undefined ? undefined : minuteKey(end - MINUTE_MS),
    empty: first !== undefined && end !== undefined && first >= end,
  };
};

/** Identifies a user-minute, for grouping. */
export const minuteId = (m: UserMinute) => `${m.user_id}\n${m.minute}`;
