import { describe, expect, test } from '@jest/globals';
import { histogram } from '../../../shared/datasets/stats.ts';

const sorted = (values: number[]) => Float64Array.from(values).sort();

// numpy.histogram(values, bins) gives the same edges and counts for each case below.
describe('histogram', () => {
  test('equal-width bins from min to max, the last bin closed', () => {
    expect(histogram(sorted([1, 2, 2, 3, 4, 5]), 4)).toEqual({
      edges: [1, 2, 3, 4, 5],
      counts: [1, 2, 1, 2],
    });
  });

  test('a value on an interior edge is counted in the bin it opens', () => {
    expect(histogram(sorted([0, 0.5, 1]), 2)).toEqual({ edges: [0, 0.5, 1], counts: [1, 2] });
  });

  test('one bin holds everything; a constant column falls in the last bin', () => {
    expect(histogram(sorted([3, -1, 7]), 1)).toEqual({ edges: [-1, 7], counts: [3] });
    expect(histogram(sorted([5, 5, 5]), 3)).toEqual({ edges: [5, 5, 5, 5], counts: [0, 0, 3] });
  });

  test('the counts add up to the values, and there are no values no histogram', () => {
    const values = sorted(Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 100));
    const h = histogram(values, 7)!;
    expect(h.edges).toHaveLength(8);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(histogram(new Float64Array(0), 5)).toBeNull();
  });
});
