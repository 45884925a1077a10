import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createApp, eventually, startTestStack, type TestStack } from './harness.ts';

const fixtures = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'eye-events.json'), 'utf8'),
) as Record<string, unknown>[];

let stack: TestStack;
let app: { id: string; apiKey: string };
let other: { id: string; apiKey: string };
beforeAll(async () => {
  stack = await startTestStack();
  app = await createApp(stack, ['events'], 'shop');
  other = await createApp(stack, ['events'], 'blog');
});
afterAll(async () => {
  await stack?.stop();
});

let counter = 0;
const session = () => `session-${Date.now()}-${counter++}`;
const pageview = (session_id: string, timestamp: string, extra: Record<string, unknown> = {}) => ({
  session_id,
  category: 'page interaction',
  name: 'pageview',
  data: { host: 'shop.example', path: '/' },
  timestamp,
  ...extra,
});

const post = (body: unknown, token = app.apiKey) => stack.request('POST', '/events', { token, body });
const get = (query: string, token = app.apiKey) => stack.request('GET', `/events?${query}`, { token });
const errors = (query: string, token = app.apiKey) => stack.request('GET', `/errors?${query}`, { token });

/** Waits until the session shows `count` events and returns them. */
const sessionEvents = (sessionId: string, count: number, token = app.apiKey) =>
  eventually(async () => {
    const res = await get(`session_id=${encodeURIComponent(sessionId)}&limit=1000`, token);
    return res.body.items.length >= count ? res.body.items : undefined;
  }, 5000);

describe('ingest', () => {
  test('stores the three sample types and returns them by session in the API shape', async () => {
    const id = session();
    const events = fixtures.map((e) => ({ ...e, session_id: id }));
    const res = await post(events);
    expect(res.status).toBe(202);
    expect(res.body.rejected).toEqual([]);
    expect(res.body.accepted.map((a: { index: number }) => a.index)).toEqual([0, 1, 2]);
    const items = await sessionEvents(id, 3);
    expect(items).toHaveLength(3);
    expect(items.map((e: { name: string }) => e.name).sort()).toEqual(['cta click', 'pageview', 'submit']);
    const submit = items.find((e: { name: string }) => e.name === 'submit');
    expect(submit).toEqual({
      id: res.body.accepted[2].id,
      application_id: app.id,
      session_id: id,
      category: 'form interaction',
      name: 'submit',
      data: { host: 'www.consumeraffairs.com', path: '/', form: { first_name: 'John', last_name: 'Doe' } },
      timestamp: '2021-01-01T09:15:27.243860Z',
      received_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      schema_version: 1,
      violations: [],
    });
  });

  test('accepts the {"events": [...]} wrapper and a single event', async () => {
    const id = session();
    const wrapped = await post({ events: [pageview(id, '2021-01-01 10:00:00')] });
    expect(wrapped.status).toBe(202);
    const single = await post(pageview(id, '2021-01-01 10:00:01'));
    expect(single.status).toBe(202);
    expect(single.body.accepted).toEqual([{ index: 0, id: expect.any(String) }]);
    expect(await sessionEvents(id, 2)).toHaveLength(2);
  });

  test('rejects malformed envelopes per index and records them as errors', async () => {
    const id = session();
    const res = await post([pageview(id, '2021-01-01 10:00:00'), { session_id: id, category: 'x' }]);
    expect(res.status).toBe(202);
    expect(res.body.accepted).toEqual([{ index: 0, id: expect.any(String) }]);
    expect(res.body.rejected).toEqual([{ index: 1, errors: expect.any(Array) }]);
    const paths = res.body.rejected[0].errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['data', 'name', 'timestamp']);
    const none = await post([{ session_id: 7 }]);
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe('validation_error');
    expect(none.body.error.details).toEqual([{ index: 0, errors: expect.any(Array) }]);
    const recorded = await errors('code=invalid_envelope&limit=1000');
    const sent = recorded.body.items.map((e: { event: unknown }) => e.event);
    expect(sent).toEqual(expect.arrayContaining([{ session_id: id, category: 'x' }, { session_id: 7 }]));
  });

  test('characters SQS refuses (U+FFFE, U+FFFF, lone surrogates) and emoji are accepted and kept', async () => {
    const id = session();
    const data = { host: 'a\ufffeb\uffff', path: `${'/\ud83d\ude00'.repeat(2000)}x\ud800y\udfff` };
    const res = await post([pageview(id, '2021-01-01 10:00:00', { data })]);
    expect(res.status).toBe(202);
    expect(res.body.rejected).toEqual([]);
    const [stored] = await sessionEvents(id, 1);
    expect(stored.data).toEqual(data);
  });

  test('an event nested deeper than 64 levels is 400, not a 500', async () => {
    const deep = `[${'['.repeat(10_000)}${']'.repeat(10_000)}]`;
    const res = await stack.request('POST', '/events', { token: app.apiKey, body: deep });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
  });

  test('more than 500 events or 1 MiB is 413', async () => {
    const many = Array.from({ length: 501 }, () => pageview('s', '2021-01-01 10:00:00'));
    expect((await post(many)).status).toBe(413);
    const big = pageview('s', '2021-01-01 10:00:00', {
      data: { host: 'h', path: `/${'x'.repeat(1_100_000)}` },
    });
    const res = await post(big);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  test('invalid JSON is 400 and a missing token 401', async () => {
    expect((await post('{"session_id":')).body.error.code).toBe('invalid_json');
    expect((await post(pageview('s', '2021-01-01 10:00:00'), null as unknown as string)).status).toBe(401);
  });
});

describe('processing errors', () => {
  test('each error code is recorded once, with the event as sent, and never stored as an event', async () => {
    const id = session();
    const future = new Date(Date.now() + 10 * 60_000).toISOString();
    const nearFuture = new Date(Date.now() + 20_000).toISOString();
    const cases = {
      unknown_event_type: { ...pageview(id, '2021-01-01 10:00:00'), name: 'hover', id: `unknown-${id}` },
      invalid_payload: pageview(id, '2021-01-01 10:00:00', {
        data: { host: 'h', path: 'no-slash' },
        id: `payload-${id}`,
      }),
      extra_field: pageview(id, '2021-01-01 10:00:00', { colour: 'red', id: `extra-${id}` }),
      extra_data: pageview(id, '2021-01-01 10:00:00', {
        data: { host: 'h', path: '/', x: 1 },
        id: `data-${id}`,
      }),
      invalid_timestamp: pageview(id, '2021-02-30 10:00:00', { id: `time-${id}` }),
      future_timestamp: pageview(id, future, { id: `future-${id}` }),
    };
    const res = await post([...Object.values(cases), pageview(id, nearFuture, { id: `near-${id}` })]);
    expect(res.status).toBe(202);
    expect(res.body.accepted).toHaveLength(7);
    const codes = await eventually(async () => {
      const page = await errors('limit=1000');
      const mine = page.body.items.filter(
        (e: { event: { session_id?: string } }) => e.event?.session_id === id,
      );
      return mine.length >= 6 ? mine : undefined;
    }, 5000);
    const byId = Object.fromEntries(codes.map((e: { id: string; code: string }) => [e.id, e.code]));
    expect(byId).toEqual({
      [`unknown-${id}`]: 'unknown_event_type',
      [`payload-${id}`]: 'invalid_payload',
      [`extra-${id}`]: 'invalid_payload',
      [`data-${id}`]: 'invalid_payload',
      [`time-${id}`]: 'invalid_timestamp',
      [`future-${id}`]: 'future_timestamp',
    });
    const payload = codes.find((e: { id: string }) => e.id === `payload-${id}`);
    expect(payload).toEqual({
      id: `payload-${id}`,
      application_id: app.id,
      code: 'invalid_payload',
      message: expect.stringContaining('data.path'),
      received_at: expect.any(String),
      event: cases.invalid_payload,
    });
    const stored = await sessionEvents(id, 1);
    expect(stored.map((e: { id: string }) => e.id)).toEqual([`near-${id}`]);
    const onlyFuture = await errors('code=future_timestamp&limit=1000');
    expect(onlyFuture.body.items.every((e: { code: string }) => e.code === 'future_timestamp')).toBe(true);
  });

  test('errors are listed newest first and filtered by received_at', async () => {
    const first = await post(pageview(session(), 'not a time', { id: `first-${counter}` }));
    await new Promise((r) => setTimeout(r, 20));
    const second = await post(pageview(session(), 'not a time', { id: `second-${counter}` }));
    const ids = [first.body.accepted[0].id, second.body.accepted[0].id];
    const page = await eventually(async () => {
      const res = await errors('code=invalid_timestamp&limit=1000');
      const mine = res.body.items.filter((e: { id: string }) => ids.includes(e.id));
      return mine.length === 2 ? res.body.items : undefined;
    }, 5000);
    const order = page.map((e: { id: string }) => e.id).filter((i: string) => ids.includes(i));
    expect(order).toEqual([ids[1], ids[0]]);
    const secondAt = page.find((e: { id: string }) => e.id === ids[1]).received_at;
    const before = await errors(`code=invalid_timestamp&to=${secondAt}&limit=1000`);
    expect(before.body.items.map((e: { id: string }) => e.id)).toContain(ids[0]);
    expect(before.body.items.map((e: { id: string }) => e.id)).not.toContain(ids[1]);
    const after = await errors(`from=${secondAt}&limit=1000`);
    expect(after.body.items.map((e: { id: string }) => e.id)).toContain(ids[1]);
    expect(after.body.items.map((e: { id: string }) => e.id)).not.toContain(ids[0]);
  });
});

describe('queries', () => {
  test('out-of-order events come back in time order with their microseconds', async () => {
    const id = session();
    const sent = [
      pageview(id, '2021-01-01 09:15:27.243861', { id: `c-${id}` }),
      pageview(id, '2021-01-01T10:15:27.2438+01:00', { id: `a-${id}` }),
      pageview(id, '2021-01-01 09:15:27.5', { id: `d-${id}` }),
      pageview(id, '2021-01-01 09:15:27.243860', { id: `b-${id}` }),
      pageview(id, '2021-01-01 09:15:27', { id: `0-${id}` }),
    ];
    expect((await post(sent)).status).toBe(202);
    const items = await sessionEvents(id, 5);
    expect(items.map((e: { timestamp: string }) => e.timestamp)).toEqual([
      '2021-01-01T09:15:27Z',
      '2021-01-01T09:15:27.2438Z',
      '2021-01-01T09:15:27.243860Z',
      '2021-01-01T09:15:27.243861Z',
      '2021-01-01T09:15:27.5Z',
    ]);
    const ranged = await get(
      `session_id=${id}&from=2021-01-01T09:15:27.2438Z&to=2021-01-01T09:15:27.243861Z`,
    );
    expect(ranged.body.items.map((e: { id: string }) => e.id)).toEqual([`a-${id}`, `b-${id}`]);
  });

  test('filters by category and name, alone and with a time range', async () => {
    const id = session();
    const day = `2019-0${(counter % 9) + 1}-1${counter % 10}`;
    const events = fixtures.map((e, i) => ({ ...e, session_id: id, timestamp: `${day} 10:00:0${i}` }));
    await post(events);
    await sessionEvents(id, 3);
    const from = `${day}T00:00:00Z`;
    const to = `${day}T23:59:59Z`;
    const page = await get(`category=page%20interaction&from=${from}&to=${to}`);
    expect(page.body.items.map((e: { name: string }) => e.name)).toEqual(['pageview', 'cta click']);
    const clicks = await get(`category=page%20interaction&name=cta%20click&from=${from}&to=${to}`);
    expect(clicks.body.items.map((e: { name: string }) => e.name)).toEqual(['cta click']);
    const range = await get(`from=${day}T10:00:01Z&to=${to}`);
    expect(range.body.items.map((e: { name: string }) => e.name)).toEqual(['cta click', 'submit']);
    const sessionAndType = await get(`session_id=${id}&category=form%20interaction`);
    expect(sessionAndType.body.items.map((e: { name: string }) => e.name)).toEqual(['submit']);
  });

  test('a query needs a filter; a bad time or name without category is 400', async () => {
    expect((await get('')).status).toBe(400);
    expect((await get('from=yesterday')).status).toBe(400);
    expect((await get('name=pageview')).status).toBe(400);
  });

  test('pages through a session with opaque cursors, no item twice or missing', async () => {
    const id = session();
    const sent = Array.from({ length: 25 }, (_, i) =>
      pageview(id, `2021-03-01 10:00:${String(59 - i).padStart(2, '0')}.000001`, { id: `p${i}-${id}` }),
    );
    await post(sent);
    await sessionEvents(id, 25);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { timestamp: string }[]; next_cursor: string | null } } = await get(
        `session_id=${id}&limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.body.items.length).toBeLessThanOrEqual(10);
      seen.push(...res.body.items.map((e) => e.timestamp));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(25);
    expect(seen).toEqual([...seen].sort());
    const foreign = await get(
      `session_id=other&cursor=${encodeURIComponent((await get(`session_id=${id}&limit=1`)).body.next_cursor)}`,
    );
    expect(foreign.status).toBe(400);
  });
});

describe('idempotency and isolation', () => {
  test('the same id sent again, also concurrently, is stored once', async () => {
    const id = session();
    const event = pageview(id, '2021-01-01 10:00:00', { id: `once-${id}` });
    const answers = await Promise.all([post(event), post([event, event]), post({ events: [event] })]);
    for (const a of answers) expect(a.status).toBe(202);
    await sessionEvents(id, 1);
    await new Promise((r) => setTimeout(r, 1000));
    const items = (await get(`session_id=${id}`)).body.items;
    expect(items.map((e: { id: string }) => e.id)).toEqual([`once-${id}`]);
  });

  test('an application sees only its own events and errors; the admin names the application', async () => {
    const id = session();
    await post(pageview(id, '2021-01-01 10:00:00', { id: `mine-${id}` }));
    await post(pageview(id, 'bad', { id: `bad-${id}` }));
    await sessionEvents(id, 1);
    expect((await get(`session_id=${id}`, other.apiKey)).body.items).toEqual([]);
    expect((await get(`session_id=${id}&application_id=${app.id}`, other.apiKey)).body.items).toEqual([]);
    const otherErrors = (await errors('limit=1000', other.apiKey)).body.items;
    expect(otherErrors.some((e: { id: string }) => e.id === `bad-${id}`)).toBe(false);
    const asAdmin = await stack.request('GET', `/events?session_id=${id}&application_id=${app.id}`);
    expect(asAdmin.body.items.map((e: { id: string }) => e.id)).toEqual([`mine-${id}`]);
    const adminErrors = await eventually(async () => {
      const res = await stack.request('GET', '/errors?limit=1000');
      return res.body.items.some((e: { id: string }) => e.id === `bad-${id}`) ? res : undefined;
    }, 5000);
    expect(adminErrors.status).toBe(200);
  });
});

describe('the admin across applications', () => {
  const adminGet = (query: string) => stack.request('GET', `/events?${query}`);
  const label = (e: { application_id: string; id: string }) =>
    `${e.application_id === app.id ? 'shop' : 'blog'}/${e.id}`;

  test("sees every application's events by session, type and time range; each application its own", async () => {
    const id = session();
    await post([
      pageview(id, '2012-02-28 10:00:00', { id: 'x' }),
      pageview(id, '2012-02-29 23:59:59', { id: 'y' }),
    ]);
    await post(
      [
        pageview(id, '2012-02-28 10:00:00', { id: 'x' }),
        {
          ...pageview(id, '2012-03-01 00:00:00', { id: 'z' }),
          name: 'cta click',
          data: { host: 'b', path: '/', element: 'e' },
        },
      ],
      other.apiKey,
    );
    await sessionEvents(id, 2);
    await sessionEvents(id, 2, other.apiKey);
    const all = await eventually(async () => {
      const res = await adminGet(`session_id=${id}`);
      return res.body.items.length >= 4 ? res.body.items : undefined;
    }, 5000);
    // Same timestamp and id in both: received_at, then the application id, decides.
    expect(all.map(label).slice(2)).toEqual(['shop/y', 'blog/z']);
    expect(all.map(label).slice(0, 2).sort()).toEqual(['blog/x', 'shop/x']);
    const mine = (await get(`session_id=${id}`)).body.items;
    expect(mine.map(label)).toEqual(['shop/x', 'shop/y']);
    const clicks = await adminGet(
      'category=page%20interaction&name=cta%20click&from=2012-02-01T00:00:00Z&to=2012-04-01T00:00:00Z',
    );
    expect(clicks.body.items.map(label)).toEqual(['blog/z']);
    const onlyShop = await adminGet(`session_id=${id}&application_id=${app.id}`);
    expect(onlyShop.body.items.map(label)).toEqual(['shop/x', 'shop/y']);
  });

  test('pages a time range over both applications and several days, each event once', async () => {
    const id = session();
    const times = [
      '2013-06-01 00:00:01',
      '2013-06-01 12:00:00',
      '2013-06-03 08:00:00',
      '2013-06-04 23:59:59.999999',
    ];
    await post(times.map((t, i) => pageview(id, t, { id: `s${i}` })));
    await post(
      times.map((t, i) => pageview(id, t, { id: `b${i}` })),
      other.apiKey,
    );
    await sessionEvents(id, 4);
    await sessionEvents(id, 4, other.apiKey);
    const range = 'from=2013-06-01T00:00:01Z&to=2013-06-04T23:59:59.999999Z';
    const seen = await eventually(async () => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const res: {
          status: number;
          body: {
            items: { application_id: string; id: string; timestamp: string }[];
            next_cursor: string | null;
          };
        } = await adminGet(`${range}&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(3);
        ids.push(...res.body.items.map((e) => `${label(e)}@${e.timestamp}`));
        cursor = res.body.next_cursor;
      } while (cursor);
      return ids.length >= 6 ? ids : undefined;
    }, 5000);
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
    expect(seen.map((s) => s.split('@')[1])).toEqual([...seen.map((s) => s.split('@')[1])].sort());
    expect(seen.map((s) => s.split('@')[0]?.split('/')[1]).sort()).toEqual([
      'b0',
      'b1',
      'b2',
      's0',
      's1',
      's2',
    ]);
    const appCursor = (await get(`${range}&limit=1`)).body.next_cursor;
    expect((await adminGet(`${range}&limit=1&cursor=${encodeURIComponent(appCursor)}`)).status).toBe(400);
  });

  test('a time range alone needs both ends within 366 days; posting needs an application', async () => {
    const open = await adminGet('from=2013-06-01T00:00:00Z');
    expect(open.status).toBe(400);
    expect(open.body.error.details.map((d: { path: string }) => d.path)).toEqual(['to']);
    const wide = await adminGet('from=2012-01-01T00:00:00Z&to=2013-01-02T00:00:00Z');
    expect(wide.status).toBe(400);
    expect(wide.body.error.details[0].path).toBe('to');
    expect((await adminGet('from=2013-01-01T00:00:00Z&to=2014-01-01T00:00:00Z')).status).toBe(200);
    const posted = await stack.request('POST', '/events', { body: pageview('s', '2021-01-01 10:00:00') });
    expect(posted.status).toBe(400);
    expect(posted.body.error.details[0].path).toBe('application_id');
  });
});
