import { validationError } from '../core/errors.ts';
// Event times keep microseconds, which a JS Date cannot hold: a timestamp is parsed into its UTC
// wall-clock parts and carried as strings. `key` is fixed-width (always six fractional digits), so
// string order is time order in DynamoDB sort keys; `iso` keeps the fractional digits that were sent.

export interface EventTime {
  /** ISO 8601 UTC with `Z`, with exactly the fractional digits that were sent. */
  iso: string;
  /** `YYYY-MM-DDTHH:MM:SS.ffffff`, UTC: sorts like the instant it names. */
  key: string;
}

const PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const offsetMinutes = (zone: string | undefined): number | undefined => {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
};

/**
 * `YYYY-MM-DD HH:MM:SS[.ffffff]` (no zone: UTC) or ISO 8601 with `Z`/offset; undefined when the text
 * is not one, or names no real instant (Feb 30, 24:00, an hour offset beyond ±23:59).
 */
export const parseEventTime = (text: string): EventTime | undefined => {
  const m = PATTERN.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fraction = m[7] ?? '';
  const offset = offsetMinutes(m[8]);
  if (offset === undefined || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const local = new Date(0);
  local.setUTCFullYear(year, month - 1, day);
  if (local.getUTCMonth() !== month - 1 || local.getUTCDate() !== day) return undefined;
  local.setUTCHours(hour, minute - offset, second, 0);
  const utcYear = local.getUTCFullYear();
  if (utcYear < 0 || utcYear > 9999) return undefined;
  const wall =
    `${pad(utcYear, 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  return {
    iso: `${wall}${fraction ? `.${fraction}` : ''}Z`,
    key: `${wall}.${fraction.padEnd(6, '0')}`,
  };
};

/** The sort key of a server-made time (a JS Date, milliseconds). */
export const instantKey = (date: Date): string => `${date.toISOString().slice(0, 23)}000`;

/** More than `toleranceMs` after the moment the event was received. */
export const isFuture = (time: EventTime, receivedAt: Date, toleranceMs = 60_000): boolean =>
  time.key > instantKey(new Date(receivedAt.getTime() + toleranceMs));

/** The UTC days `YYYY-MM-DD` from the day of the time key `fromKey` to that of `toKey`, both included. */
export const utcDays = (fromKey: string, toKey: string): string[] => {
  const day = new Date(0);
  day.setUTCFullYear(
    Number(fromKey.slice(0, 4)),
    Number(fromKey.slice(5, 7)) - 1,
    Number(fromKey.slice(8, 10)),
  );
  const last = toKey.slice(0, 10);
  const days: string[] = [];
  if (fromKey.slice(0, 10) > last) return days;
  // Stops on equality, not order: the day after 9999-12-31 has a five-digit year that sorts before it.
  for (;;) {
    const text = `${pad(day.getUTCFullYear(), 4)}-${pad(day.getUTCMonth() + 1)}-${pad(day.getUTCDate())}`;
    days.push(text);
    if (text === last) return days;
    day.setUTCDate(day.getUTCDate() + 1);
  }
};

/** The sort key of a query's `from`/`to` time, or a 400 naming the parameter when it is no time. */
export const timeKey = (param: 'from' | 'to', value: string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  const time = parseEventTime(value);
  if (!time) throw validationError(`Invalid ${param}`, [{ path: param, message: 'not an ISO 8601 time' }]);
  return time.key;
};
