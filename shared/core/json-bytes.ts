// The bytes of JSON's grammar (RFC 8259), the one nesting limit, and the pieces of the grammar that
// more than one scanner checks (strings with their escapes, numbers, literals), for every scanner that
// reads JSON as bytes (request bodies, dataset files, bus departures) instead of parsing it into objects.

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const COLON = 0x3a;
const DOT = 0x2e;
const PLUS = 0x2b;
export const MINUS = 0x2d;
export const ZERO = 0x30;
const NINE = 0x39;
export const OPEN_OBJECT = 0x7b;
export const CLOSE_OBJECT = 0x7d;
export const OPEN_ARRAY = 0x5b;
export const CLOSE_ARRAY = 0x5d;
export const SPACE = 0x20;
/** Bytes below this may not appear raw inside a string. */
export const FIRST_PRINTABLE = 0x20;
export const BOM = [0xef, 0xbb, 0xbf] as const;

/** ASCII text as bytes. */
export const bytesOf = (text: string) => Uint8Array.from(Buffer.from(text, 'latin1'));
export const TRUE = bytesOf('true');
export const FALSE = bytesOf('false');
const NULL = bytesOf('null');
/** The literal a value starting with byte `b` must be, if any. */
export const literalStartingWith = (b: number | undefined) =>
  b === TRUE[0] ? TRUE : b === FALSE[0] ? FALSE : b === NULL[0] ? NULL : undefined;

/** JSON's four whitespace bytes, as a lookup table (1 = whitespace). */
export const WHITESPACE = new Uint8Array(256);
for (const b of bytesOf(' \t\n\r')) WHITESPACE[b] = 1;

/** What may follow a backslash in a string besides `u` and four hex digits (1 = allowed). */
const SIMPLE_ESCAPE = new Uint8Array(256);
for (const b of bytesOf('"\\/bfnrt')) SIMPLE_ESCAPE[b] = 1;
const LOWER_U = 0x75;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

/** Deeper JSON is refused wherever it is read: recursive code downstream must not run out of stack. */
export const MAX_JSON_DEPTH = 64;
/** How every refusal of deeper JSON words it. */
export const TOO_DEEP = `nested deeper than ${MAX_JSON_DEPTH} levels`;

export const isDigit = (b: number | undefined) => b !== undefined && b >= ZERO && b <= NINE;
const isHex = (b: number | undefined) =>
  b !== undefined && ((b >= ZERO && b <= NINE) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x66));

export const skipWhitespace = (buf: Uint8Array, p: number, end: number): number => {
  while (p < end && WHITESPACE[buf[p]!]) p++;
  return p;
};

/**
 * Why a scan below stopped short (its negative result). Each scanner words them its own way, and
 * tells "the data ended" (`at` = `end`, which a streaming scanner reads as "wait for more") from an
 * error in the bytes.
 */
export const Fault = {
  Unterminated: -1,
  Control: -2,
  Escape: -3,
  UnicodeEscape: -4,
  Digit: -5,
  FractionDigit: -6,
  ExponentDigit: -7,
  Literal: -8,
} as const;
export type Fault = (typeof Fault)[keyof typeof Fault];

/** What a scan reports besides its result, written in place so that the scanners allocate nothing. */
interface Scan {
  /** Where the last scan that failed found the offending byte (`end` if the data ended first). */
  at: number;
  /** Whether the last string scanned had escapes. */
  escaped: boolean;
}

export const newScan = (): Scan => ({ at: 0, escaped: false });

const fault = (scan: Scan, at: number, why: Fault): Fault => {
  scan.at = at;
  return why;
};

/** The index after the string whose opening quote is at `p`, checked (escapes included); or a Fault. */
export const stringEnd = (buf: Uint8Array, p: number, end: number, scan: Scan): number => {
  let escaped = false;
  for (let i = p + 1; i < end; i++) {
    const b = buf[i]!;
    if (b === QUOTE) {
      scan.escaped = escaped;
      return i + 1;
    }
    if (b < FIRST_PRINTABLE) return fault(scan, i, Fault.Control);
    if (b === BACKSLASH) {
      escaped = true;
      if (++i >= end) return fault(scan, end, Fault.Escape);
      if (buf[i] === LOWER_U) {
        for (let k = 0; k < 4; k++) {
          if (++i >= end || !isHex(buf[i])) return fault(scan, Math.min(i, end), Fault.UnicodeEscape);
        }
      } else if (!SIMPLE_ESCAPE[buf[i]!]) return fault(scan, i, Fault.Escape);
    }
  }
  return fault(scan, end, Fault.Unterminated);
};

/**
 * The index after the number at `p`, checked against the grammar `-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`,
 * or a Fault. A number that reaches `end` is complete only if the data ends there.
 */
export const numberEnd = (buf: Uint8Array, p: number, end: number, scan: Scan): number => {
  if (p < end && buf[p] === MINUS) p++;
  if (p < end && buf[p] === ZERO) p++;
  else if (p < end && isDigit(buf[p])) while (++p < end && isDigit(buf[p]));
  else return fault(scan, p, Fault.Digit);
  if (p < end && buf[p] === DOT) {
    if (++p >= end || !isDigit(buf[p])) return fault(scan, p, Fault.FractionDigit);
    while (++p < end && isDigit(buf[p]));
  }
  if (p < end && (buf[p] === LOWER_E || buf[p] === UPPER_E)) {
    if (++p < end && (buf[p] === PLUS || buf[p] === MINUS)) p++;
    if (p >= end || !isDigit(buf[p])) return fault(scan, p, Fault.ExponentDigit);
    while (++p < end && isDigit(buf[p]));
  }
  return p;
};

/** The index after `word` (TRUE, FALSE, NULL...) if buf holds it at `p`; else Fault.Literal. */
export const literalEnd = (buf: Uint8Array, p: number, end: number, word: Uint8Array, scan: Scan): number => {
  for (let k = 0; k < word.length; k++) {
    if (p + k >= end || buf[p + k] !== word[k]) return fault(scan, p + k, Fault.Literal);
  }
  return p + word.length;
};
