import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createApp, eventually, startTestStack, type TestStack } from './harness.ts';

// Event types as data, replay and the error summary, over HTTP against one shared local stack.

let stack: TestStack;
let app: { id: string; apiKey: string };
let other: { id: string; apiKey: string };
beforeAll(async () => {
  stack = await startTestStack();
  [app, other] = await Promise.all([
    createApp(stack, ['events'], 'types-shop'),
    createApp(stack, ['events'], 'types-blog'),
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
});
