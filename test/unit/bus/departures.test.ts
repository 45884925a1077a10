import { describe, expect, test } from '@jest/globals';
import { departureChunks } from '../../../local/bus/ref-server.ts';
import { DepartureScanner, type DepartureTotals } from '../../../shared/bus/departures.ts';

// An independent reading: JSON.parse and a regular expression for the durations.
const expected = (text: string) => {
  const rows = JSON.parse(text) as { passengers: number; delay: string; accident: boolean }[];
  let delayNs = 0n;
  for (const row of rows) {
    const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d+))?S)?)?$/.exec(row.delay)!;
    const [d, h, min, s, f] = [m[1], m[2], m[3], m[4], m[5]].map((x) => x ?? '0');
    const seconds = ((BigInt(d!) * 24n + BigInt(h!)) * 60n + BigInt(min!)) * 60n + BigInt(s!);
    delayNs += seconds * 1_000_000_000n + BigInt(f!.padEnd(9, '0').slice(0, 9));
  }
  return {
    departures: rows.length,
    passengers: rows.reduce((sum, r) => sum + r.passengers, 0),
    accident: rows.some((r) => r.accident),
    delayMs: Number(delayNs / 1_000_000n),
    delayNs: Number(delayNs % 1_000_000n),
  };
};

const scan = (text: string, chunkSize = text.length): DepartureTotals => {
  const bytes = Buffer.from(text);
  const scanner = new DepartureScanner();
  for (let i = 0; i < bytes.length; i += chunkSize) scanner.push(bytes.subarray(i, i + chunkSize));
  return scanner.end();
};

const sample = [...departureChunks({ seed: 'unit', recordsMin: 400, recordsMax: 400 }, 3, '2024-03-01')].join(
  '',
);

describe('DepartureScanner', () => {
  test('totals a file in the upstream layout exactly like an independent JSON.parse reading', () => {
    expect(scan(sample)).toEqual(expected(sample));
    expect(expected(sample).departures).toBe(400);
  });

  test('gives the same totals whatever the chunk boundaries', () => {
    const whole = scan(sample);
    for (const size of [1, 7, 64, 1000]) expect(scan(sample, size)).toEqual(whole);
  });

  test('gives the same totals for other key orders, whitespace, escapes and number spellings', () => {
    const rows = JSON.parse(sample) as Record<string, unknown>[];
    const reordered = JSON.stringify(
      rows.map((r) => ({ accident: r.accident, extra: { nested: [1, 'x}'] }, ...r })),
      null,
      '\t',
    );
    const escaped = sample
      .replaceAll('"delay"', '"del\\u0061y"')
      .replaceAll('"PT', '"\\u0050T')
      .replaceAll('"passengers": 5', '"passengers": 5.0e0, "passengers": 5');
    const whole = expected(sample);
    expect(scan(reordered, 13)).toEqual(whole);
    expect(scan(escaped, 29)).toEqual(whole);
  });

  test('reads records far longer than a chunk, whatever the chunk boundaries', () => {
    const rows = JSON.parse(sample) as Record<string, unknown>[];
    const padded = JSON.stringify(rows.slice(0, 40).map((r, i) => ({ note: 'x'.repeat(i * 150), ...r })));
    const whole = expected(padded);
    for (const size of [100, 511, 4096, 65536]) expect(scan(padded, size)).toEqual(whole);
  });

  test('reports the byte offset of an error whatever the chunk boundaries', () => {
    const text = `${sample.slice(0, -1)}, {"passengers": 1, "delay": "PT1M", "accident": "no"}]`;
    const at = text.lastIndexOf('"no"');
    for (const size of [1, 7, 64, 1000, text.length]) {
      expect(() => scan(text, size)).toThrow(`accident must be true or false at byte ${at}`);
    }
  });

  test('reads a key of the usual layout spelt one byte differently as another key', () => {
    const misspelt = sample.replace('"passengers"', '"passXngers"');
    expect(() => scan(misspelt)).toThrow('a departure needs passengers, delay and accident at byte 1');
  });

  test('refuses a file whose totals would no longer be exact in a double', () => {
    const row = `{"passengers": ${Number.MAX_SAFE_INTEGER}, "delay": "PT1S", "accident": false}`;
    expect(() => scan(`[${row}, ${row}]`)).toThrow(/totals too large to add up exactly at byte \d+/);
  });

  test('an empty array has no departures', () => {
    expect(scan(' [ ] ')).toEqual({ departures: 0, passengers: 0, accident: false, delayMs: 0, delayNs: 0 });
  });

  test.each([
    ['not an array', '{}'],
    ['an unfinished array', '[{"passengers": 1, "delay": "PT1M", "accident": false}'],
    ['a trailing comma', '[{"passengers": 1, "delay": "PT1M", "accident": false},]'],
    ['a missing field', '[{"passengers": 1, "delay": "PT1M"}]'],
    ['a bad duration', '[{"passengers": 1, "delay": "1 minute", "accident": false}]'],
    ['a fractional passenger count', '[{"passengers": 1.5, "delay": "PT1M", "accident": false}]'],
    ['a string accident', '[{"passengers": 1, "delay": "PT1M", "accident": "no"}]'],
    ['a key one escape away from accident', '[{"passengers": 1, "delay": "PT1M", "acciden\\u9074": false}]'],
    [
      'a wrong value that no later duplicate corrects',
      '[{"passengers": 1, "delay": "PT1M", "accident": false, "passengers": "2"}]',
    ],
    ['data after the array', '[] []'],
  ])('refuses %s', (_, text) => {
    expect(() => scan(text, 5)).toThrow(/at byte \d+/);
  });
});
