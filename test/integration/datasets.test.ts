import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createApp, eventually, startTestStack, type TestStack } from './harness.ts';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'journeys-sample.json');
// The fixture's three sessions, checked by hand: event durations 12.5, 31, 143.5 | 9, 55 | 402.
const DURATIONS = [12.5, 31, 143.5, 9, 55, 402];

let stack: TestStack;
let app: { id: string; apiKey: string };
let other: { id: string; apiKey: string };
let fixture: string;

beforeAll(async () => {
  stack = await startTestStack();
  app = await createApp(stack, ['datasets'], 'journeys');
  other = await createApp(stack, ['datasets'], 'other');
  fixture = readFileSync(FIXTURE, 'utf8');
});
afterAll(async () => {
  await stack?.stop();
});

const upload = (body: string, token = app.apiKey, contentType = 'application/x-ndjson') =>
  stack.request('POST', '/datasets', { token, body, headers: { 'content-type': contentType } });

describe('inline datasets', () => {
  test('a concatenated file is stored, ready at once, and catalogued', async () => {
    const res = await upload(fixture);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      status: 'ready',
      records: 3,
      bytes: Buffer.byteLength(fixture),
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    const got = await stack.request('GET', `/datasets/${res.body.id}`, { token: app.apiKey });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: res.body.id, status: 'ready', records: 3 });
    expect(got.body.fields).toEqual(
      expect.arrayContaining([
        { path: 'events', type: 'array', count: 3 },
        { path: 'events.event_duration', type: 'number', count: 6 },
        { path: 'session_attributes.cti.num_agents', type: 'string', count: 3 },
        { path: 'layer', type: 'string', count: 3 },
      ]),
    );
  });

  test('aggregate describes event-level, dotted-key and categorical fields and groups', async () => {
    const { body } = await upload(fixture, app.apiKey, 'text/plain');
    const agg = (q: string) =>
      stack.request('GET', `/datasets/${body.id}/aggregate?${q}`, { token: app.apiKey });

    const durations = await agg('field=event_duration');
    expect(durations.status).toBe(200);
    const mean = DURATIONS.reduce((a, b) => a + b) / DURATIONS.length;
    expect(durations.body).toMatchObject({ field: 'events.event_duration', count: 6, min: 9, max: 402 });
    expect(durations.body.mean).toBeCloseTo(mean, 10);
    // sorted: 9 12.5 31 55 143.5 402 → p25 at rank 1.25: 12.5 + 0.25 × 18.5; p50 = (31 + 55) / 2
    expect(durations.body.p25).toBeCloseTo(17.125, 10);
    expect(durations.body.p50).toBeCloseTo(43, 10);

    const agents = await agg(`field=${encodeURIComponent('cti.num_agents')}`);
    expect(agents.body).toMatchObject({
      field: 'session_attributes.cti.num_agents',
      count: 3,
      min: 2,
      max: 5,
      p50: 3,
    });

    const layer = await agg('field=layer');
    expect(layer.body).toEqual({ field: 'layer', count: 3, unique: 2, top: 'web', freq: 2 });

    const grouped = await agg('field=event_duration&group_by=layer');
    expect(grouped.body.group_by).toBe('layer');
    expect(grouped.body.groups.map((g: { key: string; count: number }) => [g.key, g.count])).toEqual([
      ['ivr', 2],
      ['web', 4],
    ]);
  });

  test('ambiguous and unknown fields are 400 with candidates', async () => {
    const { body } = await upload('{"a": {"x": 1}, "b": {"x": 2}}');
    const ambiguous = await stack.request('GET', `/datasets/${body.id}/aggregate?field=x`, {
      token: app.apiKey,
    });
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body.error.details[0].candidates).toEqual(['a.x', 'b.x']);
    const unknown = await stack.request('GET', `/datasets/${body.id}/aggregate?field=nope`, {
      token: app.apiKey,
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('validation_error');
  });

  test('a truncated file is 400 with the byte offset of the error, and nothing is stored', async () => {
    const truncated = '{"a": 1}\n{"a": 2';
    const res = await upload(truncated);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details).toEqual([{ offset: truncated.length, message: expect.any(String) }]);
    const garbage = await upload('[{"a": 1}, x]');
    expect(garbage.body.error.details[0].offset).toBe(11);
  });

  test('a record nested deeper than 64 levels is 400 at the bracket that goes too deep', async () => {
    const deep = `{"a": 1}\n${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const res = await upload(deep);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    // The second record starts at byte 9; its 65th '{' follows 64 five-byte openings.
    expect(res.body.error.details).toEqual([
      { offset: 9 + 64 * 5, message: 'nested deeper than 64 levels (in the record starting at byte 9)' },
    ]);
  });

  test('a body over 5 MiB is 413', async () => {
    const res = await upload(`${'{"a": 1}\n'.repeat(600_000)}`);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  test("another application's dataset is 404, like a missing one", async () => {
    const { body } = await upload(fixture);
    const asOther = await stack.request('GET', `/datasets/${body.id}`, { token: other.apiKey });
    expect(asOther.status).toBe(404);
    const aggOther = await stack.request('GET', `/datasets/${body.id}/aggregate?field=layer`, {
      token: other.apiKey,
    });
    expect(aggOther.status).toBe(404);
    const asAdmin = await stack.request('GET', `/datasets/${body.id}`);
    expect(asAdmin.status).toBe(200);
  });
});

describe('presigned uploads', () => {
  test('a file PUT to the upload URL is imported through the queue and becomes ready', async () => {
    const res = await stack.request('POST', '/datasets/uploads', {
      token: app.apiKey,
      body: { name: 'journeys' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      upload_url: expect.any(String),
      expires_at: expect.any(String),
    });
    const before = await stack.request('GET', `/datasets/${res.body.id}`, { token: app.apiKey });
    expect(before.body).toMatchObject({ status: 'uploading', records: null, fields: [] });

    const asArray = `[${fixture
      .trim()
      .split(/\n(?=\{)/)
      .join(',\n')}]`;
    const put = await fetch(res.body.upload_url, { method: 'PUT', body: asArray });
    expect(put.status).toBe(200);

    const ready = await eventually(async () => {
      const got = await stack.request('GET', `/datasets/${res.body.id}`, { token: app.apiKey });
      return got.body.status === 'ready' && got.body;
    });
    expect(ready).toMatchObject({ records: 3, bytes: Buffer.byteLength(asArray), name: 'journeys' });
    const agg = await stack.request('GET', `/datasets/${res.body.id}/aggregate?field=event_duration`, {
      token: app.apiKey,
    });
    expect(agg.body.count).toBe(6);
    // API.md: &bins=N adds a histogram of N equal-width bins from min to max over the same values.
    const binned = await stack.request(
      'GET',
      `/datasets/${res.body.id}/aggregate?field=event_duration&bins=3`,
      { token: app.apiKey },
    );
    const { min, max, histogram } = binned.body;
    expect(histogram.edges).toHaveLength(4);
    expect([histogram.edges[0], histogram.edges[3]]).toEqual([min, max]);
    expect(histogram.counts.reduce((a: number, b: number) => a + b, 0)).toBe(6);
    const tooMany = await stack.request(
      'GET',
      `/datasets/${res.body.id}/aggregate?field=event_duration&bins=201`,
      {
        token: app.apiKey,
      },
    );
    expect(tooMany.status).toBe(400);
  });

  test('a bad uploaded file fails with the offset of its first error', async () => {
    const res = await stack.request('POST', '/datasets/uploads', { token: app.apiKey, body: {} });
    await fetch(res.body.upload_url, { method: 'PUT', body: '{"a": 1} {"a": tru}' });
    const failed = await eventually(async () => {
      const got = await stack.request('GET', `/datasets/${res.body.id}`, { token: app.apiKey });
      return got.body.status === 'failed' && got.body;
    });
    // `tru` is a valid start of `true`: the first byte that cannot continue it is the `}` at 18.
    expect(failed.error).toEqual({ offset: 18, message: expect.any(String) });
    const agg = await stack.request('GET', `/datasets/${res.body.id}/aggregate?field=a`, {
      token: app.apiKey,
    });
    expect(agg.status).toBe(409);
  });

  test('an uploaded record nested too deep fails the import instead of retrying it', async () => {
    const res = await stack.request('POST', '/datasets/uploads', { token: app.apiKey, body: {} });
    const body = `[${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}]`;
    await fetch(res.body.upload_url, { method: 'PUT', body });
    const failed = await eventually(async () => {
      const got = await stack.request('GET', `/datasets/${res.body.id}`, { token: app.apiKey });
      return got.body.status === 'failed' && got.body;
    });
    expect(failed.error).toEqual({
      offset: 1 + 64 * 5,
      message: 'nested deeper than 64 levels (in the record starting at byte 1)',
    });
  });
});
