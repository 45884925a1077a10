import { describe, expect, test } from '@jest/globals';
import { minuteRange } from '../../../shared/locations/minutes.ts';

describe('minute ranges of the averages query', () => {
  test('from is inclusive and to exclusive on whole minutes', () => {
    expect(minuteRange('2017-01-01T18:05:00Z', '2017-01-01T18:08:00Z')).toEqual({
      first: '2017-01-01T18:05:00Z',
      last: '2017-01-01T18:07:00Z',
      empty: false,
    });
  });

  test('a from inside a minute starts at the next minute; a to inside a minute keeps that minute', () => {
    expect(minuteRange('2017-01-01T18:05:00.001Z', '2017-01-01T18:07:30Z')).toEqual({
      first: '2017-01-01T18:06:00Z',
      last: '2017-01-01T18:07:00Z',
      empty: false,
    });
  });

  test('offsets are honoured and a zone-less value is UTC', () => {
    expect(minuteRange('2017-01-01T13:05:00-05:00').first).toBe('2017-01-01T18:05:00Z');
    expect(minuteRange(undefined, '2017-01-01T18:05:00').last).toBe('2017-01-01T18:04:00Z');
  });

  test('an empty or inverted range selects nothing', () => {
    expect(minuteRange('2017-01-01T18:05:00Z', '2017-01-01T18:05:00Z').empty).toBe(true);
    expect(minuteRange('2017-01-01T18:05:10Z', '2017-01-01T18:05:50Z').empty).toBe(true);
    expect(minuteRange('2017-01-02T00:00:00Z', '2017-01-01T00:00:00Z').empty).toBe(true);
  });

  test('no bounds select everything', () => {
    expect(minuteRange()).toEqual({ first: undefined, last: undefined, empty: false });
  });
});
