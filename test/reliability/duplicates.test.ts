import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { consumers } from '../../lib/routes.ts';
import { type ReferenceServer, startReferenceServer } from '../../local/bus/ref-server.ts';
import { localNames } from '../../local/provision.ts';
import {
  createApp,
  eventually,
  OPERATOR_CREDENTIALS,
  startTestStack,
  type TestStack,
} from '../integration/harness.ts';
import { pageview, point } from './inputs.ts';
import { queues } from './queues.ts';

// SQS delivers at least once. For every consumer: one delivery of a message, then the same body
// twice more, straight onto its queue; the stored state after the repeats equals the state after one.

let source: ReferenceServer;
let stack: TestStack;
let app: { id: string; apiKey: string };
let sqs: ReturnType<typeof queues>;
const covered = new Set<string>();

beforeAll(async () => {
  source = await startReferenceServer({ seed: 'rel-dup', recordsMin: 5, recordsMax: 15, latencyMsMax: 0 });
  stack = await startTestStack({ BUS_SOURCE_URL: source.url });
  app = await createApp(stack, ['events', 'bus', 'locations', 'datasets'], 'duplicates');
  sqs = queues(stack);
});
afterAll(async () => {
  await stack?.stop();
  await source?.stop();
});

const get = async (path: string) => (await stack.request('GET', path, { token: app.apiKey })).body;

/** Delivers `body` once, snapshots, delivers it twice more and snapshots again. */
const deliverThrice = async (
  queue: (typeof consumers)[number]['queue'],
  body: string,
  snapshot: () => Promise<unknown>,
) => {
  covered.add(queue);
  await sqs.send(queue, body);
  await sqs.drained(queue);
  const once = await snapshot();
  await sqs.send(queue, body);
  await sqs.send(queue, body);
  await sqs.drained(queue);
  return { once, thrice: await snapshot() };
};

test('a repeated events message stores its event once and its invalid event as one error', async () => {
  const event = pageview('dup-event', 'dup-session');
  const invalid = { ...pageview('dup-invalid', 'dup-session'), data: { host: 'h' } };
  const body = JSON.stringify({
    application_id: app.id,
    received_at: new Date().toISOString(),
    events: [
      { id: 'dup-event', event },
      { id: 'dup-invalid', event: invalid },
    ],
  });
  const { once, thrice } = await deliverThrice('eventsIngest', body, async () => ({
    events: (await get('/events?session_id=dup-session')).items,
    errors: (await get('/errors?limit=1000')).items.filter(
      (e: { event: { session_id?: string } }) => e.event?.session_id === 'dup-session',
    ),
  }));
  expect(thrice).toEqual(once);
  expect((once as { events: { id: string }[] }).events.map((e) => e.id)).toEqual(['dup-event']);
  expect((once as { errors: unknown[] }).errors).toHaveLength(1);
});

test('a repeated location minute message leaves the minute average as it was', async () => {
  for (const [s, lat] of [
    ['05', 40.5],
    ['25', 40.6],
    ['45', 40.8],
  ] as const) {
    const res = await stack.request('PUT', '/location', {
      token: app.apiKey,
      body: point('dup-user', `2017-01-01T13:05:${s}Z`, lat),
    });
    expect(res.status).toBe(200);
  }
  await eventually(async () => (await get('/users/dup-user/location-averages')).items[0]?.count === 3);
  const body = JSON.stringify({ minutes: [{ user_id: 'dup-user', minute: '2017-01-01T13:05:00Z' }] });
  const { once, thrice } = await deliverThrice('locationMinutes', body, () =>
    get('/users/dup-user/location-averages'),
  );
  expect(thrice).toEqual(once);
  const [average] = (once as { items: { count: number; lat: number }[] }).items;
  expect(average!.count).toBe(3);
  expect(average!.lat).toBeCloseTo((40.5 + 40.6 + 40.8) / 3, 10);
});

test('a repeated city fetch leaves the finished job and the country statistics as they were', async () => {
  const job = (await stack.request('POST', '/process-request?date=2024-03-01', { token: app.apiKey })).body;
  await eventually(async () => (await get(`/process-request/${job.job_id}`)).status === 'succeeded', 30_000);
  const [city] = (await (await fetch(`${source.url}/cities`)).json()) as {
    id: number;
    name: string;
    country: string;
  }[];
  const body = JSON.stringify({ job_id: job.job_id, date: '2024-03-01', city });
  const { once, thrice } = await deliverThrice('busFetch', body, async () => ({
    job: await get(`/process-request/${job.job_id}`),
    stats: await get('/country-stats?from=2024-03-01&to=2024-03-01'),
  }));
  expect(thrice).toEqual(once);
  expect((once as { job: { cities_done: number } }).job.cities_done).toBe(30);
});

test('a repeated scan task leaves the finished statistics query as it was', async () => {
  const post = await stack.request('POST', '/country-stats/queries', {
    token: app.apiKey,
    body: { from: '2024-03-01', to: '2024-03-01' },
  });
  const query = `/country-stats/queries/${post.body.query_id}`;
  await eventually(async () => (await get(query)).status === 'succeeded', 30_000);
  await sqs.drained('busQueryScan');
  // The query's first task as its start sent it: the first stored city-day of the date.
  const dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'us-east-1',
      endpoint: stack.endpoints.dynamodb,
      credentials: OPERATOR_CREDENTIALS,
    }),
  );
  const [first] =
    (
      await dynamo.send(
        new QueryCommand({
          TableName: localNames.table('bus'),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :city)',
          ExpressionAttributeValues: { ':pk': 'DATE#2024-03-01', ':city': 'CITY#' },
          Limit: 1,
        }),
      )
    ).Items ?? [];
  const body = JSON.stringify({
    query_id: post.body.query_id,
    index: 0,
    key: first!.key,
    date: '2024-03-01',
    country: first!.country,
    bytes: first!.bytes,
  });
  const { once, thrice } = await deliverThrice('busQueryScan', body, () => get(query));
  expect(thrice).toEqual(once);
  expect((once as { files_done: number }).files_done).toBe(30);
});

test('a repeated upload notification leaves the imported dataset as it was', async () => {
  const upload = (await stack.request('POST', '/datasets/uploads', { token: app.apiKey, body: {} })).body;
  const records = Array.from({ length: 50 }, (_, i) => JSON.stringify({ i, g: i % 3 })).join('\n');
  expect((await fetch(upload.upload_url, { method: 'PUT', body: records })).status).toBe(200);
  await eventually(async () => (await get(`/datasets/${upload.id}`)).status === 'ready');
  await sqs.drained('datasetsImport');
  // The notification S3 sends for that object: path-style URL = /<bucket>/<key>.
  const [, bucket, ...key] = new URL(upload.upload_url).pathname.split('/');
  const body = JSON.stringify({
    Records: [
      {
        eventName: 'ObjectCreated:Put',
        s3: { bucket: { name: bucket }, object: { key: key.join('/'), size: Buffer.byteLength(records) } },
      },
    ],
  });
  const { once, thrice } = await deliverThrice('datasetsImport', body, async () => ({
    dataset: await get(`/datasets/${upload.id}`),
    aggregate: await get(`/datasets/${upload.id}/aggregate?field=i&group_by=g`),
  }));
  expect(thrice).toEqual(once);
  expect((once as { dataset: { records: number } }).dataset.records).toBe(50);
});

test('a repeated replay page leaves the replay job and the stored events as they were', async () => {
  // The invalid event of the events case above still fails: its page counts it once, however often.
  covered.add('eventsReplay');
  const started = await stack.request('POST', '/errors/replay', { token: app.apiKey, body: {} });
  expect(started.status).toBe(202);
  const id = started.body.replay_id as string;
  const snapshot = async () => ({
    job: await eventually(async () => {
      const job = await get(`/errors/replay/${id}`);
      return job.status === 'succeeded' && job;
    }, 30_000),
    events: (await get('/events?session_id=dup-session')).items,
  });
  const once = await snapshot();
  await sqs.send('eventsReplay', JSON.stringify({ replay_id: id, page: 0 }));
  await sqs.send('eventsReplay', JSON.stringify({ replay_id: id, page: 0 }));
  await sqs.drained('eventsReplay');
  expect(await snapshot()).toEqual(once);
  expect(once.job).toMatchObject({ matched: 1, replayed: 0, still_failing: 1 });
});

test('every consumer in the manifest was given duplicates', () => {
  expect([...covered].sort()).toEqual(consumers.map((c) => c.queue).sort());
});
