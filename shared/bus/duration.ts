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
const NINE = 0x39;

const UNIT_MS: Record<number, number> = { [D]: 86_400_000, [H]: 3_600_000, [M]: 60_000, [S]: 1000 };

/**
 * Parses bytes[start, end) as a duration into `out`; false when they are not one. Works on bytes so the
 * statistics scanner can call it without making a string per record.
 */
export const parseDurationBytes = (bytes: Uint8Array, start: number, end: number, out: Duration): boolean => {
  if (end - start < 3 || bytes[start] !== P) return false;
  let i = start + 1;
  let ms = 0;
  let ns = 0;
  let inTime = false;
  let lastRank = -1;
  let components = 0;
  while (i < end) {
    if (bytes[i] === T) {
      if (inTime || i + 1 === end) return false;
      inTime = true;
      i++;
      continue;
    }
    const digitsStart = i;
    let value = 0;
    while (i < end && bytes[i]! >= ZERO && bytes[i]! <= NINE) value = value * 10 + (bytes[i++]! - ZERO);
    if (i === digitsStart || i - digitsStart > MAX_DIGITS || i === end) return false;
    let fractionNs = -1;
    if (bytes[i] === DOT || bytes[i] === COMMA) {
      const fractionStart = ++i;
      let scale = 100_000_000;
      fractionNs = 0;
      while (i < end && bytes[i]! >= ZERO && bytes[i]! <= NINE) {
        if (scale < 1) return false;
        fractionNs += (bytes[i++]! - ZERO) * scale;
        scale /= 10;
      }
      if (i === fractionStart || i === end) return false;
    }
    const unit = bytes[i++]!;
    const rank = unit === D ? 0 : unit === H ? 1 : unit === M ? 2 : unit === S ? 3 : -1;
    if (rank < 0 || rank <= lastRank || (rank === 0) === inTime) return false;
    if (fractionNs >= 0 && (unit !== S || i !== end)) return false;
    lastRank = rank;
    components++;
    ms += value * UNIT_MS[unit]!;
    if (fractionNs > 0) {
      ms += Math.floor(fractionNs / 1_000_000);
      ns += fractionNs % 1_000_000;
    }
  }
  if (components === 0 || (inTime && lastRank < 1) || ms > Number.MAX_SAFE_INTEGER) return false;
  out.ms = ms;
  out.ns = ns;
  return true;
};

/** The duration a string spells, or undefined when it is not a strict ISO 8601 duration. */
export const parseIsoDuration = (text: string): Duration | undefined => {
  const bytes = Buffer.from(text, 'latin1');
  if (bytes.length !== text.length || /[^\x20-\x7e]/.test(text)) return undefined;
  const out = { ms: 0, ns: 0 };
  return parseDurationBytes(bytes, 0, bytes.length, out) ? out : undefined;
};
