import { describe, expect, test } from '@jest/globals';
import { circularMeanDegrees, minuteAverage } from '../../../shared/locations/averages.ts';

const point = (lat: number, long: number, accuracy: number, speed: number | null) => ({
  lat,
  long,
  accuracy,
  speed,
});

describe('minute averages', () => {
  test('lat, accuracy and speed are arithmetic means and count is the number of points', () => {
    // The first minute of a1 in the sample CSV, averaged by hand.
    const avg = minuteAverage('2017-07-30T04:18:00Z', [
      point(40.7563896179, -73.9760665894, 29.5, 0.0),
      point(40.7564201355, -73.9761123657, 16.0, 0.3),
      point(40.7565345764, -73.9759521484, 10.0, 1.2),
    ]);
    expect(avg.minute).toBe('2017-07-30T04:18:00Z');
    expect(avg.count).toBe(3);
    expect(avg.lat).toBeCloseTo(40.75644810993333, 12);
    expect(avg.long).toBeCloseTo(-73.97604370116667, 9);
    expect(avg.accuracy).toBeCloseTo(18.5, 12);
    expect(avg.speed).toBeCloseTo(0.5, 12);
  });

  test('null speeds are left out of the speed mean but the point still counts', () => {
    const avg = minuteAverage('m', [point(1, 1, 4, null), point(3, 3, 8, 2), point(5, 5, 0, 4)]);
    expect(avg.speed).toBeCloseTo(3, 12);
    expect(avg.accuracy).toBeCloseTo(4, 12);
    expect(avg.count).toBe(3);
  });

  test('a minute whose speeds are all null has a null speed', () => {
    expect(minuteAverage('m', [point(1, 1, 1, null), point(1, 1, 1, null)]).speed).toBeNull();
  });

  test('a single point is its own average', () => {
    const avg = minuteAverage('m', [point(-33.5, 151.25, 3, 0)]);
    expect(avg).toMatchObject({ lat: -33.5, accuracy: 3, speed: 0, count: 1 });
    expect(avg.long).toBeCloseTo(151.25, 10);
  });
});

describe('circular mean of longitudes', () => {
  test('points either side of the antimeridian average to ±180, not 0', () => {
    expect(Math.abs(circularMeanDegrees([179.9, -179.9]))).toBeCloseTo(180, 10);
  });

  test('170 and -160 (= 200) are 30° apart across the antimeridian: their mean is 185 = -175', () => {
    expect(circularMeanDegrees([170, -160])).toBeCloseTo(-175, 10);
  });

  test('-170 (= 190) and 160 average to 175', () => {
    expect(circularMeanDegrees([-170, 160])).toBeCloseTo(175, 10);
  });

  test('away from the antimeridian two points average to their midpoint', () => {
    expect(circularMeanDegrees([10, 20])).toBeCloseTo(15, 10);
    expect(circularMeanDegrees([-73.9758224487, -73.9755020142])).toBeCloseTo(-73.97566223145, 10);
  });

  test('the result never leaves [-180, 180]', () => {
    for (const values of [
      [180, 180],
      [-180, -180],
      [179.99999, -179.99999, 180],
    ]) {
      const mean = circularMeanDegrees(values);
      expect(mean).toBeGreaterThanOrEqual(-180);
      expect(mean).toBeLessThanOrEqual(180);
      expect(Math.abs(mean)).toBeCloseTo(180, 4);
    }
  });
});
