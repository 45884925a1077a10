import { describe, expect, test } from '@jest/globals';
import { counterAttributes, summarize, summaryRange } from '../../../shared/events/summary.ts';

const hover = { owner: 'app', category: 'mouse', name: 'hover', schema_version: 2 };
const unknown = { owner: null, category: 'mouse', name: 'click', schema_version: null };
const counter = (hour: string, counts: Record<string, number>) => ({ hour, ...counts });
const add = (into: Record<string, number>, attributes: string[], n = 1) => {
  for (const a of attributes) into[a] = (into[a] ?? 0) + n;
  return into;
};

describe('summarize', () => {
  test('adds the shards and hours of a range into counts by code and by type, with a daily series', () => {
    // By hand: 3 invalid_payload of mouse/hover v2 (2 on day 1, 1 on day 2), 1 unknown_event_type on day 1,
    // one of the payload errors replayed.
    const h1 = add(
      add({}, counterAttributes('invalid_payload', hover), 2),
      counterAttributes('unknown_event_type', unknown),
    );
    const h2 = add({ replayed: 1 }, counterAttributes('invalid_payload', hover));
    const items = [
      counter('2024-03-01T10', h1),
      counter('2024-03-02T23', h2),
      // Another shard of the first hour, empty but for an attribute the summary does not know.
      counter('2024-03-01T10', {}),
    ];
    expect(
      summarize({ from: '2024-03-01T00:00:00Z', to: '2024-03-03T00:00:00Z', interval: 'day' }, items),
    ).toEqual({
      from: '2024-03-01T00:00:00Z',
      to: '2024-03-03T00:00:00Z',
      total: 4,
      by_code: { invalid_payload: 3, unknown_event_type: 1 },
      by_type: [
        { ...hover, code: 'invalid_payload', count: 3 },
        { ...unknown, code: 'unknown_event_type', count: 1 },
      ],
      replayed: 1,
      series: [
        { start: '2024-03-01T00:00:00Z', by_code: { invalid_payload: 2, unknown_event_type: 1 } },
        { start: '2024-03-02T00:00:00Z', by_code: { invalid_payload: 1 } },
      ],
    });
  });

  test('an hourly series has one item per hour, empty ones included', () => {
    const summary = summarize(
      { from: '2024-03-01T10:00:00Z', to: '2024-03-01T13:00:00Z', interval: 'hour' },
      [counter('2024-03-01T11', add({}, counterAttributes('future_timestamp', hover)))],
    );
    expect(summary.series?.map((s) => [s.start, s.by_code])).toEqual([
      ['2024-03-01T10:00:00Z', {}],
      ['2024-03-01T11:00:00Z', { future_timestamp: 1 }],
      ['2024-03-01T12:00:00Z', {}],
    ]);
  });
});

describe('summaryRange', () => {
  test.each([
    ['2024-03-01T10:30:00Z', '2024-03-01T12:00:00Z'],
    ['2024-03-01T10:00:00', '2024-03-01T12:00:00Z'],
    ['2024-03-01T12:00:00Z', '2024-03-01T12:00:00Z'],
    ['2024-03-01T13:00:00Z', '2024-03-01T12:00:00Z'],
    ['2024-03-01T00:00:00Z', '2024-04-02T00:00:00Z'],
    ['2024-02-30T00:00:00Z', '2024-03-02T00:00:00Z'],
  ])('refuses from=%s to=%s with a 400', (from, to) => {
    expect(() => summaryRange({ from, to })).toThrow(expect.objectContaining({ status: 400 }));
  });

  test('takes whole hours up to 31 days apart', () => {
    expect(summaryRange({ from: '2024-03-01T00:00:00Z', to: '2024-04-01T00:00:00.000Z' })).toMatchObject({
      fromHour: '2024-03-01T00',
      toHour: '2024-04-01T00',
    });
  });
});
