import { describe, expect, test } from '@jest/globals';
import { checkDatapoint, requireDatapoint } from '../../../shared/locations/datapoint.ts';

const NOW = Date.parse('2021-06-01T12:00:00Z');
const valid = {
  timestamp: '2017-01-01 13:05:12',
  lat: 40.701,
  long: -73.916,
  accuracy: 11.3,
  speed: 1.4,
  user_id: 'a1',
};

const errorsOf = (input: unknown) => {
  const checked = checkDatapoint(input, NOW);
  return checked.ok ? [] : checked.errors;
};
const pathsOf = (input: unknown) => errorsOf(input).map((e) => e.path);

describe('a valid datapoint', () => {
  test('is converted to UTC with its minute', () => {
    const checked = checkDatapoint(valid, NOW);
    expect(checked).toEqual({
      ok: true,
      point: {
        ...valid,
        zone: 'America/New_York',
        timestamp_utc: '2017-01-01T18:05:12Z',
        instant: '2017-01-01T18:05:12.000000Z',
        minute: '2017-01-01T18:05:00Z',
      },
    });
  });

  test('may have a null or missing speed, both stored as null', () => {
    expect(checkDatapoint({ ...valid, speed: null }, NOW)).toMatchObject({
      ok: true,
      point: { speed: null },
    });
    const { speed: _, ...withoutSpeed } = valid;
    expect(checkDatapoint(withoutSpeed, NOW)).toMatchObject({ ok: true, point: { speed: null } });
  });

  test('accepts the bounds of every range', () => {
    for (const edge of [
      { lat: -90, long: -180, accuracy: 0, speed: 0 },
      { lat: 90, long: 180, accuracy: 0, speed: 0 },
    ]) {
      expect(checkDatapoint({ ...valid, ...edge }, NOW).ok).toBe(true);
    }
    expect(checkDatapoint({ ...valid, user_id: 'A-z_0.9'.padEnd(128, 'x') }, NOW).ok).toBe(true);
  });

  test('accepts accuracy and speed up to 1e9', () => {
    expect(checkDatapoint({ ...valid, accuracy: 1e9, speed: 1e9 }, NOW)).toMatchObject({
      ok: true,
      point: { accuracy: 1e9, speed: 1e9 },
    });
  });

  test('stores a magnitude below 1e-9 as 0 and keeps 1e-9 itself', () => {
    const tiny = { lat: 5e-324, long: -1e-10, accuracy: 9.9e-10, speed: 1e-200 };
    expect(checkDatapoint({ ...valid, ...tiny }, NOW)).toMatchObject({
      ok: true,
      point: { lat: 0, long: 0, accuracy: 0, speed: 0 },
    });
    const smallest = { lat: 1e-9, long: -1e-9, accuracy: 1e-9, speed: 1e-9 };
    expect(checkDatapoint({ ...valid, ...smallest }, NOW)).toMatchObject({ ok: true, point: smallest });
  });

  test('may lie up to 5 minutes in the future', () => {
    expect(checkDatapoint({ ...valid, timestamp: '2021-06-01T12:04:59.999999Z' }, NOW).ok).toBe(true);
    expect(checkDatapoint({ ...valid, timestamp: '2021-06-01T12:05:00Z' }, NOW).ok).toBe(true);
  });
});

describe('every validation rule names the offending field', () => {
  test.each([
    ['lat above 90', { lat: 90.0001 }, 'lat'],
    ['lat below -90', { lat: -91 }, 'lat'],
    ['lat as a string', { lat: '40.7' }, 'lat'],
    ['long above 180', { long: 180.5 }, 'long'],
    ['long below -180', { long: -181 }, 'long'],
    ['negative accuracy', { accuracy: -0.1 }, 'accuracy'],
    ['null accuracy', { accuracy: null }, 'accuracy'],
    ['negative speed', { speed: -1 }, 'speed'],
    ['accuracy above 1e9 metres', { accuracy: 1.0000001e9 }, 'accuracy'],
    ['accuracy of 1e308 (no DynamoDB number)', { accuracy: 1e308 }, 'accuracy'],
    ['speed above 1e9 m/s', { speed: 2e9 }, 'speed'],
    ['speed of 1e308', { speed: 1e308 }, 'speed'],
    ['speed as a string', { speed: 'fast' }, 'speed'],
    ['empty user_id', { user_id: '' }, 'user_id'],
    ['user_id with a space', { user_id: 'a 1' }, 'user_id'],
    ['user_id with a slash', { user_id: 'a/1' }, 'user_id'],
    ['user_id of 129 characters', { user_id: 'u'.repeat(129) }, 'user_id'],
    ['numeric user_id', { user_id: 17 }, 'user_id'],
    ['timestamp as a number', { timestamp: 1483275912 }, 'timestamp'],
    ['timestamp not a date', { timestamp: 'yesterday' }, 'timestamp'],
    ['timestamp on 31 April', { timestamp: '2017-04-31 10:00:00' }, 'timestamp'],
    ['timestamp with 7 fraction digits', { timestamp: '2017-01-01 10:00:00.1234567' }, 'timestamp'],
    ['timestamp more than 5 minutes ahead', { timestamp: '2021-06-01T12:05:00.000001Z' }, 'timestamp'],
    ['local timestamp far in the future', { timestamp: '2030-01-01 00:00:00' }, 'timestamp'],
  ])('%s', (_, change, path) => {
    expect(pathsOf({ ...valid, ...change })).toEqual([path]);
  });

  test('each missing field is named', () => {
    expect(pathsOf({}).sort()).toEqual(['accuracy', 'lat', 'long', 'timestamp', 'user_id']);
  });

  test('unknown fields are named one by one', () => {
    expect(pathsOf({ ...valid, altitude: 12, heading: 3 })).toEqual(['altitude', 'heading']);
  });

  test('several bad fields are all reported together', () => {
    expect(pathsOf({ ...valid, lat: 100, long: -200, accuracy: -1 })).toEqual(['lat', 'long', 'accuracy']);
  });

  test('a body that is not an object is refused as a whole', () => {
    expect(pathsOf([valid])).toEqual(['body']);
    expect(pathsOf(undefined)).toEqual(['body']);
  });

  test('requireDatapoint throws a 400 validation error carrying the details', () => {
    expect(() => requireDatapoint({ ...valid, lat: 91 }, NOW)).toThrow(
      expect.objectContaining({
        status: 400,
        code: 'validation_error',
        details: [expect.objectContaining({ path: 'lat' })],
      }),
    );
  });
});
