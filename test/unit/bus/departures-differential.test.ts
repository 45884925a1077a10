import { describe, expect, test } from '@jest/globals';
import { prng } from '../../reliability/inputs.ts';
import { departureFile, expectedTotals, scannedTotals } from './departure-files.ts';

// The scanner against an independent JSON.parse reading, on files generated from seeds: the usual
// layout mixed with every other spelling of the same departures, cut into chunks everywhere.

const bytesOf = (text: string) => new Uint8Array(Buffer.from(text));
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** Boundaries every `size` bytes. */
const every = (size: number, length: number) =>
  range(Math.ceil(length / size) - 1).map((i) => (i + 1) * size);

describe('DepartureScanner against JSON.parse', () => {
  test('gives the same totals for generated spellings of departures, cut into two chunks at every byte', () => {
    for (const seed of range(40)) {
      const rng = prng(seed);
      const bytes = bytesOf(departureFile(rng, 2 + rng.int(5), 0.5));
      const expected = expectedTotals(bytes);
      expect(expected).not.toBe('invalid');
      for (let cut = 0; cut <= bytes.length; cut++) {
        const got = scannedTotals(bytes, [cut]);
        if (JSON.stringify(got) !== JSON.stringify(expected)) {
          throw new Error(
            `seed ${seed}, cut at ${cut}: ${JSON.stringify(got)} ≠ ${JSON.stringify(expected)}`,
          );
        }
      }
    }
  });

  test('gives the same totals for generated files pushed in chunks of every small size', () => {
    for (const seed of range(40)) {
      const rng = prng(1000 + seed);
      const bytes = bytesOf(departureFile(rng, 5 + rng.int(20), 0.7));
      const expected = expectedTotals(bytes);
      for (const size of range(70).map((i) => i + 1)) {
        expect({ seed, size, totals: scannedTotals(bytes, every(size, bytes.length)) }).toEqual({
          seed,
          size,
          totals: expected,
        });
      }
    }
  });

  test('gives the same totals for large generated files at random chunk boundaries', () => {
    for (const seed of range(6)) {
      const rng = prng(2000 + seed);
      const bytes = bytesOf(departureFile(rng, 3000, [1, 0.99, 0.9, 0.5, 0.1, 0][seed]!));
      const boundaries: number[] = [];
      for (let at = rng.int(70_000); at < bytes.length; at += 1 + rng.int(rng.pick([10, 1000, 70_000]))) {
        boundaries.push(at);
      }
      expect(scannedTotals(bytes, boundaries)).toEqual(expectedTotals(bytes));
    }
  });

  test('refuses exactly what JSON.parse or the contract refuses, after random edits', () => {
    const alphabet = [...'{}[]":,\\ \n.eE+-0123456789tfnulrsaPTDHMS', 'true', 'false', 'null', '"PT1M"', 'é'];
    let refused = 0;
    for (const seed of range(1500)) {
      const rng = prng(3000 + seed);
      let text = departureFile(rng, 1 + rng.int(8), 0.8);
      for (let edits = 1 + rng.int(3); edits > 0; edits--) {
        const at = rng.int(text.length);
        const cut = rng.int(3);
        text = text.slice(0, at) + (rng.next() < 0.8 ? rng.pick(alphabet) : '') + text.slice(at + cut);
      }
      const bytes = bytesOf(text);
      const expected = expectedTotals(bytes);
      if (expected === 'invalid') refused++;
      for (const boundaries of [[], [rng.int(bytes.length + 1)], every(1 + rng.int(9), bytes.length)]) {
        const got = scannedTotals(bytes, boundaries);
        if (JSON.stringify(got) !== JSON.stringify(expected)) {
          throw new Error(
            `seed ${seed} ${JSON.stringify(text)}: ${JSON.stringify(got)} ≠ ${JSON.stringify(expected)}`,
          );
        }
      }
    }
    // Both outcomes were exercised, not only one.
    expect(refused).toBeGreaterThan(300);
    expect(refused).toBeLessThan(1400);
  });

  test('skips unknown values nested far deeper than a recursive reader could go', () => {
    const depth = 200_000;
    const deep = `${'[{"a":'.repeat(depth)}1${'}]'.repeat(depth)}`;
    const bytes = bytesOf(`[{"deep": ${deep}, "passengers": 3, "delay": "PT1M", "accident": true}]`);
    expect(scannedTotals(bytes, every(65_536, bytes.length))).toEqual({
      departures: 1,
      passengers: 3,
      accident: true,
      delayMs: 60_000,
      delayNs: 0,
    });
  });
});
