import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { localNames } from '../../local/provision.ts';
import { tableEnvName } from '../../shared/core/resource-env.ts';
import { queues } from '../reliability/queues.ts';
import { createApp, eventually, OPERATOR_CREDENTIALS, startTestStack, type TestStack } from './harness.ts';

// Event types as data, replay and the error summary, over HTTP against one shared local stack.

let stack: TestStack;
let app: { id: string; apiKey: string };
let other: { id: string; apiKey: string };
let counted: { id: string; apiKey: string };
let rescue: { id: string; apiKey: string };
beforeAll(async () => {
  stack = await startTestStack();
  [app, other, counted, rescue] = await Promise.all([
    createApp(stack, ['events'], 'types-shop'),
    createApp(stack, ['events'], 'types-blog'),
    createApp(stack, ['events'], 'types-counted'),
    createApp(stack, ['events'], 'types-rescue'),
  ]);
});
afterAll(async () => {
  await stack?.stop();
});

const numberX = {
  type: 'object',
  properties: { x: { type: 'number' } },
  required: ['x'],
  additionalProperties: false,
};
const stringX = { type: 'object', properties: { x: { type: 'string' } }, required: ['x'] };
const typePath = (category: string, name: string) =>
  `/event-types/${encodeURIComponent(category)}/${encodeURIComponent(name)}`;

let counter = 0;
const event = (category: string, name: string, data: unknown, extra: Record<string, unknown> = {}) => ({
  id: `t-${Date.now()}-${counter++}`,
  session_id: 'types-session',
  category,
  name,
  data,
  timestamp: '2024-03-01 10:00:00',
  ...extra,
});
type Sent = ReturnType<typeof event>;

/** Sends events and waits until each is either stored or recorded as an error; returns both, by id. */
const outcomes = async (events: Sent[], token: string) => {
  const res = await stack.request('POST', '/events', { token, body: events });
  expect(res.status).toBe(202);
  const ids = new Set(events.map((e) => e.id));
  return eventually(async () => {
    const [stored, errors] = await Promise.all([
      stack.request('GET', '/events?session_id=types-session&limit=1000', { token }),
      stack.request('GET', '/errors?limit=1000', { token }),
    ]);
    const byId = new Map<string, Record<string, any>>();
    for (const e of stored.body.items) if (ids.has(e.id)) byId.set(e.id, { stored: e });
    for (const e of errors.body.items) if (ids.has(e.id)) byId.set(e.id, { error: e });
    return byId.size === ids.size ? byId : undefined;
  }, 8000);
};

describe('event types, versions, replay and the error summary', () => {
  test('registers a type and a second version; events name either, or get the latest', async () => {
    const created = await stack.request('POST', '/event-types', {
      token: app.apiKey,
      body: { category: 'mouse', name: 'hover', schema: numberX },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      category: 'mouse',
      name: 'hover',
      owner: app.id,
      version: 1,
      mode: 'enforce',
      schema: numberX,
      created_at: expect.stringMatching(/Z$/),
    });
    const v2 = await stack.request('POST', `${typePath('mouse', 'hover')}/versions`, {
      token: app.apiKey,
      body: { schema: stringX },
    });
    expect(v2.status).toBe(201);
    expect(v2.body).toMatchObject({ owner: app.id, version: 2, mode: 'enforce', schema: stringX });
    const type = await stack.request('GET', typePath('mouse', 'hover'), { token: app.apiKey });
    expect(type.body).toMatchObject({ owner: app.id, latest_version: 2, mode: 'enforce' });
    expect(
      type.body.versions.map((v: { version: number; schema: unknown }) => [v.version, v.schema]),
    ).toEqual([
      [1, numberX],
      [2, stringX],
    ]);

    const sent = [
      event('mouse', 'hover', { x: 1 }, { schema_version: 1 }),
      event('mouse', 'hover', { x: 'a', extra: true }),
      event('mouse', 'hover', { x: 'a' }, { schema_version: 1 }),
      event('mouse', 'hover', { x: 1 }, { schema_version: 3 }),
    ];
    const result = await outcomes(sent, app.apiKey);
    expect(result.get(sent[0]!.id)?.stored).toMatchObject({
      schema_version: 1,
      violations: [],
      data: { x: 1 },
    });
    expect(result.get(sent[1]!.id)?.stored).toMatchObject({ schema_version: 2, violations: [] });
    expect(result.get(sent[2]!.id)?.error).toMatchObject({
      code: 'invalid_payload',
      message: expect.stringContaining('data.x'),
    });
    expect(result.get(sent[3]!.id)?.error).toMatchObject({
      code: 'invalid_payload',
      message: expect.stringContaining('3'),
    });
    // A category query finds the stored types' names.
    const byCategory = await stack.request('GET', '/events?category=mouse&limit=1000', { token: app.apiKey });
    expect(byCategory.body.items.map((e: { id: string }) => e.id).sort()).toEqual(
      [sent[0]!.id, sent[1]!.id].sort(),
    );
  });

  test('warn stores an invalid event with its violations; off stores data unchecked without a version', async () => {
    const warn = await stack.request('PATCH', typePath('mouse', 'hover'), {
      token: app.apiKey,
      body: { mode: 'warn' },
    });
    expect(warn.status).toBe(200);
    expect(warn.body).toMatchObject({ owner: app.id, mode: 'warn', latest_version: 2 });
    const warned = [event('mouse', 'hover', { x: 7 })];
    const first = await outcomes(warned, app.apiKey);
    expect(first.get(warned[0]!.id)?.stored).toMatchObject({
      schema_version: 2,
      violations: [{ path: 'data.x', message: 'must be string' }],
    });
    expect(
      (await stack.request('PATCH', typePath('mouse', 'hover'), { token: app.apiKey, body: { mode: 'off' } }))
        .status,
    ).toBe(200);
    const unchecked = [event('mouse', 'hover', { anything: [1, 2] }, { schema_version: 9 })];
    const second = await outcomes(unchecked, app.apiKey);
    expect(second.get(unchecked[0]!.id)?.stored).toMatchObject({
      schema_version: null,
      violations: [],
      data: { anything: [1, 2] },
    });
    await stack.request('PATCH', typePath('mouse', 'hover'), {
      token: app.apiKey,
      body: { mode: 'enforce' },
    });
  });

  test("an application's own type shadows the global one for it alone", async () => {
    const loose = { type: 'object', properties: { host: { type: 'string' } }, required: ['host'] };
    const own = await stack.request('POST', '/event-types', {
      token: app.apiKey,
      body: { category: 'page interaction', name: 'pageview', schema: loose },
    });
    expect(own.status).toBe(201);
    const sentApp = [event('page interaction', 'pageview', { host: 'h', free: 1 })];
    const sentOther = [event('page interaction', 'pageview', { host: 'h', free: 1 })];
    const [mine, theirs] = await Promise.all([
      outcomes(sentApp, app.apiKey),
      outcomes(sentOther, other.apiKey),
    ]);
    expect(mine.get(sentApp[0]!.id)?.stored).toMatchObject({
      schema_version: 1,
      data: { host: 'h', free: 1 },
    });
    expect(theirs.get(sentOther[0]!.id)?.error).toMatchObject({ code: 'invalid_payload' });
    const seen = await stack.request('GET', typePath('page interaction', 'pageview'), { token: app.apiKey });
    expect(seen.body).toMatchObject({ owner: app.id, latest_version: 1 });
    const global = await stack.request('GET', typePath('page interaction', 'pageview'), {
      token: other.apiKey,
    });
    expect(global.body).toMatchObject({ owner: 'global', mode: 'enforce', latest_version: 1 });
    expect(global.body.versions[0].schema).toMatchObject({
      additionalProperties: false,
      required: ['host', 'path'],
    });
  });

  test('a global type is read-only for an application (403); conflicts are 409 and bad types 400', async () => {
    const path = typePath('page interaction', 'cta click');
    expect((await stack.request('PATCH', path, { token: other.apiKey, body: { mode: 'off' } })).status).toBe(
      403,
    );
    const version = await stack.request('POST', `${path}/versions`, {
      token: other.apiKey,
      body: { schema: {} },
    });
    expect([version.status, version.body.error.code]).toEqual([403, 'forbidden']);
    const again = await stack.request('POST', '/event-types', {
      token: app.apiKey,
      body: { category: 'mouse', name: 'hover', schema: {} },
    });
    expect([again.status, again.body.error.code]).toEqual([409, 'conflict']);
    const builtin = await stack.request('POST', '/event-types', {
      body: { category: 'form interaction', name: 'submit', schema: {} },
    });
    expect(builtin.status).toBe(409);
    for (const body of [
      { category: 'mouse', name: 'bad', schema: { type: 'nope' } },
      { category: 'mouse', name: 'bad', schema: { properties: { x: { minimum: 'one' } } } },
      { category: 'x'.repeat(65), name: 'bad', schema: {} },
      { category: 'mouse', name: '', schema: {} },
      { category: 'mouse', name: 'bad', schema: {}, mode: 'sometimes' },
      { category: 'mouse', name: 'bad' },
    ]) {
      const res = await stack.request('POST', '/event-types', { token: app.apiKey, body });
      expect([res.status, res.body.error.code]).toEqual([400, 'validation_error']);
    }
    const badVersion = await stack.request('POST', `${typePath('mouse', 'hover')}/versions`, {
      token: app.apiKey,
      body: { schema: { type: 7 } },
    });
    expect(badVersion.status).toBe(400);
    expect((await stack.request('GET', typePath('mouse', 'nothing'), { token: app.apiKey })).status).toBe(
      404,
    );
  });

  test('applications do not see each other’s types; the admin reaches them with application_id', async () => {
    expect((await stack.request('GET', typePath('mouse', 'hover'), { token: other.apiKey })).status).toBe(
      404,
    );
    const sent = [event('mouse', 'hover', { x: 1 })];
    const result = await outcomes(sent, other.apiKey);
    expect(result.get(sent[0]!.id)?.error).toMatchObject({ code: 'unknown_event_type' });
    const names = async (token: string, query = '') =>
      (await stack.request('GET', `/event-types?limit=1000${query}`, { token })).body.items.map(
        (t: { category: string; name: string; owner: string }) =>
          `${t.owner === 'global' ? 'global' : 'own'}:${t.category}/${t.name}`,
      );
    expect(await names(app.apiKey)).toEqual([
      'global:form interaction/submit',
      'own:mouse/hover',
      'global:page interaction/cta click',
      'own:page interaction/pageview',
      'global:page interaction/pageview',
    ]);
    expect(await names(other.apiKey)).not.toContain('own:mouse/hover');
    expect(await names(stack.adminToken, `&application_id=${app.id}`)).toEqual(await names(app.apiKey));
    const adminView = await stack.request('GET', `${typePath('mouse', 'hover')}?application_id=${app.id}`);
    expect(adminView.body).toMatchObject({ owner: app.id, latest_version: 2 });
    const page1 = await stack.request('GET', '/event-types?limit=2', { token: app.apiKey });
    const page2 = await stack.request(
      'GET',
      `/event-types?limit=10&cursor=${encodeURIComponent(page1.body.next_cursor)}`,
      {
        token: app.apiKey,
      },
    );
    expect([...page1.body.items, ...page2.body.items]).toHaveLength(5);
    expect(page2.body.next_cursor).toBeNull();
  });

  test('the summary counts every error once, by code and by type, redeliveries included', async () => {
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
    const range = `from=${iso(hour - 3_600_000)}&to=${iso(hour + 7_200_000)}`;
    const future = new Date(Date.now() + 600_000).toISOString();
    const sent = [
      event('mouse', 'click', {}),
      event('mouse', 'click', {}),
      event('page interaction', 'pageview', { host: 'h' }),
      event('page interaction', 'pageview', { host: 'h', path: '/' }, { timestamp: future }),
      event('page interaction', 'pageview', { host: 'h', path: '/' }),
    ];
    const res = await stack.request('POST', '/events', {
      token: counted.apiKey,
      body: [...sent, { session_id: 'types-session', category: 'mouse' }],
    });
    expect(res.status).toBe(202);
    // One more invalid event, in a message delivered three times (as SQS may).
    const repeated = JSON.stringify({
      application_id: counted.id,
      received_at: new Date().toISOString(),
      events: [{ id: `repeated-${counter++}`, event: event('mouse', 'click', {}) }],
    });
    const sqs = queues(stack);
    for (let i = 0; i < 3; i++) await sqs.send('eventsIngest', repeated);
    await sqs.drained('eventsIngest');
    // By hand: 3 unknown_event_type (mouse/click), 1 invalid_payload and 1 future_timestamp of the
    // global pageview v1, 1 invalid_envelope (category mouse, no name); the valid pageview is no error.
    const expected = {
      total: 6,
      by_code: { unknown_event_type: 3, invalid_payload: 1, future_timestamp: 1, invalid_envelope: 1 },
      replayed: 0,
    };
    const summary = await eventually(async () => {
      const body = (
        await stack.request('GET', `/errors/summary?${range}&interval=hour`, { token: counted.apiKey })
      ).body;
      return body.total >= expected.total ? body : undefined;
    }, 8000);
    expect(summary).toMatchObject(expected);
    const pageview = { owner: 'global', category: 'page interaction', name: 'pageview', schema_version: 1 };
    expect(new Set(summary.by_type)).toEqual(
      new Set([
        {
          owner: null,
          category: 'mouse',
          name: 'click',
          schema_version: null,
          code: 'unknown_event_type',
          count: 3,
        },
        { ...pageview, code: 'invalid_payload', count: 1 },
        { ...pageview, code: 'future_timestamp', count: 1 },
        {
          owner: null,
          category: 'mouse',
          name: null,
          schema_version: null,
          code: 'invalid_envelope',
          count: 1,
        },
      ]),
    );
    expect(summary.series.map((s: { start: string }) => s.start)).toEqual([
      iso(hour - 3_600_000),
      iso(hour),
      iso(hour + 3_600_000),
    ]);
    const perHour = summary.series.map((s: { by_code: Record<string, number> }) =>
      Object.values(s.by_code).reduce((a, b) => a + b, 0),
    );
    expect(perHour.reduce((a: number, b: number) => a + b, 0)).toBe(6);
    // The admin sees the same for that application; another application none of it.
    const admin = (await stack.request('GET', `/errors/summary?${range}&application_id=${counted.id}`)).body;
    expect(admin).toMatchObject(expected);
    const everyone = (await stack.request('GET', `/errors/summary?${range}`)).body;
    expect(everyone.total).toBeGreaterThanOrEqual(expected.total);
    const theirs = (await stack.request('GET', `/errors/summary?${range}`, { token: other.apiKey })).body;
    expect(theirs.by_code.invalid_envelope).toBeUndefined();
    const listed = await stack.request('GET', '/errors?code=unknown_event_type&limit=1000', {
      token: counted.apiKey,
    });
    expect(listed.body.items).toHaveLength(3);
    const adminListed = await stack.request('GET', `/errors?code=invalid_envelope&limit=1000`);
    expect(
      adminListed.body.items.filter((e: { application_id: string }) => e.application_id === counted.id),
    ).toHaveLength(1);
    const bad = await stack.request(
      'GET',
      `/errors/summary?from=${iso(hour + 60_000)}&to=${iso(hour + 7_200_000)}`,
      {
        token: counted.apiKey,
      },
    );
    expect([bad.status, bad.body.error.code]).toEqual([400, 'validation_error']);
  });

  test('a replay rescues events after a new version, once, also when two run at once or it runs again', async () => {
    const play = (seconds: unknown, extra: Record<string, unknown> = {}) =>
      event('video', 'play', { seconds }, { session_id: 'replay-session', ...extra });
    const asText = { type: 'object', properties: { seconds: { type: 'string' } }, required: ['seconds'] };
    const asNumber = { type: 'object', properties: { seconds: { type: 'number' } }, required: ['seconds'] };
    const created = await stack.request('POST', '/event-types', {
      token: rescue.apiKey,
      body: { category: 'video', name: 'play', schema: asText },
    });
    expect(created.status).toBe(201);
    const sent = [play(1), play(2), play(3, { schema_version: 1 }), play(null)];
    const failed = await outcomes(sent, rescue.apiKey);
    expect([...failed.values()].map((o) => o.error?.code)).toEqual(Array(4).fill('invalid_payload'));
    // Version 2 takes numbers: the first two now pass; the one that named version 1, and null, still fail.
    const v2 = await stack.request('POST', '/event-types/video/play/versions', {
      token: rescue.apiKey,
      body: { schema: asNumber },
    });
    expect(v2.body.version).toBe(2);
    const start = () =>
      stack.request('POST', '/errors/replay', {
        token: rescue.apiKey,
        body: { code: 'invalid_payload', category: 'video' },
      });
    const started = await Promise.all([start(), start()]);
    for (const res of started) expect(res.body).toEqual({ replay_id: expect.any(String), status: 'queued' });
    const finished = (id: string) =>
      eventually(async () => {
        const res = await stack.request('GET', `/errors/replay/${id}`, { token: rescue.apiKey });
        return res.body.status === 'succeeded' ? res.body : undefined;
      }, 15_000);
    const jobs = await Promise.all(started.map((res) => finished(res.body.replay_id)));
    for (const job of jobs) {
      expect(job.matched).toBe(job.replayed + job.still_failing);
      expect(job.finished_at).toEqual(expect.stringMatching(/Z$/));
    }
    expect(jobs[0].replayed + jobs[1].replayed).toBe(2);

    const stored = async () =>
      (await stack.request('GET', '/events?session_id=replay-session&limit=1000', { token: rescue.apiKey }))
        .body.items;
    const rescued = await stored();
    expect(rescued.map((e: { id: string }) => e.id).sort()).toEqual(
      sent
        .slice(0, 2)
        .map((e) => e.id)
        .sort(),
    );
    for (const e of rescued) {
      const original = failed.get(e.id)?.error;
      expect(e).toMatchObject({
        received_at: original.received_at,
        timestamp: '2024-03-01T10:00:00Z',
        session_id: 'replay-session',
      });
      expect(e.schema_version).toBe(2);
    }
    // Replayed records leave the default listing; include_replayed shows them with replayed_at.
    const listed = await stack.request('GET', '/errors?limit=1000', { token: rescue.apiKey });
    expect(listed.body.items.map((e: { id: string }) => e.id).sort()).toEqual(
      [sent[2]!.id, sent[3]!.id].sort(),
    );
    expect(listed.body.items[0]).not.toHaveProperty('replayed_at');
    const all = await stack.request('GET', '/errors?limit=1000&include_replayed=true', {
      token: rescue.apiKey,
    });
    const replayedAt = Object.fromEntries(
      all.body.items.map((e: { id: string; replayed_at: string | null }) => [e.id, e.replayed_at]),
    );
    expect(replayedAt).toEqual({
      [sent[0]!.id]: expect.stringMatching(/Z$/),
      [sent[1]!.id]: expect.stringMatching(/Z$/),
      [sent[2]!.id]: null,
      [sent[3]!.id]: null,
    });
    const byCode = await stack.request('GET', '/errors?code=invalid_payload&limit=1000', {
      token: rescue.apiKey,
    });
    expect(byCode.body.items).toHaveLength(2);

    // Again: nothing left to rescue, nothing stored twice.
    const again = await start();
    expect(await finished(again.body.replay_id)).toMatchObject({ matched: 2, replayed: 0, still_failing: 2 });
    expect(await stored()).toHaveLength(2);
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
    const summary = await stack.request(
      'GET',
      `/errors/summary?from=${iso(hour - 3_600_000)}&to=${iso(hour + 3_600_000)}`,
      {
        token: rescue.apiKey,
      },
    );
    expect(summary.body).toMatchObject({ total: 4, replayed: 2, by_code: { invalid_payload: 4 } });
    // Another application cannot see the replay.
    expect(
      (await stack.request('GET', `/errors/replay/${again.body.replay_id}`, { token: other.apiKey })).status,
    ).toBe(404);
    expect((await stack.request('GET', `/errors/replay/${again.body.replay_id}`)).status).toBe(200);
    const bad = await stack.request('POST', '/errors/replay', {
      token: rescue.apiKey,
      body: { from: '2024-03-02T00:00:00Z', to: '2024-03-01T00:00:00Z' },
    });
    expect(bad.status).toBe(400);
  });
});

describe('replay jobs that can no longer finish, against the stack’s table', () => {
  // The repository itself, with the operator's credentials: DynamoDB Local judges its conditions.
  const STALL_SECONDS = 600;
  let jobs: typeof import('../../shared/events/replay-repository.ts');
  beforeAll(async () => {
    Object.assign(process.env, {
      DYNAMODB_ENDPOINT: stack.endpoints.dynamodb,
      AWS_ACCESS_KEY_ID: OPERATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: OPERATOR_CREDENTIALS.secretAccessKey,
      [tableEnvName('events')]: localNames.table('events'),
      REPLAY_STALL_SECONDS: String(STALL_SECONDS),
    });
    jobs = await import('../../shared/events/replay-repository.ts');
  });
  const newJob = async (replayId: string, createdAt: string) => {
    await jobs.createJob({
      replay_id: replayId,
      filters: {},
      status: 'queued',
      matched: 0,
      replayed: 0,
      still_failing: 0,
      pages_done: 0,
      created_at: createdAt,
      finished_at: null,
      progress_at: createdAt,
    });
  };
  const page = { matched: 2, replayed: 1, still_failing: 1, nextBefore: 'next' };

  test('a replay that recorded no page for its stall deadline reads failed, and no late page is recorded', async () => {
    const replayId = `stalled-${Date.now()}`;
    const createdAt = new Date(Date.now() - (STALL_SECONDS + 1) * 1000).toISOString();
    await newJob(replayId, createdAt);
    const deadline = new Date(Date.parse(createdAt) + STALL_SECONDS * 1000).toISOString();
    expect(await jobs.readJob(replayId)).toMatchObject({ status: 'failed', finished_at: deadline });
    expect(await jobs.completePage(replayId, 0, page)).toBe(false);
    expect(await jobs.readJob(replayId)).toMatchObject({ status: 'failed', pages_done: 0, matched: 0 });
  });

  test('a failed replay records no further page, and fails once', async () => {
    const replayId = `failed-${Date.now()}`;
    await newJob(replayId, new Date().toISOString());
    expect(await jobs.completePage(replayId, 0, page)).toBe(true);
    expect(await jobs.failJob(replayId, new Date().toISOString())).toBe(true);
    expect(await jobs.failJob(replayId, new Date().toISOString())).toBe(false);
    expect(await jobs.completePage(replayId, 1, page)).toBe(false);
    expect(await jobs.readJob(replayId)).toMatchObject({ status: 'failed', pages_done: 1, matched: 2 });
  });
});
