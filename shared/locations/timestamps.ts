import { find } from 'geo-tz';
import { DateTime, IANAZone } from 'luxon';

// A datapoint's timestamp is either the device's local wall-clock time (no zone: the IANA zone at the
// point decides) or an instant with `Z`/an offset. Luxon converts at millisecond precision, so the
// fraction (up to µs) is carried as the digits that were sent and appended to the converted seconds.
//
// DST rules (Luxon is not consistent about ambiguous times across zones, so they are decided here):
// - a wall time that does not exist (spring-forward gap) is read with the offset in force before the
//   gap, i.e. shifted forward by the gap's length: New York 2021-03-14 02:30 → 03:30 EDT (07:30Z);
// - a wall time that exists twice (fall-back) is the earlier instant, the one with the offset in force
//   before the change: New York 2021-11-07 01:30 → 01:30 EDT (05:30Z).

const TIMESTAMP_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const MAX_OFFSET_MINUTES = 18 * 60;

interface UtcTimestamp {
  /** ISO 8601 UTC with the fraction digits that were sent. */
  utc: string;
  /** The instant at µs precision, fixed width: equal instants give equal keys (`.5` = `.500000`). */
  instant: string;
  /** Start of the UTC minute, `YYYY-MM-DDTHH:MM:00Z`. */
  minute: string;
  epochMs: number;
  /** The zone the wall time was read in: an IANA name, or `UTC`/`+HH:MM` for explicit designators. */
  zone: string;
}

type TimestampResult = { ok: true; value: UtcTimestamp } | { ok: false; message: string };

/** The Etc zone of the nautical time zone at a longitude (Etc names have the sign reversed). */
export const nauticalZone = (long: number): string => {
  const hours = Math.round(long / 15);
  if (hours === 0) return 'Etc/GMT';
  return `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}`;
};

/**
 * The IANA zone at a point. geo-tz answers Etc/GMT±N at sea; on a border (or a pole) it answers several
 * zones: the nautical zone of the longitude wins when it is among them (poles, sea borders), else the
 * first zone geo-tz lists, so the choice is deterministic.
 */
export const timeZoneAt = (lat: number, long: number): string => {
  const zones = find(lat, long);
  const nautical = nauticalZone(long);
  if (zones.length === 0 || zones.includes(nautical)) return nautical;
  return zones[0]!;
};

/** The UTC instant (ms) of a wall time given as if it were UTC, in an IANA zone; see the DST rules above. */
export const wallTimeToInstant = (wallMs: number, zone: IANAZone): number => {
  const offsets = new Set([zone.offset(wallMs - DAY_MS), zone.offset(wallMs), zone.offset(wallMs + DAY_MS)]);
  const instants = [...offsets]
    .map((offset) => wallMs - offset * MINUTE_MS)
    .filter((instant) => zone.offset(instant) * MINUTE_MS === wallMs - instant);
  if (instants.length > 0) return Math.min(...instants);
  return wallMs - zone.offset(wallMs - DAY_MS) * MINUTE_MS;
};

const parseOffsetMinutes = (designator: string): number | undefined => {
  if (designator === 'Z' || designator === 'z') return 0;
  const sign = designator.startsWith('-') ? -1 : 1;
  const digits = designator.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (minutes >= 60) return undefined;
  const total = hours * 60 + minutes;
  return total > MAX_OFFSET_MINUTES ? undefined : sign * total;
};

const offsetName = (minutes: number) => {
  if (minutes === 0) return 'UTC';
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
};

/** Converts a datapoint timestamp to UTC, reading a zone-less wall time in the zone at (lat, long). */
export const toUtc = (timestamp: string, lat: number, long: number): TimestampResult => {
  const m = TIMESTAMP_PATTERN.exec(timestamp);
  if (!m) {
    return {
      ok: false,
      message: 'expected YYYY-MM-DD HH:MM:SS[.ffffff] (local time) or ISO 8601 with Z or an offset',
    };
  }
  const [, year, month, day, hour, minute, second, fraction = '', designator] = m;
  const wall = DateTime.fromObject(
    {
      year: Number(year),
      month: Number(month),
      day: Number(day),
      hour: Number(hour),
      minute: Number(minute),
      second: Number(second),
    },
    { zone: 'utc' },
  );
  // Luxon reads 24:00:00 as the next midnight; a device clock never shows it, so it is refused.
  if (!wall.isValid || wall.hour !== Number(hour))
    return { ok: false, message: 'not a real calendar date and time' };

  let epochSecondsMs: number;
  let zone: string;
  if (designator) {
    const offset = parseOffsetMinutes(designator);
    if (offset === undefined)
      return { ok: false, message: 'the UTC offset is out of range (at most ±18:00)' };
    epochSecondsMs = wall.toMillis() - offset * MINUTE_MS;
    zone = offsetName(offset);
  } else {
    zone = timeZoneAt(lat, long);
    epochSecondsMs = wallTimeToInstant(wall.toMillis(), IANAZone.create(zone));
  }

  const utcSeconds = DateTime.fromMillis(epochSecondsMs, { zone: 'utc' });
  if (utcSeconds.year < 1 || utcSeconds.year > 9999) return { ok: false, message: 'out of range' };
  const base = utcSeconds.toFormat("yyyy-MM-dd'T'HH:mm:ss");
  return {
    ok: true,
    value: {
      utc: `${base}${fraction ? `.${fraction}` : ''}Z`,
      instant: `${base}.${fraction.padEnd(6, '0')}Z`,
      minute: `${base.slice(0, 16)}:00Z`,
      epochMs: epochSecondsMs + Number(fraction.padEnd(6, '0')) / 1000,
      zone,
    },
  };
};
