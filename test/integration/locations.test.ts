import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createApp, eventually, startTestStack, type TestStack } from './harness.ts';

const SAMPLE = readFileSync(join(import.meta.dirname, '../fixtures/locations-sample.csv'), 'utf8');

let stack: TestStack;
let key: string;
beforeAll(async () => {
  stack = await startTestStack();
  key = (await createApp(stack, ['locations'], 'phone-app')).apiKey;
});
afterAll(async () => {
  await stack?.stop();
});

const put = (body: unknown) => stack.request('PUT', '/location', { token: key, body });
const averages = (user: string, query = '') =>
  stack.request('GET', `/users/${user}/location-averages${query}`, { token: key });
/** Waits until the user's averages show `count` points in total. */
const settled = (user: string, count: number, query = '') =>
  eventually(async () => {
    const res = await averages(user, query);
    const total = res.body.items.reduce((sum: number, i: { count: number }) => sum + i.count, 0);
    return total === count && res.body;
  });

describe('the sample CSV', () => {
  test('is imported with its repeated rows dropped, converted from EDT, and averaged per UTC minute', async () => {
    const res = await stack.request('POST', '/locations', {
      token: key,
      body: SAMPLE,
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ stored: 8, duplicates: 2, rejected: [] });

    const a1 = await settled('a1', 5);
    expect(a1.user_id).toBe('a1');
    expect(a1.items.map((i: { minute: string; count: number }) => [i.minute, i.count])).toEqual([
      ['2017-07-30T04:18:00Z', 3],
      ['2017-07-30T04:19:00Z', 2],
    ]);
    // Hand-computed from the CSV rows of each minute.
    const [first, second] = a1.items;
    expect(first.lat).toBeCloseTo((40.7563896179 + 40.7564201355 + 40.7565345764) / 3, 10);
    expect(first.long).toBeCloseTo((-73.9760665894 - 73.9761123657 - 73.9759521484) / 3, 8);
    expect(first.accuracy).toBeCloseTo(18.5, 10);
    expect(first.speed).toBeCloseTo(0.5, 10);
    expect(second.lat).toBeCloseTo(40.7568511963, 10);
    expect(second.long).toBeCloseTo(-73.97566223145, 8);
    expect(second.accuracy).toBeCloseTo(6.5, 10);
    expect(second.speed).toBeCloseTo(1.25, 10);

    const again = await stack.request('PUT', '/location', {
      token: key,
      body: {
        timestamp: '2017-07-30 00:18:08.919',
        lat: 40.7563896179,
        long: -73.9760665894,
        accuracy: 29.5,
        speed: 0.0,
        user_id: 'a1',
      },
    });
    expect(again.body).toEqual({
      status: 'duplicate',
      user_id: 'a1',
      timestamp_utc: '2017-07-30T04:18:08.919Z',
      minute: '2017-07-30T04:18:00Z',
    });
  });
});

describe('PUT /location', () => {
  test('stores a point, answers duplicate for the same instant and keeps the first values', async () => {
    const point = {
      timestamp: '2021-01-15 09:00:00.25',
      lat: -33.8688,
      long: 151.2093,
      accuracy: 4,
      speed: 1,
      user_id: 'syd',
    };
    const first = await put(point);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/json');
    expect(first.body).toEqual({
      status: 'stored',
      user_id: 'syd',
      timestamp_utc: '2021-01-14T22:00:00.25Z',
      minute: '2021-01-14T22:00:00Z',
    });
    // The same instant written with an explicit offset and more fraction digits, other values.
    const second = await put({ ...point, timestamp: '2021-01-15T09:00:00.250+11:00', lat: 0, accuracy: 99 });
    expect(second.body.status).toBe('duplicate');
    const body = await settled('syd', 1);
    expect(body.items).toEqual([
      {
        minute: '2021-01-14T22:00:00Z',
        lat: -33.8688,
        long: expect.any(Number),
        accuracy: 4,
        speed: 1,
        count: 1,
      },
    ]);
  });

  test('concurrent duplicates leave exactly one point stored', async () => {
    const point = {
      timestamp: '2021-02-01T10:00:00.123456Z',
      lat: 1,
      long: 2,
      accuracy: 3,
      speed: null,
      user_id: 'race',
    };
    const results = await Promise.all(Array.from({ length: 25 }, () => put(point)));
    expect(results.map((r) => r.status)).toEqual(Array(25).fill(200));
    expect(results.filter((r) => r.body.status === 'stored')).toHaveLength(1);
    const body = await settled('race', 1);
    expect(body.items).toHaveLength(1);
    expect(body.items[0].count).toBe(1);
  });

  test('averages split at minute boundaries, wrap the antimeridian and skip null speeds', async () => {
    const base = { accuracy: 10, user_id: 'ship' };
    await Promise.all([
      put({ ...base, timestamp: '2021-03-01T11:59:59.999999Z', lat: -10, long: 179.9, speed: null }),
      put({ ...base, timestamp: '2021-03-01T12:00:00Z', lat: -10, long: 179.9, speed: null }),
      put({ ...base, timestamp: '2021-03-01T12:00:59.999Z', lat: -12, long: -179.9, speed: 4, accuracy: 20 }),
      put({ ...base, timestamp: '2021-03-01T12:01:00Z', lat: -11, long: -179.9, speed: null }),
    ]);
    const body = await settled('ship', 4);
    expect(body.items.map((i: { minute: string; count: number }) => [i.minute, i.count])).toEqual([
      ['2021-03-01T11:59:00Z', 1],
      ['2021-03-01T12:00:00Z', 2],
      ['2021-03-01T12:01:00Z', 1],
    ]);
    const middle = body.items[1];
    expect(middle.lat).toBeCloseTo(-11, 10);
    expect(Math.abs(middle.long)).toBeCloseTo(180, 8);
    expect(middle.accuracy).toBeCloseTo(15, 10);
    expect(middle.speed).toBe(4);
    expect(body.items[0].speed).toBeNull();
    expect(body.items[2].long).toBeCloseTo(-179.9, 8);

    const ranged = await averages('ship', '?from=2021-03-01T12:00:00Z&to=2021-03-01T12:01:00Z');
    expect(ranged.body.items.map((i: { minute: string }) => i.minute)).toEqual(['2021-03-01T12:00:00Z']);
  });

  test('a point at sea is read in the nautical zone', async () => {
    const res = await put({
      timestamp: '2021-06-01 12:00:00',
      lat: 0,
      long: -150,
      accuracy: 1,
      speed: 0,
      user_id: 'sea',
    });
    expect(res.body.timestamp_utc).toBe('2021-06-01T22:00:00Z');
  });

  test('every bad field is answered 400 with the fields named', async () => {
    const res = await put({
      timestamp: 'noon',
      lat: 91,
      long: -181,
      accuracy: -1,
      speed: -1,
      user_id: 'a b',
      x: 1,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(
      ['accuracy', 'lat', 'long', 'speed', 'user_id', 'x'].sort(),
    );
    const future = await put({
      timestamp: new Date(Date.now() + 6 * 60_000).toISOString(),
      lat: 1,
      long: 1,
      accuracy: 1,
      speed: 1,
      user_id: 'u',
    });
    expect(future.status).toBe(400);
    expect(future.body.error.details).toEqual([
      { path: 'timestamp', message: expect.stringContaining('future') },
    ]);
    const broken = await stack.request('PUT', '/location', { token: key, body: '{"lat":' });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('invalid_json');
  });
});

describe('numbers DynamoDB cannot store', () => {
  test('accuracy or speed above 1e9 is 400 naming the field; a magnitude below 1e-9 is stored as 0', async () => {
    const point = {
      timestamp: '2021-07-01T10:00:00Z',
      lat: 5e-324,
      long: -1e-200,
      speed: null,
      user_id: 'tiny',
    };
    const huge = await put({ ...point, accuracy: 1e308, speed: 1e20 });
    expect(huge.status).toBe(400);
    expect(huge.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'accuracy',
      'speed',
    ]);
    const tiny = await put({ ...point, accuracy: 5e-324 });
    expect(tiny.status).toBe(200);
    const bulk = await stack.request('POST', '/locations', {
      token: key,
      body: [
        { ...point, timestamp: '2021-07-01T10:00:30Z', accuracy: 2, speed: 5e-324 },
        { ...point, timestamp: '2021-07-01T10:00:40Z', accuracy: 1e308 },
      ],
    });
    expect(bulk.status).toBe(200);
    expect(bulk.body).toMatchObject({ stored: 1, rejected: [{ row: 2, errors: [{ path: 'accuracy' }] }] });
    const { items } = await settled('tiny', 2);
    expect(items).toEqual([
      { minute: '2021-07-01T10:00:00Z', lat: 0, long: 0, accuracy: 1, speed: 0, count: 2 },
    ]);
  });

  test('a JSON import nested deeper than 64 levels is 400', async () => {
    const res = await stack.request('POST', '/locations', {
      token: key,
      body: `[${'['.repeat(10_000)}${']'.repeat(10_000)}]`,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
  });
});

describe('POST /locations', () => {
  test('a CSV with bad rows stores the good ones and reports each bad row by number', async () => {
    const csv =
      'timestamp,lat,long,accuracy,speed,user_id\r\n' +
      '"2021-04-01 08:00:00",51.5074,-0.1278,5,,"lon"\r\n' +
      '2021-04-01 08:00:30,91,-0.1278,5,1,lon\r\n' +
      '2021-04-01 08:00:40,51.5,-0.12,5,1\r\n' +
      '2021-04-01 08:00:50,51.5,-0.12,five,1,lon\r\n';
    const res = await stack.request('POST', '/locations', {
      token: key,
      body: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      stored: 1,
      duplicates: 0,
      rejected: [
        { row: 2, errors: [{ path: 'lat', message: expect.any(String) }] },
        { row: 3, errors: [{ path: 'row', message: expect.any(String) }] },
        { row: 4, errors: [{ path: 'accuracy', message: expect.any(String) }] },
      ],
    });
    // London in April is BST: 08:00 local is 07:00 UTC.
    const body = await settled('lon', 1);
    expect(body.items[0]).toMatchObject({ minute: '2021-04-01T07:00:00Z', speed: null, count: 1 });
  });

  test('a JSON array is imported; a wrong header, a non-array or another media type is refused', async () => {
    const ok = await stack.request('POST', '/locations', {
      token: key,
      body: [
        { timestamp: '2021-05-01T00:00:00Z', lat: 1, long: 1, accuracy: 1, speed: null, user_id: 'j' },
        {},
      ],
    });
    expect(ok.status).toBe(200);
    expect(ok.body.stored).toBe(1);
    expect(ok.body.rejected[0].row).toBe(2);
    const header = await stack.request('POST', '/locations', {
      token: key,
      body: 'time,lat,long,accuracy,speed,user_id\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(header.status).toBe(400);
    expect(header.body.error.details).toEqual(
      expect.arrayContaining([{ path: 'timestamp', message: 'missing column' }]),
    );
    const object = await stack.request('POST', '/locations', { token: key, body: { user_id: 'j' } });
    expect(object.status).toBe(400);
    const xml = await stack.request('POST', '/locations', {
      token: key,
      body: '<x/>',
      headers: { 'content-type': 'application/xml' },
    });
    expect(xml.status).toBe(415);
    expect(xml.body.error.code).toBe('unsupported_media_type');
  });
});

describe('GET /users/{user_id}/location-averages', () => {
  test('an unknown user has no items; a bad user id or time is 400', async () => {
    const unknown = await averages('nobody');
    expect(unknown.status).toBe(200);
    expect(unknown.body).toEqual({ user_id: 'nobody', items: [], next_cursor: null });
    expect((await averages('a%20b')).status).toBe(400);
    expect((await averages('a1', '?from=yesterday')).status).toBe(400);
  });

  test('needs the locations scope', async () => {
    const other = await createApp(stack, ['events'], 'events-only');
    const res = await stack.request('GET', '/users/a1/location-averages', { token: other.apiKey });
    expect(res.status).toBe(403);
    expect((await stack.request('PUT', '/location', { token: null, body: {} })).status).toBe(401);
  });
});

test('the OpenAPI document describes the three location routes', async () => {
  const res = await stack.request('GET', '/openapi.json', { token: null });
  expect(res.body.paths['/location'].put).toBeDefined();
  expect(Object.keys(res.body.paths['/locations'].post.requestBody.content)).toEqual([
    'application/json',
    'text/csv',
  ]);
  expect(res.body.paths['/users/{user_id}/location-averages'].get).toBeDefined();
});
