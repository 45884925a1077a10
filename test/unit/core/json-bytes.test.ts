import { describe, expect, test } from '@jest/globals';
import { Fault, literalEnd, newScan, numberEnd, stringEnd, TRUE } from '../../../shared/core/json-bytes.ts';

const bytes = (text: string) => Buffer.from(text, 'latin1');

/** What a scan of the whole text gives: the index after the token, or the fault and where it is. */
const outcome = (scanOf: typeof stringEnd, text: string) => {
  const scan = newScan();
  const next = scanOf(bytes(text), 0, text.length, scan);
  return next >= 0 ? { next, escaped: scan.escaped } : { fault: next, at: scan.at };
};

describe('the shared JSON grammar pieces', () => {
  test('a string ends after its closing quote, and says whether it had escapes', () => {
    expect(outcome(stringEnd, '"ab" ,')).toEqual({ next: 4, escaped: false });
    expect(outcome(stringEnd, '"a\\"b\\u00e9" ,')).toEqual({ next: 12, escaped: true });
  });

  test('a broken string names the byte that breaks it, or the end when the data stops first', () => {
    expect(outcome(stringEnd, '"a\nb"')).toEqual({ fault: Fault.Control, at: 2 });
    expect(outcome(stringEnd, '"a\\qb"')).toEqual({ fault: Fault.Escape, at: 3 });
    expect(outcome(stringEnd, '"\\u12x4"')).toEqual({ fault: Fault.UnicodeEscape, at: 5 });
    expect(outcome(stringEnd, '"\\u12')).toEqual({ fault: Fault.UnicodeEscape, at: 5 });
    expect(outcome(stringEnd, '"abc')).toEqual({ fault: Fault.Unterminated, at: 4 });
  });

  test('a number follows the JSON grammar exactly', () => {
    expect(outcome(numberEnd, '-12.5e+3,')).toEqual({ next: 8, escaped: false });
    expect(outcome(numberEnd, '0123')).toEqual({ next: 1, escaped: false });
    expect(outcome(numberEnd, '-x')).toEqual({ fault: Fault.Digit, at: 1 });
    expect(outcome(numberEnd, '1.e5')).toEqual({ fault: Fault.FractionDigit, at: 2 });
    expect(outcome(numberEnd, '1e+')).toEqual({ fault: Fault.ExponentDigit, at: 3 });
  });

  test('a literal is matched byte by byte up to the first that differs', () => {
    const scan = newScan();
    expect(literalEnd(bytes('true]'), 0, 5, TRUE, scan)).toBe(4);
    expect(literalEnd(bytes('trie'), 0, 4, TRUE, scan)).toBe(Fault.Literal);
    expect(scan.at).toBe(2);
    expect(literalEnd(bytes('tr'), 0, 2, TRUE, scan)).toBe(Fault.Literal);
    expect(scan.at).toBe(2);
  });
});
