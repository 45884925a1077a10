import * as json from '../core/json-bytes.ts';
import type { DepartureTotals } from './departures.ts';
import { type Duration, parseIsoDuration, readDuration } from './duration.ts';

// Local copies: V8 reads an imported binding through its module cell at each use, in the loops too.
const {
  BACKSLASH,
  bytesOf,
  CLOSE_ARRAY,
  CLOSE_OBJECT,
  COLON,
  COMMA,
  FALSE,
  Fault,
  isDigit,
  literalEnd,
  literalStartingWith,
  MINUS,
  newScan,
  numberEnd,
  OPEN_ARRAY,
  OPEN_OBJECT,
  QUOTE,
  skipWhitespace,
  stringEnd,
  TRUE,
  ZERO,
} = json;

// The scanner's general path: one departure in any valid JSON spelling — keys in any order, whitespace,
// escapes, unknown keys with values of any kind (skipped), numbers like 5.7e1 — read from the bytes
// without building objects, so that it gives the totals JSON.parse would. Its strings, numbers and
// literals are json-bytes' own checks: private copies measured ~5% fewer instructions, no faster in time.

/** What a read returns when the record goes on past the end of the buffer. */
export const NEED_MORE = -1;

/** The fields the statistics read (an index into `problems`); any other key is skipped. */
const Key = { Other: 0, Passengers: 1, Delay: 2, Accident: 3 } as const;
type Key = (typeof Key)[keyof typeof Key];
const KEYS = [
  { key: Key.Passengers, name: bytesOf('passengers') },
  { key: Key.Delay, name: bytesOf('delay') },
  { key: Key.Accident, name: bytesOf('accident') },
];

/** The value of the JSON number buf[p, next): plain digits directly, any other form as JavaScript reads it. */
const numberAt = (buf: Uint8Array, p: number, next: number): number => {
  let value = 0;
  for (let i = p; i < next; i++) {
    const d = buf[i]! - ZERO;
    if (d < 0 || d > 9 || next - p > 15) {
      return Number(Buffer.from(buf.buffer, buf.byteOffset + p, next - p).toString('latin1'));
    }
    value = value * 10 + d;
  }
  return value;
};

interface Problem {
  message: string;
  at: number;
}

export class GeneralRecord {
  /** The departure the last `read` took (one, with its values). */
  readonly record: DepartureTotals = {
    departures: 1,
    passengers: 0,
    accident: false,
    delayMs: 0,
    delayNs: 0,
  };
  private readonly fail: (message: string, at: number) => never;
  private readonly scan = newScan();
  private readonly duration: Duration = { ms: 0, ns: 0 };
  // The record being read.
  private passengers = -1;
  private accident: boolean | undefined;
  private hasDelay = false;
  private delayMs = 0;
  private delayNs = 0;
  /** The field the last key read names. */
  private key: Key = Key.Other;
  /** Wrong values of the record being read, by field, until a valid one follows. */
  private readonly problems: (Problem | undefined)[] = [undefined, undefined, undefined, undefined];
  /** The closing brackets of the containers a skipped value is inside. */
  private readonly closers: number[] = [];

  /** `fail` throws for an error at buf[at], with the offset in the file. */
  constructor(fail: (message: string, at: number) => never) {
    this.fail = fail;
  }

  /** Reads the departure object at the `{` at `start` into `record`; returns the index after it, or NEED_MORE. */
  read(buf: Uint8Array, start: number, end: number): number {
    this.passengers = -1;
    this.accident = undefined;
    this.hasDelay = false;
    this.problems.fill(undefined);
    let p = skipWhitespace(buf, start + 1, end);
    if (p >= end) return NEED_MORE;
    if (buf[p] !== CLOSE_OBJECT) {
      for (;;) {
        p = this.readKey(buf, p, end);
        if (p === NEED_MORE) return NEED_MORE;
        p = this.readField(this.key, buf, p, end);
        if (p === NEED_MORE) return NEED_MORE;
        p = skipWhitespace(buf, p, end);
        if (p >= end) return NEED_MORE;
        if (buf[p] === CLOSE_OBJECT) break;
        if (buf[p] !== COMMA) this.fail('expected , or }', p);
        p = skipWhitespace(buf, p + 1, end);
        if (p >= end) return NEED_MORE;
      }
    }
    let problem: Problem | undefined;
    for (const candidate of this.problems)
      if (candidate && (!problem || candidate.at < problem.at)) problem = candidate;
    if (problem) this.fail(problem.message, problem.at);
    if (this.passengers < 0 || this.accident === undefined || !this.hasDelay) {
      this.fail('a departure needs passengers, delay and accident', start);
    }
    const record = this.record;
    record.passengers = this.passengers;
    record.delayMs = this.delayMs;
    record.delayNs = this.delayNs;
    record.accident = this.accident;
    return p + 1;
  }

  /**
   * Reads a field's value. Like JSON.parse, the last of duplicate keys wins: a wrong value is noted
   * against its key and fails the record only if no valid one for that key follows.
   */
  private readField(key: Key, buf: Uint8Array, p: number, end: number): number {
    if (key === Key.Passengers) {
      const next = this.numberEnd(buf, p, end);
      if (next === NEED_MORE) return NEED_MORE;
      if (next === p) return this.wrongValue(key, 'passengers must be a number', buf, p, end);
      const value = numberAt(buf, p, next);
      if (!Number.isSafeInteger(value) || value < 0) {
        this.problems[key] = { message: 'passengers must be a whole number ≥ 0', at: p };
      } else {
        this.passengers = value;
        this.problems[key] = undefined;
      }
      return next;
    }
    if (key === Key.Delay) {
      if (buf[p] !== QUOTE) return this.wrongValue(key, 'delay must be a string', buf, p, end);
      const next = this.stringEnd(buf, p, end);
      if (next === NEED_MORE) return NEED_MORE;
      const escaped = this.scan.escaped;
      const plain = !escaped && readDuration(buf, p + 1, next - 1, this.duration) === next - 1;
      const delay = plain
        ? this.duration
        : escaped
          ? parseIsoDuration(this.stringAt(buf, p, next))
          : undefined;
      if (!delay) {
        const message = `delay ${JSON.stringify(this.stringAt(buf, p, next))} is not an ISO 8601 duration`;
        this.problems[key] = { message, at: p };
      } else {
        this.hasDelay = true;
        this.delayMs = delay.ms;
        this.delayNs = delay.ns;
        this.problems[key] = undefined;
      }
      return next;
    }
    if (key === Key.Accident) {
      const word = literalStartingWith(buf[p]);
      if (word === TRUE || word === FALSE) {
        const next = literalEnd(buf, p, end, word, this.scan);
        if (next >= 0) {
          this.accident = word === TRUE;
          this.problems[key] = undefined;
          return next;
        }
        if (this.scan.at >= end) return NEED_MORE;
      }
      return this.wrongValue(key, 'accident must be true or false', buf, p, end);
    }
    return this.skipValue(buf, p, end);
  }

  private wrongValue(key: Key, message: string, buf: Uint8Array, p: number, end: number): number {
    const next = this.skipValue(buf, p, end);
    if (next !== NEED_MORE) this.problems[key] = { message, at: p };
    return next;
  }

  /**
   * Reads a key and its colon from the quote at `p` into `key` (which field it names, if any); returns
   * the index of the value, or NEED_MORE.
   */
  private readKey(buf: Uint8Array, p: number, end: number): number {
    if (buf[p] !== QUOTE) this.fail('expected a key', p);
    const next = this.stringEnd(buf, p, end);
    if (next === NEED_MORE) return NEED_MORE;
    if (this.scan.escaped) {
      const decoded = Buffer.from(this.stringAt(buf, p, next));
      this.key = this.keyOf(decoded, 0, decoded.length);
    } else this.key = this.keyOf(buf, p + 1, next - 1);
    p = skipWhitespace(buf, next, end);
    if (p >= end) return NEED_MORE;
    if (buf[p] !== COLON) this.fail('expected :', p);
    p = skipWhitespace(buf, p + 1, end);
    return p >= end ? NEED_MORE : p;
  }

  /** The field named by the bytes buf[from, to). */
  private keyOf(buf: Uint8Array, from: number, to: number): Key {
    for (const { key, name } of KEYS) {
      if (name.length === to - from && literalEnd(buf, from, to, name, this.scan) === to) return key;
    }
    return Key.Other;
  }

  /** The text of the string literal buf[p, next), once stringEnd has checked it. */
  private stringAt(buf: Uint8Array, p: number, next: number): string {
    const raw = Buffer.from(buf.buffer, buf.byteOffset + p, next - p);
    return this.scan.escaped
      ? (JSON.parse(raw.toString('utf8')) as string)
      : raw.toString('utf8', 1, next - p - 1);
  }

  /** The index after the string at the quote at `p` (`scan.escaped`: whether it had escapes), or NEED_MORE. */
  private stringEnd(buf: Uint8Array, p: number, end: number): number {
    const next = stringEnd(buf, p, end, this.scan);
    if (next >= 0) return next;
    const at = this.scan.at;
    if (at >= end) return NEED_MORE;
    if (next === Fault.Control) this.fail('control character in a string', at);
    // Named by its backslash, a few bytes before the byte that broke it.
    this.fail('invalid escape in a string', buf.lastIndexOf(BACKSLASH, at - 1));
  }

  /** The index after the number at `p`: `p` itself if there is none, NEED_MORE if it may go on in the next chunk. */
  private numberEnd(buf: Uint8Array, p: number, end: number): number {
    const next = numberEnd(buf, p, end, this.scan);
    if (next < 0) return this.scan.at >= end ? NEED_MORE : p;
    return next >= end ? NEED_MORE : next;
  }

  /**
   * Skips the JSON value at `p`, checking it; returns the index after it, or NEED_MORE. Any depth, so
   * MAX_JSON_DEPTH does not apply: it keeps a stack of closers instead of recursing, and only totals
   * are kept of what it skips.
   */
  private skipValue(buf: Uint8Array, p: number, end: number): number {
    const closers = this.closers;
    closers.length = 0;
    for (;;) {
      const b = buf[p]!;
      if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
        const close = b === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY;
        p = skipWhitespace(buf, p + 1, end);
        if (p >= end) return NEED_MORE;
        if (buf[p] !== close) {
          closers.push(close);
          if (close === CLOSE_OBJECT) p = this.readKey(buf, p, end);
          if (p === NEED_MORE) return NEED_MORE;
          continue;
        }
        p++;
      } else {
        p = this.skipScalar(buf, p, end);
        if (p === NEED_MORE) return NEED_MORE;
      }
      // After a value: close every container that ends here, then go on to the next member.
      for (;;) {
        const close = closers.at(-1);
        if (close === undefined) return p;
        p = skipWhitespace(buf, p, end);
        if (p >= end) return NEED_MORE;
        if (buf[p] === close) {
          closers.pop();
          p++;
          continue;
        }
        if (buf[p] !== COMMA) this.fail('expected , or a closing bracket', p);
        p = skipWhitespace(buf, p + 1, end);
        if (p >= end) return NEED_MORE;
        if (close === CLOSE_OBJECT) p = this.readKey(buf, p, end);
        if (p === NEED_MORE) return NEED_MORE;
        break;
      }
    }
  }

  private skipScalar(buf: Uint8Array, p: number, end: number): number {
    const b = buf[p]!;
    if (b === QUOTE) return this.stringEnd(buf, p, end);
    if (b === MINUS || isDigit(b)) {
      const next = this.numberEnd(buf, p, end);
      if (next === p) this.fail('invalid number', p);
      return next;
    }
    const word = literalStartingWith(b);
    if (!word) this.fail('expected a value', p);
    const next = literalEnd(buf, p, end, word, this.scan);
    if (next >= 0) return next;
    if (this.scan.at >= end) return NEED_MORE;
    this.fail('invalid literal', p);
  }
}
