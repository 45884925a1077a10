// Locates the first JSON syntax error in a byte range. Only used once JSON.parse has rejected a
// record (or the data ended inside one): JSON.parse reports UTF-16 positions in its own words, while
// the API promises the byte offset, so a small recursive-descent checker walks the bytes instead.

/**
 * Objects/arrays nested deeper than this (the record itself is level 1) are refused: the reader stops
 * scanning there, and this checker and the extract recurse once per level. Real records are a few
 * levels deep; it is the same limit as the API's JSON bodies.
 */
export const MAX_RECORD_DEPTH = 64;

export interface SyntaxFault {
  /** Offset of the offending byte, relative to the start of `bytes`. */
  offset: number;
  message: string;
}

const WS = new Uint8Array(256);
for (const b of [0x20, 0x09, 0x0a, 0x0d]) WS[b] = 1;
const ESCAPES = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);
const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39;
const isHex = (b: number | undefined) =>
  b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));

class Fault extends Error {
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
export const findSyntaxFault = (bytes: Uint8Array, maxDepth = MAX_RECORD_DEPTH): SyntaxFault | undefined => {
  let i = 0;
  const fail = (what?: string): never => {
    throw new Fault(i, what ? `${describe(bytes, i)}: ${what}` : describe(bytes, i));
  };
  const skipWs = () => {
    while (i < bytes.length && WS[bytes[i]!]) i++;
  };
  const literal = (word: string) => {
    for (let k = 0; k < word.length; k++, i++) if (bytes[i] !== word.charCodeAt(k)) fail(`expected ${word}`);
  };
  const string = () => {
    i++;
    for (;;) {
      const b = bytes[i];
      if (b === undefined) fail('unterminated string');
      if (b === 0x22) {
        i++;
        return;
      }
      if (b! < 0x20) fail('control character in string');
      if (b === 0x5c) {
        i++;
        const e = bytes[i];
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            i++;
            if (!isHex(bytes[i])) fail('invalid \\u escape');
          }
        } else if (e === undefined || !ESCAPES.has(e)) fail('invalid escape');
      }
      i++;
    }
  };
  const number = () => {
    if (bytes[i] === 0x2d) i++;
    if (bytes[i] === 0x30) i++;
    else if (isDigit(bytes[i])) while (isDigit(bytes[i])) i++;
    else fail('expected a digit');
    if (bytes[i] === 0x2e) {
      i++;
      if (!isDigit(bytes[i])) fail('expected a digit after the decimal point');
      while (isDigit(bytes[i])) i++;
    }
    if (bytes[i] === 0x65 || bytes[i] === 0x45) {
      i++;
      if (bytes[i] === 0x2b || bytes[i] === 0x2d) i++;
      if (!isDigit(bytes[i])) fail('expected a digit in the exponent');
      while (isDigit(bytes[i])) i++;
    }
  };
  /** `depth`: the containers around the value. */
  const value = (depth: number) => {
    skipWs();
    const b = bytes[i];
    if ((b === 0x7b || b === 0x5b) && depth === maxDepth) fail(`nested deeper than ${maxDepth} levels`);
    if (b === 0x7b) return container(depth, 0x7d, true);
    if (b === 0x5b) return container(depth, 0x5d, false);
    if (b === 0x22) return string();
    if (b === 0x74) return literal('true');
    if (b === 0x66) return literal('false');
    if (b === 0x6e) return literal('null');
    if (b === 0x2d || isDigit(b)) return number();
    fail('expected a JSON value');
  };
  const container = (depth: number, close: number, keyed: boolean) => {
    i++;
    skipWs();
    if (bytes[i] === close) {
      i++;
      return;
    }
    for (;;) {
      if (keyed) {
        skipWs();
        if (bytes[i] !== 0x22) fail('expected a string key');
        string();
        skipWs();
        if (bytes[i] !== 0x3a) fail("expected ':'");
        i++;
      }
      value(depth + 1);
      skipWs();
      if (bytes[i] === 0x2c) {
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
    skipWs();
    if (i < bytes.length) fail('extra data after the value');
    return undefined;
  } catch (err) {
    if (err instanceof Fault) return { offset: err.offset, message: err.message };
    throw err;
  }
};
