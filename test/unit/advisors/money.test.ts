import { describe, expect, test } from '@jest/globals';
import { fromCents, sumCents, toCents } from '../../../shared/advisors/money.ts';

describe('money', () => {
  test('reads decimals with up to 2 places as whole cents', () => {
    expect(toCents(0)).toEqual({ cents: 0 });
    expect(toCents(0.1)).toEqual({ cents: 10 });
    expect(toCents(0.2)).toEqual({ cents: 20 });
    expect(toCents(19.99)).toEqual({ cents: 1999 });
    expect(toCents(100000)).toEqual({ cents: 10_000_000 });
    expect(toCents(1234567.89)).toEqual({ cents: 123_456_789 });
    expect(toCents(9_999_999_999_999.99)).toEqual({ cents: 999_999_999_999_999 });
  });

  test('sums 0.1 and 0.2 to exactly 0.3', () => {
    const cents = [toCents(0.1), toCents(0.2)].map((c) => ('cents' in c ? c.cents : Number.NaN));
    expect(fromCents(sumCents(cents))).toBe(0.3);
  });

  test('refuses a third decimal instead of rounding it', () => {
    expect(toCents(1.005)).toEqual({ error: 'must have at most 2 decimal places' });
    expect(toCents(0.001)).toEqual({ error: 'must have at most 2 decimal places' });
    expect(toCents(1e-7)).toEqual({ error: 'must have at most 2 decimal places' });
  });

  test('refuses negative, non-finite and implausibly large amounts', () => {
    expect(toCents(-0.01)).toEqual({ error: 'must not be negative' });
    expect(toCents(Number.NaN)).toEqual({ error: 'must be a finite number' });
    expect(toCents(Number.POSITIVE_INFINITY)).toEqual({ error: 'must be a finite number' });
    expect(toCents(1e13)).toEqual({ error: 'must be less than 10000000000000' });
  });

  test('turns cents back into the JSON number with the same digits', () => {
    expect(fromCents(133_650_00)).toBe(133650);
    expect(fromCents(10_099)).toBe(100.99);
    expect(fromCents(1)).toBe(0.01);
  });
});
