import { describe, expect, test } from '@jest/globals';
import { findGaps } from '../../../console/src/timeline.ts';

const at = (...seconds: number[]) => seconds.map((s) => s * 1000);

describe('findGaps', () => {
  test('finds the one pause much longer than the session rhythm', () => {
    expect(findGaps(at(0, 5, 10, 15, 300, 305))).toEqual([{ after: 3, startMs: 15_000, endMs: 300_000 }]);
  });

  test('of two steps, the long one is the gap', () => {
    expect(findGaps(at(0, 6, 480))).toEqual([{ after: 1, startMs: 6_000, endMs: 480_000 }]);
  });

  test('a steady session has none, however slow', () => {
    expect(findGaps(at(0, 60, 120, 180))).toEqual([]);
  });

  test('a pause under 30 s is no gap even in a fast session', () => {
    expect(findGaps(at(0, 1, 2, 3, 25))).toEqual([]);
  });

  test('one event or none has no gap', () => {
    expect(findGaps(at(7))).toEqual([]);
    expect(findGaps([])).toEqual([]);
  });
});
