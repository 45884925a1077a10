import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type ReferenceServer, startReferenceServer } from '../../local/bus/ref-server.ts';
import { expectedStats } from './bus-expected.ts';
import { createApp, eventually, startTestStack, type TestStack } from './harness.ts';

let source: ReferenceServer;
let stack: TestStack;
let busKey: string;
beforeAll(async () => {
  source = await startReferenceServer({ seed: 'it-bus', recordsMin: 20, recordsMax: 80, latencyMsMax: 0 });
  stack = await startTestStack({ BUS_SOURCE_URL: source.url });
  busKey = (await createApp(stack, ['bus'], 'bus-client')).apiKey;
});
afterAll(async () => {
  await stack?.stop();
  await source?.stop();
});

const jobOf = async (id: string) =>
  (await stack.request('GET', `/process-request/${id}`, { token: busKey })).body;

describe('bus statistics', () => {
  test('a full job stores every city and the statistics match an independent computation', async () => {
    const [first, second] = await Promise.all([
      stack.request('POST', '/process-request?date=2024-03-01', { token: busKey }),
      stack.request('POST', '/process-request?date=2024-03-01', { token: busKey }),
    ]);
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ job_id: expect.any(String), date: '2024-03-01', status: 'queued' });
    expect(second.status).toBe(202);
    expect(second.body.job_id).toBe(first.body.job_id);

    const job = await eventually(async () => {
      const body = await jobOf(first.body.job_id);
      return body.status === 'succeeded' && body;
    }, 30_000);
    const expected = await expectedStats(source.url, '2024-03-01');
    expect(job).toEqual({
      job_id: first.body.job_id,
      date: '2024-03-01',
      status: 'succeeded',
      cities_total: 30,
      cities_done: 30,
      cities_failed: [],
      records: expected.records,
      bytes: expected.bytes,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      finished_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });

    const res = await stack.request('GET', '/country-stats?from=2024-02-29&to=2024-03-02', { token: busKey });
    expect(res.status).toBe(200);
    expect(res.body.from).toBe('2024-02-29');
    expect(res.body.to).toBe('2024-03-02');
    expect(res.body.missing_dates).toEqual(['2024-02-29', '2024-03-02']);
    expect(res.body.stats.map((s: { country: string }) => s.country)).toEqual(
      expected.stats.map((s) => s.country),
    );
    res.body.stats.forEach((item: Record<string, unknown>, i: number) => {
      const want = expected.stats[i]!;
      expect(item).toEqual({ ...want, average_delay_minutes: expect.any(Number) });
      expect(item.average_delay_minutes).toBeCloseTo(want.average_delay_minutes, 10);
    });
  });

  test('a new job for a finished date replaces its data and the statistics stay the same', async () => {
    const before = await stack.request('GET', '/country-stats?from=2024-03-01&to=2024-03-01', {
      token: busKey,
    });
    const again = await stack.request('POST', '/process-request?date=2024-03-01', { token: busKey });
    expect(again.status).toBe(202);
    await eventually(async () => (await jobOf(again.body.job_id)).status === 'succeeded', 30_000);
    const after = await stack.request('GET', '/country-stats?from=2024-03-01&to=2024-03-01', {
      token: busKey,
    });
    expect(after.body).toEqual(before.body);
  });

  test('an unknown job is 404 and a key without the bus scope is 403', async () => {
    const unknown = await stack.request('GET', '/process-request/no-such-job', { token: busKey });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    const eventsKey = (await createApp(stack, ['events'], 'no-bus')).apiKey;
    const denied = await stack.request('GET', '/country-stats?from=2024-03-01&to=2024-03-01', {
      token: eventsKey,
    });
    expect(denied.status).toBe(403);
  });

  test.each([
    ['no date', '/process-request'],
    ['a date that does not exist', '/process-request?date=2023-02-29'],
    ['a date in another format', '/process-request?date=01-03-2024'],
    [
      'a date in the future',
      `/process-request?date=${new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10)}`,
    ],
  ])('POST /process-request with %s is 400', async (_, path) => {
    const res = await stack.request('POST', path, { token: busKey });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details[0].path).toBe('date');
  });

  test.each([
    ['no dates', '/country-stats', 'from'],
    ['no to', '/country-stats?from=2024-03-01', 'to'],
    ['an impossible date', '/country-stats?from=2024-02-30&to=2024-03-01', 'from'],
    ['from after to', '/country-stats?from=2024-03-02&to=2024-03-01', 'from'],
    ['more than 366 dates', '/country-stats?from=2023-01-01&to=2024-01-02', 'to'],
  ])('GET /country-stats with %s is 400', async (_, path, field) => {
    const res = await stack.request('GET', path, { token: busKey });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
  });

  test('366 dates are allowed', async () => {
    const res = await stack.request('GET', '/country-stats?from=2024-01-01&to=2024-12-31', { token: busKey });
    expect(res.status).toBe(200);
    expect(res.body.missing_dates).toHaveLength(365);
  });
});
