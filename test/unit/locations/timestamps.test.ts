import { describe, expect, test } from '@jest/globals';
import { IANAZone } from 'luxon';
import { nauticalZone, timeZoneAt, toUtc, wallTimeToInstant } from '../../../shared/locations/timestamps.ts';

const NYC = { lat: 40.7563896179, long: -73.9760665894 };
const SYDNEY = { lat: -33.8688, long: 151.2093 };

const utc = (timestamp: string, lat: number, long: number) => {
  const result = toUtc(timestamp, lat, long);
  if (!result.ok) throw new Error(result.message);
  return result.value;
};

describe('local wall-clock time to UTC', () => {
  test('the sample datapoint of a1 in New York in July is read as EDT (UTC-4)', () => {
    const value = utc('2017-07-30 00:18:08.919', NYC.lat, NYC.long);
    expect(value).toMatchObject({
      utc: '2017-07-30T04:18:08.919Z',
      minute: '2017-07-30T04:18:00Z',
      zone: 'America/New_York',
    });
  });

  test('New York in January is EST (UTC-5)', () => {
    expect(utc('2017-01-01 13:05:12', 40.701, -73.916).utc).toBe('2017-01-01T18:05:12Z');
  });

  test('Sydney in January is summer time (UTC+11) and in July standard time (UTC+10)', () => {
    expect(utc('2021-01-15 09:00:00', SYDNEY.lat, SYDNEY.long)).toMatchObject({
      utc: '2021-01-14T22:00:00Z',
      zone: 'Australia/Sydney',
    });
    expect(utc('2021-07-15 09:00:00', SYDNEY.lat, SYDNEY.long).utc).toBe('2021-07-14T23:00:00Z');
  });

  test('Kolkata (UTC+5:30) and Kathmandu (UTC+5:45) keep their odd offsets', () => {
    expect(utc('2021-03-01 12:00:00', 22.5726, 88.3639)).toMatchObject({
      utc: '2021-03-01T06:30:00Z',
      zone: 'Asia/Kolkata',
    });
    expect(utc('2021-03-01 12:00:00', 27.7172, 85.324).utc).toBe('2021-03-01T06:15:00Z');
  });

  test('London in July is BST (UTC+1), the minute moving to the previous hour', () => {
    expect(utc('2021-07-01 00:00:30', 51.5074, -0.1278)).toMatchObject({
      utc: '2021-06-30T23:00:30Z',
      minute: '2021-06-30T23:00:00Z',
    });
  });

  test('fraction digits are kept exactly as sent, up to microseconds', () => {
    expect(utc('2021-01-01 09:15:27.243860', NYC.lat, NYC.long).utc).toBe('2021-01-01T14:15:27.243860Z');
    expect(utc('2021-01-01 08:00:00.5', NYC.lat, NYC.long).utc).toBe('2021-01-01T13:00:00.5Z');
    expect(utc('2021-01-01 08:00:00', NYC.lat, NYC.long).utc).toBe('2021-01-01T13:00:00Z');
  });

  test('the instant key is the same however many trailing zeros the fraction has', () => {
    const a = utc('2021-01-01 08:00:00.5', NYC.lat, NYC.long);
    const b = utc('2021-01-01 08:00:00.500000', NYC.lat, NYC.long);
    expect(a.instant).toBe('2021-01-01T13:00:00.500000Z');
    expect(b.instant).toBe(a.instant);
    expect(a.utc).not.toBe(b.utc);
  });
});

describe('explicit zone designators are honoured, whatever the place', () => {
  test('Z is UTC', () => {
    expect(utc('2017-07-30T00:18:08Z', NYC.lat, NYC.long)).toMatchObject({
      utc: '2017-07-30T00:18:08Z',
      zone: 'UTC',
    });
  });

  test('an offset with or without a colon is subtracted', () => {
    expect(utc('2017-07-30T00:18:08.25+05:30', NYC.lat, NYC.long).utc).toBe('2017-07-29T18:48:08.25Z');
    expect(utc('2017-07-30 00:18:08-0300', NYC.lat, NYC.long).utc).toBe('2017-07-30T03:18:08Z');
    expect(utc('2017-07-30 00:18:08+02', NYC.lat, NYC.long).utc).toBe('2017-07-29T22:18:08Z');
  });

  test('an offset beyond ±18:00 or with 60+ minutes is refused', () => {
    expect(toUtc('2017-07-30T00:18:08+19:00', 0, 0).ok).toBe(false);
    expect(toUtc('2017-07-30T00:18:08+05:60', 0, 0).ok).toBe(false);
  });
});

describe('daylight-saving edges', () => {
  test('a New York wall time skipped by spring-forward is shifted forward by the gap (02:30 → 03:30 EDT)', () => {
    expect(utc('2021-03-14 02:30:00', NYC.lat, NYC.long).utc).toBe('2021-03-14T07:30:00Z');
  });

  test('a New York wall time repeated by fall-back is the earlier instant (01:30 EDT, not EST)', () => {
    expect(utc('2021-11-07 01:30:00', NYC.lat, NYC.long).utc).toBe('2021-11-07T05:30:00Z');
    // One hour later on the wall clock, after the repeat, is unambiguous EST.
    expect(utc('2021-11-07 02:30:00', NYC.lat, NYC.long).utc).toBe('2021-11-07T07:30:00Z');
  });

  test('Sydney (southern hemisphere) skips 02:00–03:00 in October and repeats it in April', () => {
    expect(utc('2021-10-03 02:30:00', SYDNEY.lat, SYDNEY.long).utc).toBe('2021-10-02T16:30:00Z');
    expect(utc('2021-04-04 02:30:00', SYDNEY.lat, SYDNEY.long).utc).toBe('2021-04-03T15:30:00Z');
  });

  test('wall times just around a transition convert with the offset on their side', () => {
    expect(utc('2021-03-14 01:59:59', NYC.lat, NYC.long).utc).toBe('2021-03-14T06:59:59Z');
    expect(utc('2021-03-14 03:00:00', NYC.lat, NYC.long).utc).toBe('2021-03-14T07:00:00Z');
  });

  test('the gap rule agrees with shifting by the gap length computed from the zone offsets', () => {
    const zone = IANAZone.create('America/New_York');
    const wall = Date.UTC(2021, 2, 14, 2, 30);
    const before = zone.offset(Date.UTC(2021, 2, 13, 12));
    const after = zone.offset(Date.UTC(2021, 2, 15, 12));
    const shifted = wall + (after - before) * 60_000 - after * 60_000;
    expect(wallTimeToInstant(wall, zone)).toBe(shifted);
  });
});

describe('the zone at a point', () => {
  test('at sea it is the nautical Etc zone of the longitude', () => {
    expect(timeZoneAt(0, -150)).toBe('Etc/GMT+10');
    expect(utc('2021-06-01 12:00:00', 0, -150).utc).toBe('2021-06-01T22:00:00Z');
    expect(timeZoneAt(-40, 80)).toBe('Etc/GMT-5');
  });

  test('at a pole or on the antimeridian, where several zones meet, it is the nautical zone', () => {
    expect(timeZoneAt(90, 0)).toBe('Etc/GMT');
    expect(timeZoneAt(0, 180)).toBe('Etc/GMT-12');
    expect(timeZoneAt(0, -180)).toBe('Etc/GMT+12');
  });

  test('nautical zones carry the reversed sign of Etc names', () => {
    expect(nauticalZone(-75)).toBe('Etc/GMT+5');
    expect(nauticalZone(7)).toBe('Etc/GMT');
    expect(nauticalZone(120)).toBe('Etc/GMT-8');
  });

  test('either side of the US–Canada border at Niagara falls in its own zone family', () => {
    expect(timeZoneAt(43.0896, -79.0849)).toMatch(/^America\/(Toronto|New_York)$/);
    expect(timeZoneAt(49.0, -123.0)).toMatch(/^America\/(Vancouver|Los_Angeles)$/);
  });
});

describe('malformed timestamps', () => {
  test.each([
    ['2017-02-30 10:00:00', 'not a real calendar date'],
    ['2017-01-01 24:00:00', 'not a real calendar date'],
    ['2017-01-01 10:00', 'expected'],
    ['2017-01-01 10:00:00.1234567', 'expected'],
    ['01/01/2017 10:00:00', 'expected'],
    ['', 'expected'],
  ])('%j is refused', (timestamp, message) => {
    const result = toUtc(timestamp, NYC.lat, NYC.long);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
  });
});
