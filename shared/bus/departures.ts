import { type Duration, parseIsoDuration, readDuration } from './duration.ts';

// A streaming scanner for a city-day file: a JSON array of departures, fed chunk by chunk, that keeps
// only the running totals the statistics need. The usual layout (the upstream's key order and spacing)
// is matched eight bytes at a time, in a loop that reads record after record without leaving; anything
// else — other key order, whitespace, escapes, extra keys, numbers like 5.7e1 — goes through a general
// JSON reader, so every valid spelling gives the same totals. Only the unfinished record at the end of
// a chunk is carried over, never the file.

export interface DepartureTotals {
  departures: number;
  passengers: number;
  accident: boolean;
  /** The summed delay: whole milliseconds plus the nanoseconds below them, both exact integers. */
  delayMs: number;
  delayNs: number;
}

export class InvalidDepartures extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} at byte ${offset}`);
    this.name = 'InvalidDepartures';
    this.offset = offset;
  }
}

const NEED_MORE = -1;
/** The first slice of a chunk joined to the carried bytes: more than a usual record. */
const JOIN_BYTES = 512;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const SPACE = 0x20;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

const isSpace = (b: number | undefined) => b === SPACE || b === 0x0a || b === 0x0d || b === 0x09;
const isDigit = (b: number | undefined) => b !== undefined && b >= ZERO && b <= NINE;
const bytesOf = (text: string) => Uint8Array.from(Buffer.from(text, 'latin1'));

const TRUE = bytesOf('true');
const FALSE = bytesOf('false');
const NULL = bytesOf('null');
/** What may follow a backslash in a JSON string besides `u` and four hex digits. */
const SIMPLE_ESCAPES = bytesOf('"\\/bfnrt');

// The usual layout, compared as little-endian 8- and 4-byte words read through a DataView. A float64
// comparison is a bitwise one here: ASCII text is never NaN, zero or subnormal as a double, and two
// doubles that are none of these are equal only when their bits are.
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
const WINDOW = 256;
/** The last byte a variable part of a usual record may reach, counted from its `{`. */
const WINDOW_VARIABLE = WINDOW - 32;

/** The fields the statistics read (an index into `problems`); any other key is skipped. */
const Key = { Other: 0, Passengers: 1, Delay: 2, Accident: 3 } as const;
type Key = (typeof Key)[keyof typeof Key];
const KEYS = [
  { key: Key.Passengers, name: bytesOf('passengers') },
  { key: Key.Delay, name: bytesOf('delay') },
  { key: Key.Accident, name: bytesOf('accident') },
];

/** The field named by the bytes buf[from, to) (to = -1: up to the end). */
const keyOf = (buf: Uint8Array, from: number, to: number): Key => {
  const length = (to < 0 ? buf.length : to) - from;
  for (const { key, name } of KEYS) if (name.length === length && matches(buf, from, name)) return key;
  return Key.Other;
};

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

type State = 'start' | 'first' | 'next' | 'after' | 'done';

export class DepartureScanner {
  private state: State = 'start';
  private carry: Uint8Array | undefined;
  /** The offset in the file of the buffer being read (for error offsets). */
  private base = 0;
  private readonly duration: Duration = { ms: 0, ns: 0 };
  // The record being read by the general path.
  private passengers = -1;
  private accident: boolean | undefined;
  private hasDelay = false;
  private recordDelayMs = 0;
  private recordDelayNs = 0;
  /** The field the last key read names, and whether the last string read had escapes. */
  private key: Key = Key.Other;
  private escaped = false;
  /** Wrong values of the record being read by the general path, by field, until a valid one follows. */
  private readonly problems: (Problem | undefined)[] = [undefined, undefined, undefined, undefined];
  /** The closing brackets of the containers a skipped value is inside. */
  private readonly closers: number[] = [];

  readonly totals: DepartureTotals = {
    departures: 0,
    passengers: 0,
    accident: false,
    delayMs: 0,
    delayNs: 0,
  };

  push(chunk: Uint8Array): void {
    let from = 0;
    if (this.carry) {
      // Only the record cut by the previous chunk boundary is copied: the carry joined with as much of
      // this chunk as it takes to finish it. The rest of the chunk is read in place.
      let carry = this.carry;
      this.carry = undefined;
      for (let take = Math.min(chunk.length, JOIN_BYTES); ; take = Math.min(chunk.length, take * 8)) {
        const joined = Buffer.concat([carry, chunk.subarray(0, take)]);
        const stop = this.scan(joined, 0, false);
        if (stop >= carry.length) {
          from = stop - carry.length;
          this.base += carry.length;
          break;
        }
        this.base += stop;
        if (take === chunk.length) {
          this.carry = joined.subarray(stop);
          return;
        }
        carry = joined.subarray(stop, carry.length);
      }
    }
    const stop = this.scan(chunk, from, false);
    // A copy: the caller may reuse its buffer, and the carry is usually a fraction of a record.
    if (stop < chunk.length) this.carry = Buffer.from(chunk.subarray(stop));
    this.base += stop;
  }

  /**
   * Reads buf from `p` as far as it can; returns where it stopped (buf[0] is at byte `base`). Unless
   * `last` (no more data will come), a record is not started nearer the end than WINDOW: it is carried
   * into the next chunk, where the usual path can read it.
   */
  private scan(buf: Uint8Array, p: number, last: boolean): number {
    const end = buf.length;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    while (p < end) {
      const b = buf[p]!;
      if (isSpace(b)) {
        p++;
        continue;
      }
      if (this.state === 'start') {
        if (b !== OPEN_BRACKET) this.fail('expected [', p);
        this.state = 'first';
        p++;
      } else if (this.state === 'after') {
        if (b === COMMA) this.state = 'next';
        else if (b === CLOSE_BRACKET) this.state = 'done';
        else this.fail('expected , or ]', p);
        p++;
      } else if (this.state === 'done') {
        this.fail('unexpected data after the array', p);
      } else if (b === CLOSE_BRACKET && this.state === 'first') {
        this.state = 'done';
        p++;
      } else {
        if (b !== OPEN_BRACE) this.fail('expected a departure object', p);
        const roomy = p + WINDOW <= end;
        if (!roomy && !last) break;
        let next = roomy ? this.usualRecords(buf, view, p, end) : p;
        if (next === p) next = this.generalRecord(buf, p, end);
        if (next === NEED_MORE) break;
        this.state = 'after';
        p = next;
      }
    }
    return p;
  }

  /** The totals once the whole file was pushed; throws if the array is incomplete. */
  end(): DepartureTotals {
    const carry = this.carry;
    this.carry = undefined;
    const stop = carry ? this.scan(carry, 0, true) : 0;
    if (this.state !== 'done') this.fail('unexpected end of data', (carry?.length ?? 0) - stop);
    // Sums of whole numbers stay exact in a double only this far.
    const { passengers, delayMs } = this.totals;
    if (passengers > Number.MAX_SAFE_INTEGER || delayMs > Number.MAX_SAFE_INTEGER) {
      this.fail('totals too large to add up exactly', carry?.length ?? 0);
    }
    return this.totals;
  }

  private fail(message: string, at: number): never {
    throw new InvalidDepartures(message, this.base + at);
  }

  private count(passengers: number, delayMs: number, delayNs: number, accident: boolean) {
    const t = this.totals;
    t.departures++;
    t.passengers += passengers;
    t.delayMs += delayMs;
    t.delayNs += delayNs;
    if (delayNs !== 0 && t.delayNs >= 1_000_000) {
      t.delayMs += Math.floor(t.delayNs / 1_000_000);
      t.delayNs %= 1_000_000;
    }
    if (accident) t.accident = true;
  }

  // ---- usual path: the upstream's own layout, record after record ----

  /**
   * Reads the records in the usual layout from the `{` at `p` on, each separated by `, `, and stops
   * before the first one that is not (or that starts within WINDOW of the end). Returns the index after
   * the last record read: `p` itself when there was none. The totals live in locals until then.
   */
  private usualRecords(buf: Uint8Array, view: DataView, p: number, end: number): number {
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
      if (flag === TRUE_CLOSE && buf[r + 19] === CLOSE_BRACE) {
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
      if (buf[r] !== COMMA || buf[r + 1] !== SPACE || buf[r + 2] !== OPEN_BRACE) break;
    }
    if (departures > 0) {
      const t = this.totals;
      t.departures += departures;
      t.passengers += passengers;
      t.delayMs += delayMs;
      t.delayNs += delayNs;
      if (t.delayNs >= 1_000_000) {
        t.delayMs += Math.floor(t.delayNs / 1_000_000);
        t.delayNs %= 1_000_000;
      }
      if (accident) t.accident = true;
    }
    return done;
  }

  // ---- general path: any valid JSON object, keys in any order, unknown keys skipped ----

  private generalRecord(buf: Uint8Array, start: number, end: number): number {
    this.passengers = -1;
    this.accident = undefined;
    this.hasDelay = false;
    this.problems.fill(undefined);
    let p = skipSpace(buf, start + 1, end);
    if (p >= end) return NEED_MORE;
    if (buf[p] !== CLOSE_BRACE) {
      for (;;) {
        p = this.readKey(buf, p, end);
        if (p === NEED_MORE) return NEED_MORE;
        p = this.readField(this.key, buf, p, end);
        if (p === NEED_MORE) return NEED_MORE;
        p = skipSpace(buf, p, end);
        if (p >= end) return NEED_MORE;
        if (buf[p] === CLOSE_BRACE) break;
        if (buf[p] !== COMMA) this.fail('expected , or }', p);
        p = skipSpace(buf, p + 1, end);
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
    this.count(this.passengers, this.recordDelayMs, this.recordDelayNs, this.accident);
    return p + 1;
  }

  /**
   * Reads a field's value. Like JSON.parse, the last of duplicate keys wins: a wrong value is noted
   * against its key and fails the record only if no valid one for that key follows.
   */
  private readField(key: Key, buf: Uint8Array, p: number, end: number): number {
    if (key === Key.Passengers) {
      const next = numberEnd(buf, p, end);
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
      const next = this.readString(buf, p, end);
      if (next === NEED_MORE) return NEED_MORE;
      const plain = !this.escaped && readDuration(buf, p + 1, next - 1, this.duration) === next - 1;
      const delay = plain
        ? this.duration
        : this.escaped
          ? parseIsoDuration(this.stringAt(buf, p, next))
          : undefined;
      if (!delay) {
        const message = `delay ${JSON.stringify(this.stringAt(buf, p, next))} is not an ISO 8601 duration`;
        this.problems[key] = { message, at: p };
      } else {
        this.hasDelay = true;
        this.recordDelayMs = delay.ms;
        this.recordDelayNs = delay.ns;
        this.problems[key] = undefined;
      }
      return next;
    }
    if (key === Key.Accident) {
      const word = buf[p] === TRUE[0] ? TRUE : buf[p] === FALSE[0] ? FALSE : undefined;
      if (word && end - p < word.length) return NEED_MORE;
      if (!word || !matches(buf, p, word)) {
        return this.wrongValue(key, 'accident must be true or false', buf, p, end);
      }
      this.accident = word === TRUE;
      this.problems[key] = undefined;
      return p + word.length;
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
    const next = this.readString(buf, p, end);
    if (next === NEED_MORE) return NEED_MORE;
    this.key = this.escaped
      ? keyOf(Buffer.from(this.stringAt(buf, p, next)), 0, -1)
      : keyOf(buf, p + 1, next - 1);
    p = skipSpace(buf, next, end);
    if (p >= end) return NEED_MORE;
    if (buf[p] !== COLON) this.fail('expected :', p);
    p = skipSpace(buf, p + 1, end);
    return p >= end ? NEED_MORE : p;
  }

  /** The text of the string literal buf[p, next), once readString has checked it. */
  private stringAt(buf: Uint8Array, p: number, next: number): string {
    const raw = Buffer.from(buf.buffer, buf.byteOffset + p, next - p);
    return this.escaped
      ? (JSON.parse(raw.toString('utf8')) as string)
      : raw.toString('utf8', 1, next - p - 1);
  }

  /**
   * Checks the string starting at the quote at `p` and returns the index after it, noting in `escaped`
   * whether it has escapes; NEED_MORE if it does not end in buf.
   */
  private readString(buf: Uint8Array, p: number, end: number): number {
    let escaped = false;
    let i = p + 1;
    for (; i < end; i++) {
      const b = buf[i]!;
      if (b === QUOTE) break;
      if (b < 0x20) this.fail('control character in a string', i);
      if (b === BACKSLASH) {
        escaped = true;
        const length = escapeLength(buf, i, end);
        if (length === NEED_MORE) return NEED_MORE;
        if (length === 0) this.fail('invalid escape in a string', i);
        i += length - 1;
      }
    }
    if (i >= end) return NEED_MORE;
    this.escaped = escaped;
    return i + 1;
  }

  /** Skips the JSON value at `p`, checking it; returns the index after it, or NEED_MORE. Any depth. */
  private skipValue(buf: Uint8Array, p: number, end: number): number {
    const closers = this.closers;
    closers.length = 0;
    for (;;) {
      const b = buf[p]!;
      if (b === OPEN_BRACE || b === OPEN_BRACKET) {
        const close = b === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
        p = skipSpace(buf, p + 1, end);
        if (p >= end) return NEED_MORE;
        if (buf[p] !== close) {
          closers.push(close);
          if (close === CLOSE_BRACE) p = this.readKey(buf, p, end);
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
        p = skipSpace(buf, p, end);
        if (p >= end) return NEED_MORE;
        if (buf[p] === close) {
          closers.pop();
          p++;
          continue;
        }
        if (buf[p] !== COMMA) this.fail('expected , or a closing bracket', p);
        p = skipSpace(buf, p + 1, end);
        if (p >= end) return NEED_MORE;
        if (close === CLOSE_BRACE) p = this.readKey(buf, p, end);
        if (p === NEED_MORE) return NEED_MORE;
        break;
      }
    }
  }

  private skipScalar(buf: Uint8Array, p: number, end: number): number {
    const b = buf[p]!;
    if (b === QUOTE) return this.readString(buf, p, end);
    if (b === MINUS || isDigit(b)) {
      const next = numberEnd(buf, p, end);
      if (next === p) this.fail('invalid number', p);
      return next;
    }
    const word = b === TRUE[0] ? TRUE : b === FALSE[0] ? FALSE : b === NULL[0] ? NULL : undefined;
    if (!word) this.fail('expected a value', p);
    if (end - p < word.length) return NEED_MORE;
    if (!matches(buf, p, word)) this.fail('invalid literal', p);
    return p + word.length;
  }
}

const skipSpace = (buf: Uint8Array, p: number, end: number) => {
  while (p < end && isSpace(buf[p])) p++;
  return p;
};

/** Whether buf holds `word` at `p`. */
const matches = (buf: Uint8Array, p: number, word: Uint8Array): boolean => {
  for (let i = 0; i < word.length; i++) if (buf[p + i] !== word[i]) return false;
  return true;
};

/**
 * The index of the quote that closes a string starting at `p` with no escapes and no control bytes, or
 * -1 (also when it does not close before `limit`, which must leave 4 bytes of buf after it). Four bytes
 * at a time: a word goes on while none of its bytes is below 0x20, a quote or a backslash (exact
 * byte-wise tests on the whole word; see "Bit Twiddling Hacks", "determine if a word has a byte less
 * than n").
 */
const plainStringEnd = (buf: Uint8Array, view: DataView, p: number, limit: number): number => {
  for (; p < limit; p += 4) {
    const x = view.getInt32(p, true);
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
    if (b === BACKSLASH || b < 0x20) return -1;
  }
};

const isHex = (b: number | undefined) =>
  b !== undefined && ((b >= ZERO && b <= NINE) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x66));

/** The length of the escape at the backslash at `p` (`\n`, `\u00e9`...), 0 if invalid, NEED_MORE if cut. */
const escapeLength = (buf: Uint8Array, p: number, end: number): number => {
  if (p + 1 >= end) return NEED_MORE;
  const b = buf[p + 1]!;
  if (b !== 0x75) return SIMPLE_ESCAPES.includes(b) ? 2 : 0;
  if (p + 6 > end) return NEED_MORE;
  for (let i = p + 2; i < p + 6; i++) if (!isHex(buf[i])) return 0;
  return 6;
};

/**
 * The end of the JSON number at `p` (`p` itself if there is none); NEED_MORE if it may go on in the next
 * chunk. Follows the JSON grammar exactly: `-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`.
 */
const numberEnd = (buf: Uint8Array, start: number, end: number): number => {
  let p = start;
  if (buf[p] === MINUS) p++;
  if (p >= end) return NEED_MORE;
  if (buf[p] === ZERO) p++;
  else if (isDigit(buf[p])) while (p < end && isDigit(buf[p])) p++;
  else return start;
  if (p < end && buf[p] === 0x2e) {
    const digits = ++p;
    while (p < end && isDigit(buf[p])) p++;
    if (p === digits && p < end) return start;
  }
  if (p < end && (buf[p] === 0x65 || buf[p] === 0x45)) {
    p++;
    if (p < end && (buf[p] === 0x2b || buf[p] === MINUS)) p++;
    const digits = p;
    while (p < end && isDigit(buf[p])) p++;
    if (p === digits && p < end) return start;
  }
  return p >= end ? NEED_MORE : p;
};
