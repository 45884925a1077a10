import { describe, expect, test } from '@jest/globals';
import { describeCategorical, describeNumeric } from '../../../shared/datasets/stats.ts';

describe('describe() statistics', () => {
  test('numeric statistics follow pandas: sample std and linearly interpolated percentiles', () => {
    // pandas.Series([1, 2, 3, 4, 10]).describe(): mean 4, std 3.535534, 25% 2, 50% 3, 75% 4
    const stats = describeNumeric(new Float64Array([10, 1, 4, 2, 3]));
    expect(stats).toEqual({
      count: 5,
      mean: 4,
      std: expect.any(Number),
      min: 1,
      p25: 2,
      p50: 3,
      p75: 4,
      max: 10,
    });
    expect(stats.std).toBeCloseTo(3.5355339059, 9);
  });

  test('percentiles interpolate between ranks', () => {
    // [1, 2, 3, 4]: 25% at rank 0.75 → 1.75; 50% → 2.5; 75% at rank 2.25 → 3.25
    expect(describeNumeric(new Float64Array([4, 3, 2, 1]))).toMatchObject({ p25: 1.75, p50: 2.5, p75: 3.25 });
  });

  test('one value has no standard deviation, and no values have no statistics', () => {
    expect(describeNumeric(new Float64Array([7]))).toMatchObject({ count: 1, mean: 7, std: null, p50: 7 });
    expect(describeNumeric(new Float64Array([]))).toMatchObject({ count: 0, mean: null, max: null });
  });

  test('categorical statistics count distinct values and break ties by first appearance', () => {
    const dict = ['b', 'a', 'c'];
    // b, a, a, b, c: a and b both appear twice; b was seen first
    expect(describeCategorical(new Int32Array([0, 1, 1, 0, 2]), dict)).toEqual({
      count: 5,
      unique: 3,
      top: 'b',
      freq: 2,
    });
    // a small group of a large dictionary counts only its own values
    expect(describeCategorical(new Int32Array([2]), [...dict, ...Array(100).fill('x')])).toEqual({
      count: 1,
      unique: 1,
      top: 'c',
      freq: 1,
    });
  });
});
