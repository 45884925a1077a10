import { describe, expect, test } from '@jest/globals';
import { isFuture, parseEventTime, utcDays } from '../../../shared/events/timestamps.ts';

describe('parseEventTime', () => {
  test('reads the space-separated form as UTC and keeps the fractional digits sent', () => {
    expect(parseEventTime('2021-01-01 09:15:27.243860')).toEqual({
      iso: '2021-01-01T09:15:27.243860Z',
      key: '2021-01-01T09:15:27.243860',
    });
    expect(parseEventTime('2021-01-01 08:00:00')?.iso).toBe('2021-01-01T08:00:00Z');
    expect(parseEventTime('2021-01-01 08:00:00.5')).toEqual({
      iso: '2021-01-01T08:00:00.5Z',
      key: '2021-01-01T08:00:00.500000',
    });
  });

  test('converts an offset to UTC without losing microseconds, across a day boundary', () => {
    expect(parseEventTime('2021-01-01T00:30:00.000001+01:00')?.iso).toBe('2020-12-31T23:30:00.000001Z');
    expect(parseEventTime('2020-12-31T19:00:00.25-05:30')?.iso).toBe('2021-01-01T00:30:00.25Z');
    expect(parseEventTime('2021-06-01T12:00:00Z')?.key).toBe('2021-06-01T12:00:00.000000');
  });

  test('rejects what names no instant', () => {
    for (const text of [
      'yesterday',
      '2021-02-30 10:00:00',
      '2021-13-01 10:00:00',
      '2021-01-01 24:00:00',
      '2021-01-01 10:60:00',
      '2021-01-01 10:00:00.1234567',
      '2021-01-01',
      '2021-01-01T10:00:00+25:00',
    ]) {
      expect(parseEventTime(text)).toBeUndefined();
    }
  });

  test('keys sort like the instants they name', () => {
    const texts = [
      '2021-01-01 09:15:27.5',
      '2021-01-01T10:15:27.2438+01:00',
      '2021-01-01 09:15:27.243861',
      '2021-01-01 09:15:27',
    ];
    const sorted = texts.map((t) => parseEventTime(t)!).sort((a, b) => (a.key < b.key ? -1 : 1));
    expect(sorted.map((t) => t.iso)).toEqual([
      '2021-01-01T09:15:27Z',
      '2021-01-01T09:15:27.2438Z',
      '2021-01-01T09:15:27.243861Z',
      '2021-01-01T09:15:27.5Z',
    ]);
  });
});

describe('isFuture', () => {
  const received = new Date('2024-05-01T12:00:00.000Z');
  test('allows up to 60 s after the time received, not a microsecond more', () => {
    expect(isFuture(parseEventTime('2024-05-01 12:01:00')!, received)).toBe(false);
    expect(isFuture(parseEventTime('2024-05-01 12:01:00.000001')!, received)).toBe(true);
    expect(isFuture(parseEventTime('2024-05-01T14:00:30+02:00')!, received)).toBe(false);
  });
});

describe('utcDays', () => {
  test('lists each UTC day of a range in order, across month, leap day and year ends', () => {
    expect(utcDays('2024-02-28T23:00:00.000000', '2024-03-01T00:00:00.000000')).toEqual([
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
    ]);
    expect(utcDays('2020-12-31T10:00:00.000000', '2021-01-01T01:00:00.000000')).toEqual([
      '2020-12-31',
      '2021-01-01',
    ]);
    expect(utcDays('2021-05-05T10:00:00.000000', '2021-05-05T11:00:00.000000')).toEqual(['2021-05-05']);
  });

  test('is empty for a reversed range and ends at the last representable day', () => {
    expect(utcDays('2021-05-06T00:00:00.000000', '2021-05-05T00:00:00.000000')).toEqual([]);
    expect(utcDays('9999-12-30T00:00:00.000000', '9999-12-31T23:59:59.999999')).toEqual([
      '9999-12-30',
      '9999-12-31',
    ]);
  });
});
