// Strict ISO 8601 durations of the forms the upstream uses: `P[nD][T[nH][nM][n[.f]S]]`, e.g. `PT45M`,
// `PT1H5M30S`, `P0DT0H5M0S`, `PT12.5S`. Years, months and weeks are refused: their length depends on the
// calendar, so they cannot be summed exactly. A fraction (`.` or `,`, up to 9 digits) is allowed on the
// seconds only, which keeps every value an exact whole number of nanoseconds.

/** A duration split into whole milliseconds and the nanoseconds below them, both exact integers. */
export interface Duration {
  ms: number;
  ns: number;
}

const MAX_DIGITS = 12;
const P = 0x50;
const T = 0x54;
const D = 0x44;
const H = 0x48;
const M = 0x4d;
const S = 0x53;
const DOT = 0x2e;
const COMMA = 0x2c;
const ZERO = 0x30;

// Ranks of the designators, in the only order ISO 8601 allows them.
const RANK_D = 1;
const RANK_H = 2;
const RANK_M = 3;
const RANK_S = 4;

/**
 * Reads the duration that starts at bytes[i] and returns the index of the first byte after it, or -1 when
 * what is there is not a duration. It stops at the first byte that cannot go on a duration (a closing
 * quote, say), so the statistics scanner finds the end and the value in one pass, without a string.
 * Integer arithmetic only: `ms` is exact up to Number.MAX_SAFE_INTEGER, `ns` (< 1e6) holds the rest.
 */
export const readDuration = (bytes: Uint8Array, i: number, end: number, out: Duration): number => {
  if (i >= end || bytes[i] !== P) return -1;
  i++;
  let ms = 0;
  let ns = 0;
  let rank = 0;
  let inTime = false;
  let components = 0;
  while (i < end) {
    let c = bytes[i]!;
    if (c === T) {
      if (inTime) return -1;
      inTime = true;
      i++;
      continue;
    }
    let value = c - ZERO;
    if (value < 0 || value > 9) break;
    const digits = i;
    while (++i < end) {
      const d = bytes[i]! - ZERO;
      if (d < 0 || d > 9) break;
      value = value * 10 + d;
    }
    if (i - digits > MAX_DIGITS || i >= end) return -1;
    c = bytes[i]!;
    if (c === DOT || c === COMMA) {
      // The fraction of the seconds, in nanoseconds: at most 9 digits, so it stays exact.
      const fraction = ++i;
      let fractionNs = 0;
      while (i < end) {
        const d = bytes[i]! - ZERO;
        if (d < 0 || d > 9) break;
        fractionNs = fractionNs * 10 + d;
        i++;
      }
      const n = i - fraction;
      if (n === 0 || n > 9 || i >= end || bytes[i] !== S || !inTime || rank >= RANK_S) return -1;
      fractionNs *= 10 ** (9 - n);
      ms += value * 1000 + Math.floor(fractionNs / 1_000_000);
      ns = fractionNs % 1_000_000;
      rank = RANK_S;
    } else if (c === S) {
      if (!inTime || rank >= RANK_S) return -1;
      ms += value * 1000;
      rank = RANK_S;
    } else if (c === M) {
      if (!inTime || rank >= RANK_M) return -1;
      ms += value * 60_000;
      rank = RANK_M;
    } else if (c === H) {
      if (!inTime || rank >= RANK_H) return -1;
      ms += value * 3_600_000;
      rank = RANK_H;
    } else if (c === D) {
      if (inTime || rank >= RANK_D) return -1;
      ms += value * 86_400_000;
      rank = RANK_D;
    } else return -1;
    components++;
    i++;
  }
  // A `T` needs a time component after it, and something must have been said at all.
  if (components === 0 || (inTime && rank < RANK_H) || ms > Number.MAX_SAFE_INTEGER) return -1;
  out.ms = ms;
  out.ns = ns;
  return i;
};

/** Parses bytes[start, end) as a duration into `out`; false when they are not one (or not all of them). */
const parseDurationBytes = (bytes: Uint8Array, start: number, end: number, out: Duration): boolean =>
  readDuration(bytes, start, end, out) === end;

/** The duration a string spells, or undefined when it is not a strict ISO 8601 duration. */
export const parseIsoDuration = (text: string): Duration | undefined => {
  const bytes = Buffer.from(text, 'latin1');
  if (bytes.length !== text.length || /[^\x20-\x7e]/.test(text)) return undefined;
  const out = { ms: 0, ns: 0 };
  return parseDurationBytes(bytes, 0, bytes.length, out) ? out : undefined;
};
