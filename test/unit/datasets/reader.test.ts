import { describe, expect, test } from '@jest/globals';
import { MAX_JSON_DEPTH } from '../../../shared/core/json-bytes.ts';
import { DatasetSyntaxError, type JsonRecord, readRecords } from '../../../shared/datasets/reader.ts';
import { findSyntaxFault } from '../../../shared/datasets/syntax.ts';

const RECORDS: JsonRecord[] = [
  { id: 1, name: 'a "quoted" {brace} [bracket]', nested: { list: [1, { deep: true }], empty: {} } },
  { id: 2, text: 'línea\\n \u00e9\u4e2d', values: [] },
  { id: 3, n: -1.5e3, nothing: null },
];

const framings: Record<string, string> = {
  'a JSON array': JSON.stringify(RECORDS),
  'a pretty-printed JSON array': JSON.stringify(RECORDS, null, 2),
  NDJSON: `${RECORDS.map((r) => JSON.stringify(r)).join('\n')}\n`,
  'NDJSON with CRLF and blank lines': `\r\n${RECORDS.map((r) => JSON.stringify(r)).join('\r\n\r\n')}`,
  'objects concatenated without whitespace': RECORDS.map((r) => JSON.stringify(r)).join(''),
  'pretty-printed objects one after another': RECORDS.map((r) => JSON.stringify(r, null, 4)).join(' \t'),
};

const read = async (text: string | Buffer, chunkSize?: number) => {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const records: JsonRecord[] = [];
  const source = chunkSize
    ? (async function* () {
        for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
      })()
    : bytes;
  const result = await readRecords(source, (r) => records.push(r));
  return { ...result, records };
};

const errorOf = async (text: string, chunkSize?: number) => {
  try {
    await read(text, chunkSize);
  } catch (err) {
    if (err instanceof DatasetSyntaxError) return { offset: err.offset, message: err.message };
    throw err;
  }
  throw new Error('expected a syntax error');
};

describe('the streaming reader', () => {
  test.each(Object.entries(framings))('reads the same records from %s', async (_, text) => {
    const out = await read(text);
    expect(out.records).toEqual(RECORDS);
    expect(out.bytes).toBe(Buffer.byteLength(text));
  });

  test.each([1, 2, 7, 64])('gives the same records when the bytes arrive in chunks of %i', async (size) => {
    for (const text of Object.values(framings)) {
      expect((await read(text, size)).records).toEqual(RECORDS);
    }
  });

  test('skips a UTF-8 byte order mark', async () => {
    const out = await read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]));
    expect(out.records).toEqual([{ a: 1 }]);
  });

  test('accepts an empty array as a file without records', async () => {
    expect((await read(' [ ] ')).records).toEqual([]);
  });

  test.each([
    ['a truncated record', '{"a": 1}\n{"a": [1, 2', 20],
    ['a truncated string', '{"a": "abc', 10],
    ['an unclosed array', '[{"a": 1}, {"a": 2}', 19],
    ['garbage between records', '{"a": 1} x {"a": 2}', 9],
    ['a bare value instead of a record', '[{"a": 1}, 2]', 11],
    ['a trailing comma in an array', '[{"a": 1},]', 10],
    ['a comma between concatenated objects', '{"a": 1}, {"a": 2}', 8],
    ['a missing value', '{"a": 1}\n{"b": }', 15],
    ['a mismatched bracket', '{"a": [1}', 8],
    ['a raw newline inside a string', '{"a": "x\ny"}', 8],
    ['data after the closing bracket', '[{"a": 1}] {"b": 2}', 11],
    ['an empty file', '  \n', 3],
    ['a top-level string', '"records"', 0],
    ['a non-ASCII key before the error (bytes, not characters)', '{"é€": tru}', 13],
  ])('rejects %s with the byte offset of the first error', async (_, text, offset) => {
    expect((await errorOf(text)).offset).toBe(offset);
    expect((await errorOf(text, 3)).offset).toBe(offset);
  });
});

describe('the nesting limit', () => {
  // `depth` objects, each the value of "a", around the value 1: `{"a":{"a":...1}}`.
  const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  const unwrap = (record: unknown, depth: number) => {
    let node = record;
    for (let level = 0; level < depth; level++) node = (node as { a: unknown }).a;
    return node;
  };

  test('reads a record nested exactly MAX_JSON_DEPTH levels', async () => {
    const { records } = await read(`[${nested(MAX_JSON_DEPTH)}]`);
    expect(MAX_JSON_DEPTH).toBe(64);
    expect(unwrap(records[0], MAX_JSON_DEPTH)).toBe(1);
  });

  test('refuses one level more at the bracket that opens it, naming the record', async () => {
    // The second NDJSON record starts at byte 8; its 65th '{' is 64 × 5 bytes into it.
    const text = `{"a": 1}\n${nested(MAX_JSON_DEPTH + 1)}`;
    for (const chunkSize of [undefined, 1, 7, 4096]) {
      const error = await errorOf(text, chunkSize);
      expect(error.offset).toBe(9 + 64 * 5);
      expect(error.message).toBe('nested deeper than 64 levels (in the record starting at byte 9)');
    }
  });

  test('counts arrays as levels too', async () => {
    const error = await errorOf(`{"a":${'['.repeat(64)}${']'.repeat(64)}}`);
    expect(error.offset).toBe(5 + 63);
  });

  test('fails fast on 100,000 unclosed objects instead of overflowing the stack', async () => {
    const error = await errorOf('{"a":'.repeat(100_000), 1000);
    expect(error.offset).toBe(64 * 5);
  });

  test('reports an earlier syntax error of the record before its depth', async () => {
    const error = await errorOf(`{"a" 1, "b": ${'['.repeat(100)}`);
    expect(error).toEqual({ offset: 5, message: `unexpected "1": expected ':'` });
  });

  test('the syntax checker reports deep nesting as a fault instead of recursing without bound', () => {
    expect(findSyntaxFault(Buffer.from(nested(10_000)))).toEqual({
      offset: 64 * 5,
      message: 'unexpected "{": nested deeper than 64 levels',
    });
    expect(findSyntaxFault(Buffer.from(nested(64)))).toBeUndefined();
  });
});
