import { describe, expect, test } from '@jest/globals';
import { dateCount, datesBetween, isCalendarDate, isFutureDate } from '../../../shared/bus/dates.ts';

describe('calendar dates', () => {
  test('accepts real dates, including 29 February of a leap year', () => {
    expect(['2024-03-01', '2024-02-29', '2000-02-29', '1999-12-31'].every(isCalendarDate)).toBe(true);
  });

  test('refuses dates that do not exist or are not YYYY-MM-DD', () => {
    const bad = ['2023-02-29', '2024-02-30', '2024-13-01', '2024-00-10', '2024-1-01', '20240301', 'x', ''];
    expect(bad.filter(isCalendarDate)).toEqual([]);
  });

  test('a date is in the future only when it is later than today in UTC', () => {
    const now = new Date('2024-03-01T23:30:00Z');
    expect(isFutureDate('2024-03-01', now)).toBe(false);
    expect(isFutureDate('2024-03-02', now)).toBe(true);
  });

  test('lists every date of a range across a month and a leap day', () => {
    expect(datesBetween('2024-02-28', '2024-03-01')).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
    expect(dateCount('2024-02-28', '2024-03-01')).toBe(3);
    expect(dateCount('2024-01-01', '2024-12-31')).toBe(366);
  });
});
