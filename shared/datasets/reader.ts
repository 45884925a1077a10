import * as json from '../core/json-bytes.ts';
import { findSyntaxFault } from './syntax.ts';

// Local copies: V8 reads an imported binding through its module cell at each use (+29% instructions).
const {
  BACKSLASH,
  BOM,
  CLOSE_ARRAY,
  CLOSE_OBJECT,
  COMMA,
  FIRST_PRINTABLE,
  MAX_JSON_DEPTH,
  OPEN_ARRAY,
  OPEN_OBJECT,
  QUOTE,
  TOO_DEEP,
  WHITESPACE,
} = json;

// A streaming reader for the three framings API.md accepts: a JSON array of objects, NDJSON, and
// objects simply concatenated (with or without whitespace). It scans bytes chunk by chunk, keeping
// only the record in progress, finds each top-level record's boundaries with a bracket stack, and
// hands the record's bytes to JSON.parse (much faster than parsing in JS). The framing is read
// from the first significant byte, never from a content type.

export type Framing = 'array' | 'objects';
export type JsonRecord = Record<string, unknown>;

export class DatasetSyntaxError extends Error {
  /** Byte offset of the first error in the whole file. */
  readonly offset: number;
  constructor(offset: number, message: string) {
    super(message);
    this.name = 'DatasetSyntaxError';
    this.offset = offset;
  }
}

/** A single record larger than this is refused rather than buffered without bound. */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;

const charAt = (b: number) => JSON.stringify(String.fromCharCode(b));

// Where the scanner is between records.
const State = {
  start: 0, // nothing significant seen yet
  beforeRecord: 1, // objects framing: a record or the end may follow
  arrayFirst: 2, // just after '[': a record or ']'
  arrayNext: 3, // after a record in an array: ',' or ']'
  arrayAfterComma: 4, // after ',': a record must follow
  done: 5, // after the closing ']': only whitespace
} as const;

class RecordReader {
  /** Records parsed so far. */
  records = 0;
  /** Bytes consumed so far. */
  bytes = 0;
  framing: Framing | undefined;

  private readonly onRecord: (record: JsonRecord) => void;
  private state: number = State.start;
  /** Closing brackets expected inside the current record, innermost last; empty between records. */
  private readonly stack: number[] = [];
  private inString = false;
  private escaped = false;
  /** Parts of the current record from earlier chunks, and the file offset where it began. */
  private carried: Buffer[] = [];
  private carriedBytes = 0;
  private recordStart = -1;

  constructor(onRecord: (record: JsonRecord) => void) {
    this.onRecord = onRecord;
  }

  push(input: Uint8Array): void {
    let chunk = Buffer.isBuffer(input)
      ? input
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    // A UTF-8 byte order mark is not JSON, but editors write one; it carries no data.
    if (this.bytes === 0 && chunk[0] === BOM[0] && chunk[1] === BOM[1] && chunk[2] === BOM[2]) {
      this.bytes = BOM.length;
      chunk = chunk.subarray(BOM.length);
    }
    const base = this.bytes;
    let recordFrom = this.stack.length > 0 ? 0 : -1;
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.stack.length === 0) {
        const b = chunk[i]!;
        if (WHITESPACE[b]) {
          i++;
          continue;
        }
        this.between(b, base + i);
        if (b === OPEN_OBJECT) {
          this.stack.push(CLOSE_OBJECT);
          this.recordStart = base + i;
          recordFrom = i;
        }
        i++;
        continue;
      }
      i = this.scanRecord(chunk, i, base);
      if (this.stack.length === 0) {
        this.finishRecord(chunk.subarray(recordFrom, i));
        recordFrom = -1;
      }
    }
    this.bytes += n;
    if (recordFrom >= 0) {
      const rest = chunk.subarray(recordFrom);
      this.carriedBytes += rest.length;
      if (this.carriedBytes > MAX_RECORD_BYTES) {
        throw new DatasetSyntaxError(this.recordStart, `a record is larger than ${MAX_RECORD_BYTES} bytes`);
      }
      // The chunk may be reused by the caller's stream, so keep a copy.
      this.carried.push(Buffer.from(rest));
    }
  }

  /** Call after the last chunk: checks that the file ended where a file may end. */
  end(): void {
    if (this.stack.length > 0) {
      const partial = Buffer.concat(this.carried);
      const fault = findSyntaxFault(partial);
      const offset = fault && fault.offset < partial.length ? this.recordStart + fault.offset : this.bytes;
      throw new DatasetSyntaxError(
        offset,
        fault && fault.offset < partial.length ? fault.message : 'unexpected end of data inside a record',
      );
    }
    if (this.state === State.start) {
      throw new DatasetSyntaxError(this.bytes, 'no data: expected a JSON array or JSON objects');
    }
    if (this.state !== State.beforeRecord && this.state !== State.done) {
      throw new DatasetSyntaxError(this.bytes, "unexpected end of data: the array is not closed with ']'");
    }
  }

  /** A significant byte outside any record: advances the framing state or fails. */
  private between(b: number, offset: number): void {
    const fail = (expected: string): never => {
      throw new DatasetSyntaxError(offset, `unexpected ${charAt(b)}: expected ${expected}`);
    };
    switch (this.state) {
      case State.start:
        if (b === OPEN_ARRAY) {
          this.framing = 'array';
          this.state = State.arrayFirst;
        } else if (b === OPEN_OBJECT) {
          this.framing = 'objects';
          this.state = State.beforeRecord;
        } else fail("'[' or '{' (a JSON array of objects, or JSON objects)");
        return;
      case State.beforeRecord:
        if (b !== OPEN_OBJECT) fail("'{' (each record must be a JSON object)");
        return;
      case State.arrayFirst:
        if (b === CLOSE_ARRAY) this.state = State.done;
        else if (b === OPEN_OBJECT) this.state = State.arrayNext;
        else fail("'{' or ']' (the array must hold objects)");
        return;
      case State.arrayAfterComma:
        if (b === OPEN_OBJECT) this.state = State.arrayNext;
        else fail("'{' (the array must hold objects)");
        return;
      case State.arrayNext:
        if (b === COMMA) this.state = State.arrayAfterComma;
        else if (b === CLOSE_ARRAY) this.state = State.done;
        else fail("',' or ']'");
        return;
      default:
        fail('the end of the data after the closing ]');
    }
  }

  /**
   * Scans inside a record from `i`; returns where it stopped (just past the record's end, or n). Its
   * string skipping is its own, not json-bytes' stringEnd: this hot loop keeps its place in a string
   * across chunk boundaries byte by byte, and leaves checking escapes to JSON.parse.
   */
  private scanRecord(chunk: Buffer, from: number, base: number): number {
    const stack = this.stack;
    const n = chunk.length;
    let i = from;
    let inString = this.inString;
    let escaped = this.escaped;
    while (i < n) {
      const b = chunk[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (b === QUOTE) inString = false;
        else if (b === BACKSLASH) escaped = true;
        else if (b < FIRST_PRINTABLE) throw new DatasetSyntaxError(base + i, 'control character in a string');
        i++;
        continue;
      }
      i++;
      if (b === QUOTE) inString = true;
      else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
        if (stack.length === MAX_JSON_DEPTH) this.failTooDeep(chunk.subarray(0, i - 1), base, base + i - 1);
        stack.push(b === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY);
      } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
        if (stack.pop() !== b) {
          // The bracket does not match; the checker pins the first error, which may come earlier.
          this.inString = false;
          this.escaped = false;
          this.failInside(chunk.subarray(0, i), base, base + i - 1);
        }
        if (stack.length === 0) break;
      }
    }
    this.inString = inString;
    this.escaped = escaped;
    return i;
  }

  private failInside(upTo: Buffer, base: number, fallback: number): never {
    const start = this.recordStart;
    const bytes = Buffer.concat([...this.carried, upTo.subarray(Math.max(0, start - base))]);
    const fault = findSyntaxFault(bytes);
    if (fault) throw new DatasetSyntaxError(start + fault.offset, fault.message);
    throw new DatasetSyntaxError(fallback, 'mismatched bracket');
  }

  /** The first error up to a bracket one level too deep: an earlier syntax error, else the bracket. */
  private failTooDeep(upTo: Buffer, base: number, offset: number): never {
    const bytes = Buffer.concat([...this.carried, upTo.subarray(Math.max(0, this.recordStart - base))]);
    // The bytes stop mid-record, so the checker's "unexpected end" at their end is no error of the file.
    const fault = findSyntaxFault(bytes);
    if (fault && fault.offset < bytes.length) {
      throw new DatasetSyntaxError(this.recordStart + fault.offset, fault.message);
    }
    throw new DatasetSyntaxError(offset, `${TOO_DEEP} (in the record starting at byte ${this.recordStart})`);
  }

  private finishRecord(tail: Buffer): void {
    const bytes = this.carried.length ? Buffer.concat([...this.carried, tail]) : tail;
    this.carried = [];
    this.carriedBytes = 0;
    let record: unknown;
    try {
      record = JSON.parse(bytes.toString('utf8'));
    } catch {
      const fault = findSyntaxFault(bytes);
      throw new DatasetSyntaxError(this.recordStart + (fault?.offset ?? 0), fault?.message ?? 'invalid JSON');
    }
    this.records++;
    this.onRecord(record as JsonRecord);
  }
}

/** A whole buffer is read in slices the size of an S3 stream's chunks, so `betweenChunks` runs on it too. */
const SLICE_BYTES = 64 * 1024;

const slices = function* (buffer: Uint8Array) {
  for (let i = 0; i < buffer.length; i += SLICE_BYTES) yield buffer.subarray(i, i + SLICE_BYTES);
};

/**
 * Reads every record of a whole buffer or a stream of chunks; throws DatasetSyntaxError on the first
 * error. `betweenChunks` is awaited after each chunk (where the consumer may write out what it
 * built), so a slow consumer holds the stream back instead of buffering it.
 */
export const readRecords = async (
  source: Uint8Array | AsyncIterable<Uint8Array>,
  onRecord: (record: JsonRecord) => void,
  betweenChunks?: () => Promise<void>,
): Promise<{ records: number; bytes: number; framing: Framing | undefined }> => {
  const reader = new RecordReader(onRecord);
  for await (const chunk of source instanceof Uint8Array ? slices(source) : source) {
    reader.push(chunk);
    await betweenChunks?.();
  }
  reader.end();
  return { records: reader.records, bytes: reader.bytes, framing: reader.framing };
};
