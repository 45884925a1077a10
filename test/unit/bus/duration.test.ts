import { describe, expect, test } from '@jest/globals';
import { parseIsoDuration } from '../../../shared/bus/duration.ts';

describe('parseIsoDuration', () => {
  test.each([
    ['PT0S', 0, 0],
    ['PT45M', 2_700_000, 0],
    ['PT1H5M30S', 3_930_000, 0],
    ['P0DT0H5M0S', 300_000, 0],
    ['PT12.5S', 12_500, 0],
    ['PT12,5S', 12_500, 0],
    ['P1D', 86_400_000, 0],
    ['P1DT1S', 86_401_000, 0],
    ['PT0.000000001S', 0, 1],
    ['PT1.234567891S', 1234, 567_891],
    ['PT90M', 5_400_000, 0],
  ])('reads %s as %i ms and %i ns', (text, ms, ns) => {
    expect(parseIsoDuration(text)).toEqual({ ms, ns });
  });

  test.each([
    '',
    'P',
    'PT',
    'P1DT',
    'PT5',
    'T5M',
    'pt5m',
    'PT-5M',
    'PT5M5H',
    'PT5M5M',
    'P1Y',
    'P1M',
    'P1W',
    'P5H',
    'PT1D',
    'PT1.5M',
    'PT1.S',
    'PT.5S',
    'PT1.0000000001S',
    'PT5M ',
    ' PT5M',
    'PT1000000000000S',
    'PT５M',
  ])('refuses %j', (text) => {
    expect(parseIsoDuration(text)).toBeUndefined();
  });
});
