import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type ReferenceServer, startReferenceServer } from '../../local/bus/ref-server.ts';
import { localNames } from '../../local/provision.ts';
import { BUCKET_ENV_NAME, queueEnvName, tableEnvName } from '../../shared/core/resource-env.ts';
import { expectedStats } from './bus-expected.ts';
import { createApp, eventually, OPERATOR_CREDENTIALS, startTestStack, type TestStack } from './harness.ts';

// Two stored dates of ~112 KB and ~118 KB under a synchronous budget of 150 KB: one date is answered
// by GET /country-stats, two are 422 and go through POST /country-stats/queries.
const SYNC_MAX_BYTES = 150_000;

let source: ReferenceServer;
let stack: TestStack;
let busKey: string;
const jobBytes: Record<string, number> = {};

beforeAll(async () => {
  source = await startReferenceServer({
    seed: 'it-bus-queries',
    recordsMin: 20,
    recordsMax: 40,
    latencyMsMax: 0,
  });
  stack = await startTestStack({
    BUS_SOURCE_URL: source.url,
    COUNTRY_STATS_SYNC_MAX_BYTES: String(SYNC_MAX_BYTES),
  });
  busKey = (await createApp(stack, ['bus'], 'bus-queries')).apiKey;
  for (const date of ['2024-03-01', '2024-03-02']) {
    const post = await stack.request('POST', `/process-request?date=${date}`, { token: busKey });
    const job = await eventually(async () => {
      const res = await stack.request('GET', `/process-request/${post.body.job_id}`, { token: busKey });
      return res.body.status === 'succeeded' && res.body;
    }, 30_000);
    jobBytes[date] = job.bytes;
  }
}, 90_000);
afterAll(async () => {
  await stack?.stop();
  await source?.stop();
});

const get = (path: string) => stack.request('GET', path, { token: busKey });

const finishedQuery = async (from: string, to: string) => {
  const post = await stack.request('POST', '/country-stats/queries', { token: busKey, body: { from, to } });
  expect(post.status).toBe(202);
  expect(post.body).toEqual({ query_id: expect.any(String), from, to, status: 'queued' });
  return eventually(async () => {
    const res = await get(`/country-stats/queries/${post.body.query_id}`);
    return res.body.finished_at && res;
  }, 30_000);
};

describe('statistics beyond the synchronous budget', () => {
  test('a range whose files exceed the budget is 422 range_too_large, naming the asynchronous route', async () => {
    const res = await get('/country-stats?from=2024-03-01&to=2024-03-02');
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('range_too_large');
    expect(res.body.error.message).toContain('POST /country-stats/queries');
  });

  test('an asynchronous query answers exactly what the synchronous route answers over the same files', async () => {
    const sync = await get('/country-stats?from=2024-03-01&to=2024-03-01');
    expect(sync.status).toBe(200);
    const query = await finishedQuery('2024-03-01', '2024-03-01');
    expect(query.body).toMatchObject({
      status: 'succeeded',
      files_total: 30,
      files_done: 30,
      bytes_total: jobBytes['2024-03-01'],
      bytes_done: jobBytes['2024-03-01'],
      error: null,
    });
    expect(JSON.stringify(query.body.result)).toBe(sync.text);
  });

  test('a query over a range the synchronous route refuses matches an independent computation', async () => {
    const query = await finishedQuery('2024-02-28', '2024-03-02');
    const bytes = jobBytes['2024-03-01']! + jobBytes['2024-03-02']!;
    expect(query.body).toEqual({
      query_id: expect.any(String),
      from: '2024-02-28',
      to: '2024-03-02',
      status: 'succeeded',
      files_total: 60,
      files_done: 60,
      bytes_total: bytes,
      bytes_done: bytes,
      result: expect.any(Object),
      error: null,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      finished_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    const expected = [
      ...(await expectedStats(source.url, '2024-03-01')).stats,
      ...(await expectedStats(source.url, '2024-03-02')).stats,
    ];
    const { result } = query.body;
    expect(result.missing_dates).toEqual(['2024-02-28', '2024-02-29']);
    expect(result.stats.map(({ average_delay_minutes, ...rest }: Record<string, unknown>) => rest)).toEqual(
      expected.map(({ average_delay_minutes, ...rest }) => rest),
    );
    result.stats.forEach((item: { average_delay_minutes: number }, i: number) => {
      expect(item.average_delay_minutes).toBeCloseTo(expected[i]!.average_delay_minutes, 10);
    });
  });

  test('a range without stored files succeeds at once with every date missing', async () => {
    const query = await finishedQuery('2023-01-01', '2023-01-03');
    expect(query.body).toMatchObject({ status: 'succeeded', files_total: 0, bytes_total: 0 });
    expect(query.body.result).toEqual({
      from: '2023-01-01',
      to: '2023-01-03',
      stats: [],
      missing_dates: ['2023-01-01', '2023-01-02', '2023-01-03'],
    });
  });

  test.each([
    ['from after to', { from: '2024-03-02', to: '2024-03-01' }, 'from'],
    ['more than 3,660 dates', { from: '2010-01-01', to: '2020-01-09' }, 'to'],
    ['an impossible date', { from: '2024-02-30', to: '2024-03-01' }, 'from'],
    ['no to', { from: '2024-03-01' }, 'to'],
  ])('POST /country-stats/queries with %s is 400', async (_, body, field) => {
    const res = await stack.request('POST', '/country-stats/queries', { token: busKey, body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
  });

  test('3,660 dates are accepted, and an unknown query is 404', async () => {
    const res = await stack.request('POST', '/country-stats/queries', {
      token: busKey,
      body: { from: '2010-01-01', to: '2020-01-08' },
    });
    expect(res.status).toBe(202);
    const done = await eventually(async () => {
      const query = await get(`/country-stats/queries/${res.body.query_id}`);
      return query.body.status === 'succeeded' && query.body;
    }, 20_000);
    expect(done.result.missing_dates).toHaveLength(3660);
    const unknown = await get('/country-stats/queries/no-such-query');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
  });
});

describe('scan tasks, run against the stack as a redelivering queue would run them', () => {
  // The domain code itself, with the operator's credentials against the stack's emulators: the test
  // controls the order of deliveries, a redelivery while the query is still running included.
  let queries: typeof import('../../shared/bus/use-cases/queries.ts');
  let repository: typeof import('../../shared/bus/query-repository.ts');
  let files: import('../../shared/bus/city-days.ts').CityDay[];
  const STALL_SECONDS = 600;
  beforeAll(async () => {
    Object.assign(process.env, {
      DYNAMODB_ENDPOINT: stack.endpoints.dynamodb,
      S3_ENDPOINT: stack.endpoints.s3,
      SQS_ENDPOINT: stack.endpoints.sqs,
      AWS_ACCESS_KEY_ID: OPERATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: OPERATOR_CREDENTIALS.secretAccessKey,
      [tableEnvName('bus')]: localNames.table('bus'),
      [BUCKET_ENV_NAME]: localNames.bucket,
      [queueEnvName('busQueryScan')]: 'unused: tasks are handed over directly',
      QUERY_STALL_SECONDS: String(STALL_SECONDS),
    });
    queries = await import('../../shared/bus/use-cases/queries.ts');
    repository = await import('../../shared/bus/query-repository.ts');
    files = await (await import('../../shared/bus/use-cases/country-stats.ts')).filesOfRange(
      '2024-03-01',
      '2024-03-01',
    );
  });

  const newQuery = async (queryId: string, parts: typeof files, createdAt = new Date().toISOString()) => {
    await repository.putQuery({
      query_id: queryId,
      from: '2024-03-01',
      to: '2024-03-01',
      status: 'queued',
      files_total: parts.length,
      files_done: 0,
      bytes_total: parts.reduce((s, f) => s + f.bytes, 0),
      bytes_done: 0,
      error: null,
      created_at: createdAt,
      finished_at: null,
    });
    return parts.map((f, index) => ({
      query_id: queryId,
      index,
      key: f.key,
      date: f.date,
      country: f.country,
      bytes: f.bytes,
    }));
  };

  test('a redelivered scan task changes nothing, while the query runs and after it finished', async () => {
    const queryId = `redelivery-${Date.now()}`;
    const tasks = await newQuery(queryId, files);
    const [first, ...rest] = tasks;
    await queries.scanFile(first!, false);
    const afterOne = await repository.getQuery(queryId);
    await queries.scanFile(first!, false);
    await queries.scanFile(first!, true);
    expect(await repository.getQuery(queryId)).toEqual(afterOne);
    expect(afterOne).toMatchObject({ status: 'running', files_done: 1, bytes_done: first!.bytes });

    for (const task of rest) await queries.scanFile(task, false);
    const done = await queries.statsQuery(queryId);
    await queries.scanFile(first!, false);
    await queries.scanFile(rest[3]!, false);
    expect(await queries.statsQuery(queryId)).toEqual(done);
    expect(done).toMatchObject({ status: 'succeeded', files_done: 30, bytes_done: jobBytes['2024-03-01'] });
    expect(JSON.stringify(done.result)).toBe(
      (await get('/country-stats?from=2024-03-01&to=2024-03-01')).text,
    );
  });

  test('a file that cannot be read fails the query with a message, and later tasks change nothing', async () => {
    const queryId = `missing-${Date.now()}`;
    const [good, other] = files;
    const tasks = await newQuery(queryId, [good!, { ...other!, key: 'bus/2024-03-01/gone.json' }, good!]);
    await queries.scanFile(tasks[0]!, false);
    await queries.scanFile(tasks[1]!, false);
    await queries.scanFile(tasks[2]!, false);
    const query = await queries.statsQuery(queryId);
    expect(query).toMatchObject({ status: 'failed', files_done: 1, result: null });
    expect(query.error?.message).toContain(`${other!.country} on 2024-03-01`);
    expect(query.finished_at).not.toBeNull();
  });

  test('a query that counted no file for its stall deadline reads failed, and no late task counts a file', async () => {
    const queryId = `stalled-${Date.now()}`;
    const createdAt = new Date(Date.now() - (STALL_SECONDS + 1) * 1000).toISOString();
    const tasks = await newQuery(queryId, files.slice(0, 2), createdAt);
    await queries.scanFile(tasks[0]!, false);
    const query = await queries.statsQuery(queryId);
    expect(query).toMatchObject({
      status: 'failed',
      files_done: 0,
      result: null,
      finished_at: new Date(Date.parse(createdAt) + STALL_SECONDS * 1000).toISOString(),
    });
    expect(query.error?.message).toContain('stalled');
    const totals = { departures: 1, passengers: 1, accident: false, delayMs: 0, delayNs: 0 };
    expect(await repository.recordPartial(tasks[1]!, totals)).toBe(false);
    expect(await repository.getQuery(queryId)).toMatchObject({ files_done: 0, bytes_done: 0 });
  });
});
