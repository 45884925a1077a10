import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { type ReferenceServer, startReferenceServer } from '../../local/bus/ref-server.ts';
import { expectedStats } from './bus-expected.ts';
import { createApp, eventually, startTestStack, type TestStack } from './harness.ts';

// A flaky upstream (a fifth of all calls answer 500) where city 7 never answers: the job retries the
// transient failures, reports city 7 in cities_failed, and keeps every other city's data.
let source: ReferenceServer;
let stack: TestStack;
beforeAll(async () => {
  source = await startReferenceServer({
    seed: 'it-bus-failures',
    recordsMin: 10,
    recordsMax: 40,
    latencyMsMax: 0,
    failureRate: 0.2,
    failingCities: [7],
  });
  stack = await startTestStack({ BUS_SOURCE_URL: source.url });
});
afterAll(async () => {
  await stack?.stop();
  await source?.stop();
});

test('transient failures are retried and a city that keeps failing is reported in cities_failed', async () => {
  const { apiKey } = await createApp(stack, ['bus'], 'bus-client');
  const post = await stack.request('POST', '/process-request?date=2024-01-15', { token: apiKey });
  expect(post.status).toBe(202);
  const job = await eventually(async () => {
    const res = await stack.request('GET', `/process-request/${post.body.job_id}`, { token: apiKey });
    return res.body.finished_at && res.body;
  }, 40_000);
  const failuresSeen = source.counts.failures;

  // The independent reading goes through the same flaky upstream: it reads again until it gets through.
  const expected = await eventually(
    () => expectedStats(source.url, '2024-01-15', [7]).catch(() => undefined),
    20_000,
    10,
  );
  expect(job).toMatchObject({
    status: 'failed',
    cities_total: 30,
    cities_done: 29,
    cities_failed: [7],
    records: expected.records,
    bytes: expected.bytes,
  });
  expect(failuresSeen).toBeGreaterThan(6);

  const stats = await stack.request('GET', '/country-stats?from=2024-01-15&to=2024-01-15', { token: apiKey });
  expect(stats.status).toBe(200);
  expect(stats.body.missing_dates).toEqual([]);
  expect(stats.body.stats.map(({ average_delay_minutes, ...rest }: Record<string, unknown>) => rest)).toEqual(
    expected.stats.map(({ average_delay_minutes, ...rest }) => rest),
  );
});
