import { describe, expect, test } from '@jest/globals';
import { errorsQuery, eventsQuery } from '../../../shared/events/schemas.ts';
import { averagesQuery } from '../../../shared/locations/schemas.ts';

// API.md: every `from`/`to` pair with `from` later than `to` is a 400 on every route.
describe.each([
  ['GET /events', eventsQuery],
  ['GET /errors', errorsQuery],
  ['GET /users/{user_id}/location-averages', averagesQuery],
] as const)('%s query', (_route, schema) => {
  test('refuses from later than to, naming from', () => {
    const result = schema.safeParse({ from: '2024-03-02T00:00:00Z', to: '2024-03-01T00:00:00Z' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toContainEqual([
      'from',
      'must not be after to',
    ]);
  });

  test('compares instants, not spellings: an offset that puts from first is in order', () => {
    const result = schema.safeParse({ from: '2024-03-02T01:00:00+02:00', to: '2024-03-02T00:30:00Z' });
    expect(result.error?.issues.some((i) => i.message === 'must not be after to')).not.toBe(true);
  });

  test('an empty range (from = to) and one open end are in order', () => {
    expect(schema.safeParse({ from: '2024-03-01T00:00:00Z', to: '2024-03-01T00:00:00Z' }).success).toBe(true);
    expect(schema.safeParse({ from: '2024-03-01T00:00:00Z' }).success).toBe(true);
  });
});
