import { type Duration, parseDurationBytes, parseIsoDuration } from './duration.ts';

// A streaming scanner for a city-day file: a JSON array of departures, fed chunk by chunk, that keeps
// only the running totals the statistics need. The usual layout (the upstream's key order and spacing)
// is matched byte by byte; anything else — other key order, whitespace, escapes, extra keys, numbers
// like 5.7e1 — goes through a general JSON reader, so every valid spelling gives the same totals. Only
// the unfinished record at the end of a chunk is carried over, never the file.

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
const BAIL = -2;
const MAX_DEPTH = 64;
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

// Templates of the usual layout; a space in a template means "one optional space".
const FAST_TIME = bytesOf('{"departure-time": "');
const FAST_BUS = bytesOf('", "bus-type": "');
const FAST_PASSENGERS = bytesOf('", "passengers": ');
const FAST_DELAY = bytesOf(', "delay": "');
const FAST_ACCIDENT = bytesOf('", "accident": ');
const TRUE = bytesOf('true');
const FALSE = bytesOf('false');
const NULL = bytesOf('null');

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
  private scratchString = '';

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
        const stop = this.scan(joined, 0);
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
    const stop = this.scan(chunk, from);
    // A copy: the caller may reuse its buffer, and the carry is usually a fraction of a record.
    if (stop < chunk.length) this.carry = Buffer.from(chunk.subarray(stop));
    this.base += stop;
  }

  /** Reads buf from `p` as far as it can; returns where it stopped (buf[0] is at byte `base`). */
  private scan(buf: Uint8Array, p: number): number {
    const end = buf.length;
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
        let next = this.fastRecord(buf, p, end);
        if (next === BAIL) next = this.generalRecord(buf, p, end);
        if (next === NEED_MORE) break;
        this.state = 'after';
        p = next;
      }
    }
    return p;
  }

  /** The totals once the whole file was pushed; throws if the array is incomplete. */
  end(): DepartureTotals {
    if (this.state !== 'done') this.fail('unexpected end of data', this.carry?.length ?? 0);
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

  // ---- fast path: the upstream's own layout, or BAIL at the first surprise ----

  private fastRecord(buf: Uint8Array, start: number, end: number): number {
    const timeEnd = plainString(buf, literal(buf, start, end, FAST_TIME), end);
    const busEnd = plainString(buf, literal(buf, timeEnd, end, FAST_BUS), end);
    let p = literal(buf, busEnd, end, FAST_PASSENGERS);
    if (p < 0) return BAIL;
    let passengers = 0;
    const digits = p;
    while (p < end && isDigit(buf[p])) passengers = passengers * 10 + (buf[p++]! - ZERO);
    if (p === digits || p - digits > 15 || (buf[digits] === ZERO && p - digits > 1)) return BAIL;
    const delayStart = literal(buf, p, end, FAST_DELAY);
    const delayEnd = plainString(buf, delayStart, end);
    if (delayEnd < 0 || !parseDurationBytes(buf, delayStart, delayEnd, this.duration)) return BAIL;
    p = literal(buf, delayEnd, end, FAST_ACCIDENT);
    let accident: boolean;
    if (literal(buf, p, end, TRUE) > 0) {
      accident = true;
      p += 4;
    } else if (literal(buf, p, end, FALSE) > 0) {
      accident = false;
      p += 5;
    } else return BAIL;
    if (buf[p] !== CLOSE_BRACE) return BAIL;
    this.count(passengers, this.duration.ms, this.duration.ns, accident);
    return p + 1;
  }

  // ---- general path: any valid JSON object, keys in any order, unknown keys skipped ----

  private generalRecord(buf: Uint8Array, start: number, end: number): number {
    this.passengers = -1;
    this.accident = undefined;
    this.hasDelay = false;
    let p = skipSpace(buf, start + 1, end);
    if (p >= end) return NEED_MORE;
    if (buf[p] !== CLOSE_BRACE) {
      for (;;) {
        if (buf[p] !== QUOTE) this.fail('expected a key', p);
        p = this.readString(buf, p, end);
        if (p === NEED_MORE) return NEED_MORE;
        const key = this.scratchString;
        p = skipSpace(buf, p, end);
        if (p >= end) return NEED_MORE;
        if (buf[p] !== COLON) this.fail('expected :', p);
        p = skipSpace(buf, p + 1, end);
        if (p >= end) return NEED_MORE;
        p = this.readField(key, buf, p, end);
        if (p === NEED_MORE) return NEED_MORE;
        p = skipSpace(buf, p, end);
        if (p >= end) return NEED_MORE;
        if (buf[p] === CLOSE_BRACE) break;
        if (buf[p] !== COMMA) this.fail('expected , or }', p);
        p = skipSpace(buf, p + 1, end);
        if (p >= end) return NEED_MORE;
      }
    }
    if (this.passengers < 0 || this.accident === undefined || !this.hasDelay) {
      this.fail('a departure needs passengers, delay and accident', start);
    }
    this.count(this.passengers, this.recordDelayMs, this.recordDelayNs, this.accident);
    return p + 1;
  }

  private readField(key: string, buf: Uint8Array, p: number, end: number): number {
    if (key === 'passengers') {
      const next = numberEnd(buf, p, end);
      if (next === NEED_MORE) return NEED_MORE;
      if (next === p) this.fail('passengers must be a number', p);
      const value = Number(Buffer.from(buf.buffer, buf.byteOffset + p, next - p).toString('latin1'));
      if (!Number.isSafeInteger(value) || value < 0) this.fail('passengers must be a whole number ≥ 0', p);
      this.passengers = value;
      return next;
    }
    if (key === 'delay') {
      if (buf[p] !== QUOTE) this.fail('delay must be a string', p);
      const next = this.readString(buf, p, end);
      if (next === NEED_MORE) return NEED_MORE;
      const delay = parseIsoDuration(this.scratchString);
      if (!delay) this.fail(`delay ${JSON.stringify(this.scratchString)} is not an ISO 8601 duration`, p);
      this.hasDelay = true;
      this.recordDelayMs = delay.ms;
      this.recordDelayNs = delay.ns;
      return next;
    }
    if (key === 'accident') {
      if (end - p < 5) return NEED_MORE;
      if (literal(buf, p, end, TRUE) > 0) this.accident = true;
      else if (literal(buf, p, end, FALSE) > 0) this.accident = false;
      else this.fail('accident must be true or false', p);
      return p + (this.accident ? 4 : 5);
    }
    return this.skipValue(buf, p, end, 0);
  }

  /** Reads the string starting at the quote at `p` into `scratchString`; returns the index after it. */
  private readString(buf: Uint8Array, p: number, end: number): number {
    let escaped = false;
    let i = p + 1;
    for (; i < end; i++) {
      const b = buf[i]!;
      if (b === QUOTE) break;
      if (b < 0x20) this.fail('control character in a string', i);
      if (b === BACKSLASH) {
        escaped = true;
        i++;
      }
    }
    if (i >= end) return NEED_MORE;
    const raw = Buffer.from(buf.buffer, buf.byteOffset + p, i + 1 - p);
    if (!escaped) this.scratchString = raw.toString('utf8', 1, raw.length - 1);
    else {
      try {
        this.scratchString = JSON.parse(raw.toString('utf8')) as string;
      } catch {
        this.fail('invalid escape in a string', p);
      }
    }
    return i + 1;
  }

  private skipValue(buf: Uint8Array, p: number, end: number, depth: number): number {
    if (depth > MAX_DEPTH) this.fail('nesting too deep', p);
    const b = buf[p]!;
    if (b === QUOTE) return this.readString(buf, p, end);
    if (b === MINUS || isDigit(b)) {
      const next = numberEnd(buf, p, end);
      if (next === p) this.fail('invalid number', p);
      return next;
    }
    for (const word of [TRUE, FALSE, NULL]) {
      if (b === word[0]) {
        if (end - p < word.length) return NEED_MORE;
        if (literal(buf, p, end, word) < 0) this.fail('invalid literal', p);
        return p + word.length;
      }
    }
    if (b !== OPEN_BRACE && b !== OPEN_BRACKET) this.fail('expected a value', p);
    const close = b === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
    p = skipSpace(buf, p + 1, end);
    if (p >= end) return NEED_MORE;
    if (buf[p] === close) return p + 1;
    for (;;) {
      if (close === CLOSE_BRACE) {
        if (buf[p] !== QUOTE) this.fail('expected a key', p);
        p = this.readString(buf, p, end);
        if (p === NEED_MORE) return NEED_MORE;
        p = skipSpace(buf, p, end);
        if (p >= end) return NEED_MORE;
        if (buf[p] !== COLON) this.fail('expected :', p);
        p = skipSpace(buf, p + 1, end);
        if (p >= end) return NEED_MORE;
      }
      p = this.skipValue(buf, p, end, depth + 1);
      if (p === NEED_MORE) return NEED_MORE;
      p = skipSpace(buf, p, end);
      if (p >= end) return NEED_MORE;
      if (buf[p] === close) return p + 1;
      if (buf[p] !== COMMA) this.fail('expected , or a closing bracket', p);
      p = skipSpace(buf, p + 1, end);
      if (p >= end) return NEED_MORE;
    }
  }
}

const skipSpace = (buf: Uint8Array, p: number, end: number) => {
  while (p < end && isSpace(buf[p])) p++;
  return p;
};

/** Matches a template (a space in it is optional) and returns the index after it, or -1 (also for p = -1). */
const literal = (buf: Uint8Array, p: number, end: number, template: Uint8Array): number => {
  if (p < 0) return -1;
  const n = template.length;
  if (p + n <= end) {
    // The usual case first: every optional space present.
    let i = 0;
    while (i < n && buf[p + i] === template[i]) i++;
    if (i === n) return p + n;
  }
  for (let i = 0; i < template.length; i++) {
    const t = template[i]!;
    if (t === SPACE) {
      if (buf[p] === SPACE) p++;
    } else if (p >= end || buf[p++] !== t) return -1;
  }
  return p;
};

/** The index of the closing quote of a string without escapes or control bytes, or -1. */
const plainString = (buf: Uint8Array, p: number, end: number): number => {
  if (p < 0) return -1;
  for (; p < end; p++) {
    const b = buf[p]!;
    if (b === QUOTE) return p;
    if (b === BACKSLASH || b < 0x20) return -1;
  }
  return -1;
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
