import {
  CLOSE_ARRAY,
  CLOSE_OBJECT,
  COLON,
  COMMA,
  Fault,
  isDigit,
  literalEnd,
  literalStartingWith,
  MAX_JSON_DEPTH,
  MINUS,
  newScan,
  numberEnd,
  OPEN_ARRAY,
  OPEN_OBJECT,
  QUOTE,
  skipWhitespace,
  stringEnd,
  TOO_DEEP,
} from '../core/json-bytes.ts';

// Locates the first JSON syntax error in a byte range. Only used once JSON.parse has rejected a
// record (or the data ended inside one): JSON.parse reports UTF-16 positions in its own words, while
// the API promises the byte offset, so a small recursive-descent checker walks the bytes instead. It
// recurses once per level, as the extract does, so it stops at MAX_JSON_DEPTH (the record itself is
// level 1), where the reader stops scanning too.

export interface SyntaxFault {
  /** Offset of the offending byte, relative to the start of `bytes`. */
  offset: number;
  message: string;
}

const FAULTS: Partial<Record<Fault, string>> = {
  [Fault.Unterminated]: 'unterminated string',
  [Fault.Control]: 'control character in string',
  [Fault.Escape]: 'invalid escape',
  [Fault.UnicodeEscape]: 'invalid \\u escape',
  [Fault.Digit]: 'expected a digit',
  [Fault.FractionDigit]: 'expected a digit after the decimal point',
  [Fault.ExponentDigit]: 'expected a digit in the exponent',
};

class Failure extends Error {
  readonly offset: number;
  constructor(offset: number, message: string) {
    super(message);
    this.offset = offset;
  }
}

const describe = (bytes: Uint8Array, at: number) =>
  at >= bytes.length
    ? 'unexpected end of data'
    : `unexpected ${JSON.stringify(String.fromCharCode(bytes[at]!))}`;

/** The first syntax error of the single JSON value that should fill `bytes`, or undefined if it is valid. */
export const findSyntaxFault = (bytes: Uint8Array): SyntaxFault | undefined => {
  const end = bytes.length;
  const scan = newScan();
  let i = 0;
  const fail = (what?: string): never => {
    throw new Failure(i, what ? `${describe(bytes, i)}: ${what}` : describe(bytes, i));
  };
  /** Moves past what `next` (an index, or a Fault found at scan.at) ends. */
  const past = (next: number, what?: string) => {
    if (next >= 0) i = next;
    else {
      i = scan.at;
      fail(what ?? FAULTS[next as Fault]);
    }
  };
  /** `depth`: the containers around the value. */
  const value = (depth: number) => {
    i = skipWhitespace(bytes, i, end);
    const b = bytes[i];
    if ((b === OPEN_OBJECT || b === OPEN_ARRAY) && depth === MAX_JSON_DEPTH) fail(TOO_DEEP);
    if (b === OPEN_OBJECT) return container(depth, CLOSE_OBJECT, true);
    if (b === OPEN_ARRAY) return container(depth, CLOSE_ARRAY, false);
    if (b === QUOTE) return past(stringEnd(bytes, i, end, scan));
    const word = literalStartingWith(b);
    if (word) return past(literalEnd(bytes, i, end, word, scan), `expected ${Buffer.from(word).toString()}`);
    if (b === MINUS || isDigit(b)) return past(numberEnd(bytes, i, end, scan));
    fail('expected a JSON value');
  };
  const container = (depth: number, close: number, keyed: boolean) => {
    i = skipWhitespace(bytes, i + 1, end);
    if (bytes[i] === close) {
      i++;
      return;
    }
    for (;;) {
      if (keyed) {
        i = skipWhitespace(bytes, i, end);
        if (bytes[i] !== QUOTE) fail('expected a string key');
        past(stringEnd(bytes, i, end, scan));
        i = skipWhitespace(bytes, i, end);
        if (bytes[i] !== COLON) fail("expected ':'");
        i++;
      }
      value(depth + 1);
      i = skipWhitespace(bytes, i, end);
      if (bytes[i] === COMMA) {
        i++;
        continue;
      }
      if (bytes[i] === close) {
        i++;
        return;
      }
      fail(`expected ',' or '${String.fromCharCode(close)}'`);
    }
  };
  try {
    value(0);
    i = skipWhitespace(bytes, i, end);
    if (i < end) fail('extra data after the value');
    return undefined;
  } catch (err) {
    if (err instanceof Failure) return { offset: err.offset, message: err.message };
    throw err;
  }
};
