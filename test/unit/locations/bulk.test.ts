import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { bulkRows, csvRows, jsonRows, planImport } from '../../../shared/locations/bulk.ts';

const NOW = Date.parse('2021-06-01T12:00:00Z');
const SAMPLE = readFileSync(join(import.meta.dirname, '../../fixtures/locations-sample.csv'));
const csv = (text: string) => Buffer.from(text);

describe('CSV rows', () => {
  test('the sample file has 10 rows that all pass, 2 of them repeats of the row before', () => {
    const plan = planImport(csvRows(SAMPLE), NOW);
    expect(plan.rejected).toEqual([]);
    expect(plan.points).toHaveLength(8);
    expect(plan.repeats).toBe(2);
    expect(plan.points[0]).toMatchObject({ user_id: 'a1', timestamp_utc: '2017-07-30T04:18:08.919Z' });
    expect(plan.points[7]).toMatchObject({ user_id: 'b2', timestamp_utc: '2017-08-02T18:03:05.001Z' });
  });

  test('CRLF line ends, quoted fields, a BOM and a blank last line are read', () => {
    const text =
      '\uFEFFtimestamp,lat,long,accuracy,speed,user_id\r\n' +
      '"2017-01-01 13:05:12",40.701,-73.916,"11.3",,"a1"\r\n' +
      '2017-01-01 13:05:13,"40.702",-73.917,12,1.5,"user.with,comma"\r\n\r\n';
    const rows = csvRows(csv(text));
    expect(rows).toEqual([
      {
        input: {
          timestamp: '2017-01-01 13:05:12',
          lat: 40.701,
          long: -73.916,
          accuracy: 11.3,
          speed: null,
          user_id: 'a1',
        },
      },
      {
        input: {
          timestamp: '2017-01-01 13:05:13',
          lat: 40.702,
          long: -73.917,
          accuracy: 12,
          speed: 1.5,
          user_id: 'user.with,comma',
        },
      },
    ]);
  });

  test('columns may come in any order', () => {
    const rows = csvRows(
      csv('user_id,speed,accuracy,long,lat,timestamp\nz9,null,1,2,3,2017-01-01T00:00:00Z\n'),
    );
    expect(rows).toEqual([
      {
        input: {
          user_id: 'z9',
          speed: null,
          accuracy: 1,
          long: 2,
          lat: 3,
          timestamp: '2017-01-01T00:00:00Z',
        },
      },
    ]);
  });

  test('bad rows are rejected one by one with 1-based row numbers and the fields named', () => {
    const text = [
      'timestamp,lat,long,accuracy,speed,user_id',
      '2017-01-01 13:05:12,40.7,-73.9,10,1,ok',
      '2017-01-01 13:05:13,north,-73.9,10,1,bad-lat',
      '2017-01-01 13:05:14,40.7,-73.9,10,1',
      'soon,40.7,-73.9,-3,1,two-errors',
      '2017-01-01 13:05:16,40.7,-73.9,10,-2,bad speed',
    ].join('\n');
    const plan = planImport(csvRows(csv(text)), NOW);
    expect(plan.points.map((p) => p.user_id)).toEqual(['ok']);
    expect(plan.rejected).toEqual([
      { row: 2, errors: [{ path: 'lat', message: expect.any(String) }] },
      { row: 3, errors: [{ path: 'row', message: 'expected 6 fields, got 5' }] },
      { row: 4, errors: [{ path: 'accuracy', message: expect.any(String) }] },
      {
        row: 5,
        errors: [
          { path: 'speed', message: expect.any(String) },
          { path: 'user_id', message: expect.any(String) },
        ],
      },
    ]);
  });

  test('a timestamp error is reported once the other fields are valid', () => {
    const plan = planImport(csvRows(csv('timestamp,lat,long,accuracy,speed,user_id\nsoon,1,1,1,1,u\n')), NOW);
    expect(plan.rejected).toEqual([{ row: 1, errors: [{ path: 'timestamp', message: expect.any(String) }] }]);
  });

  test('a header with a missing or unknown column refuses the whole file, naming the columns', () => {
    expect(() => csvRows(csv('timestamp,lat,lng,accuracy,speed,user_id\n'))).toThrow(
      expect.objectContaining({
        code: 'validation_error',
        details: [
          { path: 'long', message: 'missing column' },
          { path: 'lng', message: 'unknown or repeated column' },
        ],
      }),
    );
  });

  test('an unterminated quote is a validation error, not a crash', () => {
    expect(() => csvRows(csv('timestamp,lat,long,accuracy,speed,user_id\n"2017-01-01,1,1,1,1,u\n'))).toThrow(
      expect.objectContaining({ status: 400, code: 'validation_error' }),
    );
  });

  test('more than 10,000 rows is 413', () => {
    const row = '2017-01-01 13:05:12,40.7,-73.9,10,1,u\n';
    const text = `timestamp,lat,long,accuracy,speed,user_id\n${row.repeat(10_001)}`;
    expect(() => csvRows(csv(text))).toThrow(expect.objectContaining({ status: 413 }));
    expect(csvRows(csv(`timestamp,lat,long,accuracy,speed,user_id\n${row.repeat(10_000)}`))).toHaveLength(
      10_000,
    );
  });
});

describe('JSON rows and media types', () => {
  const point = { timestamp: '2017-01-01 13:05:12', lat: 1, long: 2, accuracy: 3, speed: null, user_id: 'u' };

  test('a JSON array is read element by element', () => {
    expect(jsonRows(Buffer.from(JSON.stringify([point, 5])))).toEqual([{ input: point }, { input: 5 }]);
  });

  test('a JSON object that is not an array is a validation error; broken JSON is invalid_json', () => {
    expect(() => jsonRows(Buffer.from(JSON.stringify(point)))).toThrow(
      expect.objectContaining({ code: 'validation_error' }),
    );
    expect(() => jsonRows(Buffer.from('[{'))).toThrow(expect.objectContaining({ code: 'invalid_json' }));
  });

  test('an array nested deeper than 64 levels is a validation error, like any JSON body', () => {
    expect(jsonRows(Buffer.from(`${'['.repeat(64)}${']'.repeat(64)}`))).toHaveLength(1);
    expect(() => jsonRows(Buffer.from(`${'['.repeat(65)}${']'.repeat(65)}`))).toThrow(
      expect.objectContaining({ code: 'validation_error', message: expect.stringContaining('64 levels') }),
    );
  });

  test('more than 10,000 datapoints is 413', () => {
    expect(() => jsonRows(Buffer.from(JSON.stringify(new Array(10_001).fill(point))))).toThrow(
      expect.objectContaining({ status: 413 }),
    );
  });

  test('the content type picks the reader; anything else is 415', () => {
    expect(bulkRows(Buffer.from(JSON.stringify([point])), 'application/json')).toHaveLength(1);
    expect(bulkRows(Buffer.from(JSON.stringify([point])), '')).toHaveLength(1);
    expect(bulkRows(csv('timestamp,lat,long,accuracy,speed,user_id\n'), 'text/csv')).toEqual([]);
    expect(() => bulkRows(Buffer.from('x'), 'application/xml')).toThrow(
      expect.objectContaining({ status: 415 }),
    );
  });

  test('within one request the first of two rows at the same instant wins, even if the values differ', () => {
    const utcPoint = { ...point, timestamp: '2017-01-01T13:05:12Z' };
    const plan = planImport(
      jsonRows(
        Buffer.from(JSON.stringify([utcPoint, { ...utcPoint, lat: 9 }, { ...utcPoint, user_id: 'v' }])),
      ),
      NOW,
    );
    expect(plan.points.map((p) => [p.user_id, p.lat])).toEqual([
      ['u', 1],
      ['v', 1],
    ]);
    expect(plan.repeats).toBe(1);
  });
});
