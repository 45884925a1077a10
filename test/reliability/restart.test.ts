import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { type ReferenceServer, startReferenceServer } from '../../local/bus/ref-server.ts';
import { expectedStats } from '../integration/bus-expected.ts';
import { allPages, createApp, eventually, startTestStack, type TestStack } from '../integration/harness.ts';
import { advisorsFile, pageview, point } from './inputs.ts';

// Every feature with background work is given some, then the stack is restarted (SIGTERM) while that
// work is under way; afterwards everything that was acknowledged must be there, counted exactly.

const EVENTS = 300;
const USERS = 4;
const PINGS_PER_USER = 30;
const DATASET_RECORDS = 2000;
const CLIENTS = 300;
const ADVISORS = 20;
const BUS_DATE = '2024-03-01';

let source: ReferenceServer;
let stack: TestStack;
let key: string;
let jobId: string;
let datasetId: string;
const lost: Record<string, number> = {};

beforeAll(async () => {
  // The upstream lives outside the stack, so it is still answering when the restarted pollers resume.
  source = await startReferenceServer({
    seed: 'rel-restart',
    recordsMin: 20,
    recordsMax: 40,
    latencyMsMax: 800,
  });
  stack = await startTestStack({ BUS_SOURCE_URL: source.url });
  key = (await createApp(stack, ['events', 'bus', 'locations', 'advisors', 'datasets'], 'restart')).apiKey;
  const as = { token: key };

  const job = await stack.request('POST', `/process-request?date=${BUS_DATE}`, as);
  expect(job.status).toBe(202);
  jobId = job.body.job_id;

  const upload = await stack.request('POST', '/datasets/uploads', { ...as, body: { name: 'restart' } });
  expect(upload.status).toBe(201);
  datasetId = upload.body.id;
  const records = Array.from({ length: DATASET_RECORDS }, (_, i) => JSON.stringify({ i, v: i % 7 })).join(
    '\n',
  );
  expect((await fetch(upload.body.upload_url, { method: 'PUT', body: records })).status).toBe(200);

  const batches = Array.from({ length: EVENTS / 100 }, (_, b) =>
    Array.from({ length: 100 }, (_, i) => pageview(`restart-${b * 100 + i}`, `restart-${i % 3}`)),
  );
  const posted = await Promise.all(
    batches.map((events) => stack.request('POST', '/events', { ...as, body: events })),
  );
  expect(posted.map((r) => r.status)).toEqual(batches.map(() => 202));

  // One ping per second per user, spread over a few minutes: many minute recomputations are queued.
  for (let i = 0; i < PINGS_PER_USER; i += 10) {
    const wave = Array.from({ length: USERS * 10 }, (_, j) => {
      const second = i + (j % 10);
      const at = `2017-01-01T13:0${Math.floor(second / 10)}:${String(second % 60).padStart(2, '0')}Z`;
      return stack.request('PUT', '/location', { ...as, body: point(`restart-u${Math.floor(j / 10)}`, at) });
    });
    expect((await Promise.all(wave)).every((r) => r.status === 200)).toBe(true);
  }

  const imported = await stack.request('POST', '/advisors/import', {
    ...as,
    body: advisorsFile(CLIENTS, ADVISORS),
  });
  expect(imported.body).toEqual({
    clients: { created: CLIENTS, updated: 0 },
    advisors: { created: ADVISORS, updated: 0 },
  });

  await stack.restart();
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  await source?.stop();
  const total = Object.values(lost).reduce((a, b) => a + b, 0);
  console.log(`restart: records lost ${total} ${JSON.stringify(lost)}`);
});

const get = (path: string) => stack.request('GET', path, { token: key });

/** Polls until `count()` reaches `want` (or time runs out) and records the shortfall as lost. */
const settle = async (feature: string, want: number, count: () => Promise<number>, timeoutMs = 30_000) => {
  let got = 0;
  try {
    await eventually(
      async () => {
        got = await count();
        return got >= want;
      },
      timeoutMs,
      250,
    );
  } catch {
    // The shortfall is the finding; it is reported below.
  }
  lost[feature] = Math.max(0, want - got);
  return got;
};

test('events acknowledged before the restart are all stored, once', async () => {
  const ids = new Set<string>();
  const got = await settle('events', EVENTS, async () => {
    ids.clear();
    for (let s = 0; s < 3; s++) {
      const res = await get(`/events?session_id=restart-${s}&limit=1000`);
      for (const e of res.body.items) ids.add(e.id);
    }
    return ids.size;
  });
  expect(got).toBe(EVENTS);
});

test('location averages count every ping stored before the restart', async () => {
  const counts = async () => {
    let sum = 0;
    for (let u = 0; u < USERS; u++) {
      const res = await get(`/users/restart-u${u}/location-averages`);
      sum += res.body.items.reduce((n: number, item: { count: number }) => n + item.count, 0);
    }
    return sum;
  };
  expect(await settle('location pings', USERS * PINGS_PER_USER, counts)).toBe(USERS * PINGS_PER_USER);
});

test('a bus job running during the restart still finishes with every city and every record', async () => {
  const expected = await expectedStats(source.url, BUS_DATE);
  const job = await eventually(async () => {
    const body = (await get(`/process-request/${jobId}`)).body;
    return body.finished_at !== null && body;
  }, 40_000);
  lost['bus records'] = Math.max(0, expected.records - job.records);
  expect(job).toMatchObject({
    status: 'succeeded',
    cities_done: 30,
    cities_failed: [],
    records: expected.records,
  });
});

test('a presigned upload stored just before the restart is imported', async () => {
  let status = '';
  const got = await settle('dataset records', DATASET_RECORDS, async () => {
    const body = (await get(`/datasets/${datasetId}`)).body;
    status = body.status;
    return body.status === 'ready' ? body.records : 0;
  });
  expect({ status, records: got }).toEqual({ status: 'ready', records: DATASET_RECORDS });
});

test('advisors and clients imported before the restart are all there, and a re-import changes nothing', async () => {
  const pages = async (path: string) =>
    (await allPages(stack, `${path}?limit=1000`, { token: key })).items.length;
  expect(await settle('clients', CLIENTS, () => pages('/clients'), 5_000)).toBe(CLIENTS);
  expect(await settle('advisors', ADVISORS, () => pages('/advisors'), 5_000)).toBe(ADVISORS);
  const again = await stack.request('POST', '/advisors/import', {
    token: key,
    body: advisorsFile(CLIENTS, ADVISORS),
  });
  expect(again.body).toEqual({ clients: { created: 0, updated: 0 }, advisors: { created: 0, updated: 0 } });
});
