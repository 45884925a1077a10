// The bytes of JSON's grammar (RFC 8259) and the one nesting limit, for every scanner that reads JSON
// as bytes (request bodies, dataset files, bus departures) instead of parsing it into objects.

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const SLASH = 0x2f;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const DOT = 0x2e;
export const PLUS = 0x2b;
export const MINUS = 0x2d;
export const ZERO = 0x30;
export const NINE = 0x39;
export const OPEN_OBJECT = 0x7b;
export const CLOSE_OBJECT = 0x7d;
export const OPEN_ARRAY = 0x5b;
export const CLOSE_ARRAY = 0x5d;
export const SPACE = 0x20;
export const TAB = 0x09;
export const LINE_FEED = 0x0a;
export const CARRIAGE_RETURN = 0x0d;
/** Bytes below this may not appear raw inside a string. */
export const FIRST_PRINTABLE = 0x20;
export const LOWER_E = 0x65;
export const UPPER_E = 0x45;
export const LOWER_U = 0x75;
export const BOM = [0xef, 0xbb, 0xbf] as const;

/** JSON's four whitespace bytes, as a lookup table (1 = whitespace). */
export const WHITESPACE = new Uint8Array(256);
for (const b of [SPACE, TAB, LINE_FEED, CARRIAGE_RETURN]) WHITESPACE[b] = 1;

/** Deeper JSON is refused wherever it is read: recursive code downstream must not run out of stack. */
export const MAX_JSON_DEPTH = 64;
