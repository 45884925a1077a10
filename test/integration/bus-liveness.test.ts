import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { type ReferenceServer, startReferenceServer } from '../../local/bus/ref-server.ts';
import { queues } from '../reliability/queues.ts';
import { expectedStats } from './bus-expected.ts';
import { createApp, eventually, startTestStack, type TestStack } from './harness.ts';

// Bus jobs on the scaled-down timing profile (README): a job that counts no city for 6 s reads failed
// (deployed: 6 h). The upstream is the reference server behind a proxy the test steers: it can hold
// one city-day's answer until told to send it (then with a body of its own, so a write of it shows),
// and can answer the city list once with a city whose message SQS refuses.
const STALL_SECONDS = 6;

interface Hold {
  path: string;
  release?: () => void;
}

let source: ReferenceServer;
let proxy: Server;
let proxyUrl: string;
let stack: TestStack;
let busKey: string;
let hold: Hold | undefined;
let unqueueableCityOnce = false;

const LATE_BODY = JSON.stringify([
  {
    'departure-time': '2024-04-01T06:00:00',
    'bus-type': 'LATE',
    passengers: 999,
    delay: 'PT9H',
    accident: true,
  },
]);

beforeAll(async () => {
  source = await startReferenceServer({
    seed: 'it-bus-liveness',
    recordsMin: 10,
    recordsMax: 30,
    latencyMsMax: 0,
  });
  proxy = createServer(async (req, res) => {
    const path = req.url ?? '/';
    if (path === '/cities' && unqueueableCityOnce) {
      unqueueableCityOnce = false;
      const cities = (await (await fetch(`${source.url}/cities`)).json()) as object[];
      // Larger than any SQS message may be: the first SendMessageBatch of the job fails.
      res.end(JSON.stringify([{ id: 99, name: 'x'.repeat(1_100_000), country: 'Nowhere' }, ...cities]));
      return;
    }
    if (hold && path === hold.path && !hold.release) {
      const held = hold;
      await new Promise<void>((resolve) => {
        held.release = resolve;
      });
      res.end(LATE_BODY);
      return;
    }
    const upstream = await fetch(`${source.url}${path}`);
    res.writeHead(upstream.status, { 'content-type': 'application/json' });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  stack = await startTestStack({ BUS_SOURCE_URL: proxyUrl, BUS_JOB_STALL_SECONDS: String(STALL_SECONDS) });
  busKey = (await createApp(stack, ['bus'], 'bus-liveness')).apiKey;
});
afterAll(async () => {
  hold?.release?.();
  await stack?.stop();
  await new Promise((resolve) => proxy?.close(resolve));
  await source?.stop();
});

const jobOf = async (id: string) =>
  (await stack.request('GET', `/process-request/${id}`, { token: busKey })).body;
const request = (date: string) => stack.request('POST', `/process-request?date=${date}`, { token: busKey });

test('a failure to queue the cities leaves no job owning the date: the next request starts a new job', async () => {
  unqueueableCityOnce = true;
  const failed = await request('2024-04-02');
  expect(failed.status).toBe(500);
  const [stuck] = (await stack.request('GET', '/process-request?limit=1', { token: busKey })).body.items;
  expect(stuck).toMatchObject({ date: '2024-04-02', status: 'failed', cities_total: 31, cities_done: 0 });
  expect(stuck.cities_failed).toHaveLength(31);
  expect(stuck.finished_at).not.toBeNull();

  const again = await request('2024-04-02');
  expect(again.status).toBe(202);
  expect(again.body.job_id).not.toBe(stuck.job_id);
  const job = await eventually(async () => {
    const body = await jobOf(again.body.job_id);
    return body.status === 'succeeded' && body;
  }, 30_000);
  expect(job.cities_done).toBe(30);
});

test('a stalled job reads failed and frees its date; its late message never overwrites the newer data', async () => {
  const date = '2024-04-01';
  hold = { path: `/cities/7/stats?date=${date}` };
  const first = await request(date);
  const running = await eventually(async () => {
    const body = await jobOf(first.body.job_id);
    return body.cities_done === 29 && body;
  }, 30_000);
  expect(running.status).toBe('running');

  // A duplicate of a city already counted, delivered while the job is still in progress.
  const sqs = queues(stack);
  const city1 = ((await (await fetch(`${source.url}/cities`)).json()) as { id: number }[]).find(
    (c) => c.id === 1,
  );
  await sqs.send('busFetch', JSON.stringify({ job_id: first.body.job_id, date, city: city1 }));
  // Handled once only the held city's message is left in flight.
  await new Promise((r) => setTimeout(r, 300));
  await eventually(async () => {
    const depth = await sqs.depth(await sqs.queueUrl('busFetch'));
    return depth.visible === 0 && depth.inFlight === 1;
  }, 5_000);
  const afterDuplicate = await jobOf(first.body.job_id);
  expect(afterDuplicate).toEqual(running);

  const stalled = await eventually(
    async () => {
      const body = await jobOf(first.body.job_id);
      return body.status === 'failed' && body;
    },
    (STALL_SECONDS + 10) * 1000,
  );
  expect(stalled).toMatchObject({ cities_done: 29, cities_failed: [7] });
  expect(Date.parse(stalled.finished_at)).toBeGreaterThan(Date.parse(running.created_at));

  const second = await request(date);
  expect(second.status).toBe(202);
  expect(second.body.job_id).not.toBe(first.body.job_id);
  const replaced = await eventually(async () => {
    const body = await jobOf(second.body.job_id);
    return body.status === 'succeeded' && body;
  }, 30_000);

  // The first job's fetch of city 7 now gets its (different) answer, after the newer job stored city 7.
  hold.release!();
  await sqs.drained('busFetch', 20_000);
  const expected = await expectedStats(source.url, date);
  const stats = await stack.request('GET', `/country-stats?from=${date}&to=${date}`, { token: busKey });
  expect(stats.body.stats.map(({ average_delay_minutes, ...rest }: Record<string, unknown>) => rest)).toEqual(
    expected.stats.map(({ average_delay_minutes, ...rest }) => rest),
  );
  expect(await jobOf(first.body.job_id)).toEqual(stalled);
  expect(await jobOf(second.body.job_id)).toEqual(replaced);

  const page = await stack.request('GET', '/process-request?limit=1', { token: busKey });
  expect(page.body.items.map((j: { job_id: string }) => j.job_id)).toEqual([second.body.job_id]);
  const next = await stack.request('GET', `/process-request?limit=1&cursor=${page.body.next_cursor}`, {
    token: busKey,
  });
  expect(next.body.items).toEqual([stalled]);
});
