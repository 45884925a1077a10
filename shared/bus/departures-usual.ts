import * as json from '../core/json-bytes.ts';
import type { DepartureTotals } from './departures.ts';
import { type Duration, readDuration } from './duration.ts';

// Local copies: V8 reads an imported binding through its module cell at each use (~6% of this loop).
const { BACKSLASH, bytesOf, CLOSE_OBJECT, COMMA, FIRST_PRINTABLE, OPEN_OBJECT, QUOTE, SPACE, ZERO } = json;

// The scanner's fast path: records in the upstream's own layout (its key order and spacing), matched
// as little-endian 8- and 4-byte words read through a DataView, record after record in one loop. A
// float64 comparison is a bitwise one here: ASCII text is never NaN, zero or subnormal as a double,
// and two doubles that are none of these are equal only when their bits are.

const word64 = (text: string) => new DataView(bytesOf(text).buffer).getFloat64(0, true);
const word32 = (text: string) => new DataView(bytesOf(text).buffer).getInt32(0, true);
const TIME_KEY_0 = word64('{"depart');
const TIME_KEY_1 = word64('ure-time');
const TIME_KEY_2 = word32('": "');
const BUS_KEY_0 = word64('", "bus-');
const BUS_KEY_1 = word64('type": "');
// Read from the byte after the quote that ended the bus type.
const PASSENGERS_KEY_0 = word64(', "passe');
const PASSENGERS_KEY_1 = word64('ngers": ');
const DELAY_KEY_0 = word64(', "delay');
const DELAY_KEY_1 = word32('": "');
const ACCIDENT_KEY_0 = word64('", "acci');
const ACCIDENT_KEY_1 = word64('ident": '); // overlaps the word before by one byte
const TRUE_CLOSE = word32('true');
const FALSE_OPEN = word32('fals');
const FALSE_CLOSE = word32('lse}'); // overlaps 'fals' by two bytes

/**
 * Bytes a usual record may take from its `{`: every word read for it lies inside, so a record is only
 * tried this far from the end of a buffer (nearer, it waits for the next chunk). A usual one is ~125.
 */
export const WINDOW = 256;
/** The last byte a variable part of a usual record may reach, counted from its `{`. */
const WINDOW_VARIABLE = WINDOW - 32;

export class UsualRecords {
  /** The sums of the records the last `read` took (none: it returned where it started). */
  readonly run: DepartureTotals = { departures: 0, passengers: 0, accident: false, delayMs: 0, delayNs: 0 };
  private readonly duration: Duration = { ms: 0, ns: 0 };

  /**
   * Reads the records in the usual layout from the `{` at `p` on, each separated by `, `, and stops
   * before the first one that is not (or that starts within WINDOW of the end). Returns the index after
   * the last record read: `p` itself when there was none. The sums live in locals until then.
   */
  read(buf: Uint8Array, view: DataView, p: number, end: number): number {
    const duration = this.duration;
    let departures = 0;
    let passengers = 0;
    let delayMs = 0;
    let delayNs = 0;
    let accident = false;
    let done = p;
    for (let q = p; q + WINDOW <= end; q = done + 2) {
      if (
        view.getFloat64(q, true) !== TIME_KEY_0 ||
        view.getFloat64(q + 8, true) !== TIME_KEY_1 ||
        view.getInt32(q + 16, true) !== TIME_KEY_2
      )
        break;
      const limit = q + WINDOW_VARIABLE;
      let r = plainStringEnd(buf, view, q + 20, limit);
      if (r < 0 || view.getFloat64(r, true) !== BUS_KEY_0 || view.getFloat64(r + 8, true) !== BUS_KEY_1)
        break;
      r = plainStringEnd(buf, view, r + 16, limit);
      if (
        r < 0 ||
        view.getFloat64(r + 1, true) !== PASSENGERS_KEY_0 ||
        view.getFloat64(r + 9, true) !== PASSENGERS_KEY_1
      )
        break;
      r += 17;
      const digits = r;
      let count = 0;
      for (; r < limit; r++) {
        const d = buf[r]! - ZERO;
        if (d < 0 || d > 9) break;
        count = count * 10 + d;
      }
      // JSON has no leading zeros; longer counts than 15 digits may not be exact.
      if (r === digits || r - digits > 15 || (buf[digits] === ZERO && r - digits > 1) || r >= limit) break;
      if (view.getFloat64(r, true) !== DELAY_KEY_0 || view.getInt32(r + 8, true) !== DELAY_KEY_1) break;
      r = readDuration(buf, r + 12, limit, duration);
      if (
        r < 0 ||
        buf[r] !== QUOTE ||
        view.getFloat64(r, true) !== ACCIDENT_KEY_0 ||
        view.getFloat64(r + 7, true) !== ACCIDENT_KEY_1
      )
        break;
      const flag = view.getInt32(r + 15, true);
      if (flag === TRUE_CLOSE && buf[r + 19] === CLOSE_OBJECT) {
        accident = true;
        r += 20;
      } else if (flag === FALSE_OPEN && view.getInt32(r + 17, true) === FALSE_CLOSE) r += 21;
      else break;
      departures++;
      passengers += count;
      delayMs += duration.ms;
      if (duration.ns !== 0) {
        delayNs += duration.ns;
        if (delayNs >= 1_000_000) {
          delayMs += Math.floor(delayNs / 1_000_000);
          delayNs %= 1_000_000;
        }
      }
      done = r;
      if (buf[r] !== COMMA || buf[r + 1] !== SPACE || buf[r + 2] !== OPEN_OBJECT) break;
    }
    const run = this.run;
    run.departures = departures;
    run.passengers = passengers;
    run.delayMs = delayMs;
    run.delayNs = delayNs;
    run.accident = accident;
    return done;
  }
}

/**
 * The index of the quote that closes a string starting at `p` with no escapes and no control bytes, or
 * -1 (also when it does not close before `limit`, which must leave 4 bytes of buf after it). Four bytes
 * at a time: a word goes on while none of its bytes is below FIRST_PRINTABLE, a quote or a backslash
 * (exact byte-wise tests on the whole word; see "Bit Twiddling Hacks", "determine if a word has a byte
 * less than n"). Not json-bytes' stringEnd: that one reads a byte at a time, and this is the hot loop.
 */
const plainStringEnd = (buf: Uint8Array, view: DataView, p: number, limit: number): number => {
  for (; p < limit; p += 4) {
    const x = view.getInt32(p, true);
    // QUOTE, BACKSLASH and FIRST_PRINTABLE in every byte, as literals: named constants cost ~4% here.
    const quote = x ^ 0x22222222;
    const backslash = x ^ 0x5c5c5c5c;
    const special =
      ((x - 0x20202020) & ~x) | ((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash);
    if ((special & 0x80808080) !== 0) break;
  }
  if (p >= limit) return -1;
  for (; ; p++) {
    const b = buf[p]!;
    if (b === QUOTE) return p;
    if (b === BACKSLASH || b < FIRST_PRINTABLE) return -1;
  }
};
