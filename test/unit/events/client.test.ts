import { describe, expect, test } from '@jest/globals';
import { EyeClient, type EyeEvent } from '../../../client/index.ts';

const event = (i: number): EyeEvent => ({
  session_id: 's',
  category: 'page interaction',
  name: 'pageview',
  data: { host: 'h', path: `/${i}` },
  timestamp: '2021-01-01 00:00:00',
});

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A fake API answering from a script; records every request body. */
const fakeApi = (answer: (events: { id: string }[], call: number) => Response | Error) => {
  const calls: { id: string }[][] = [];
  const fetchFn = async (_url: string | URL | Request, init?: RequestInit) => {
    const events = JSON.parse(String(init?.body)) as { id: string }[];
    calls.push(events);
    const out = answer(events, calls.length);
    if (out instanceof Error) throw out;
    return out;
  };
  return { calls, fetch: fetchFn as typeof fetch };
};

const acceptAll = (events: { id: string }[]) =>
  json(202, { accepted: events.map((e, index) => ({ index, id: e.id })), rejected: [] });

describe('EyeClient', () => {
  test('batches by count and sends what is left on flush', async () => {
    const api = fakeApi(acceptAll);
    const client = new EyeClient({
      baseUrl: 'http://x',
      apiKey: 'k',
      maxBatchEvents: 3,
      flushIntervalMs: 60_000,
      fetch: api.fetch,
    });
    const results = Array.from({ length: 7 }, (_, i) => client.send(event(i)));
    await client.flush();
    expect(api.calls.map((c) => c.length)).toEqual([3, 3, 1]);
    expect((await Promise.all(results)).every((r) => r.status === 'accepted')).toBe(true);
  });

  test('flushes a partial batch after the interval', async () => {
    const api = fakeApi(acceptAll);
    const client = new EyeClient({ baseUrl: 'http://x', apiKey: 'k', flushIntervalMs: 10, fetch: api.fetch });
    const result = await client.send(event(1));
    expect(result.status).toBe('accepted');
    expect(api.calls).toHaveLength(1);
    await client.close();
  });

  test('retries network errors, 5xx and 429 with the same ids, so a retry never duplicates', async () => {
    const api = fakeApi((events, call) =>
      call === 1
        ? new TypeError('fetch failed')
        : call === 2
          ? json(503, {})
          : call === 3
            ? json(429, {})
            : acceptAll(events),
    );
    const client = new EyeClient({ baseUrl: 'http://x', apiKey: 'k', baseDelayMs: 1, fetch: api.fetch });
    const sent = [client.send(event(1)), client.send({ ...event(2), id: 'mine' })];
    await client.flush();
    expect(api.calls).toHaveLength(4);
    const ids = api.calls.map((c) => c.map((e) => e.id).join(','));
    expect(new Set(ids).size).toBe(1);
    expect((await Promise.all(sent))[1]).toEqual({ status: 'accepted', id: 'mine' });
  });

  test('reports rejections per event, also when the API rejected the whole batch', async () => {
    const rejection = { path: 'data', message: 'expected object' };
    const api = fakeApi((events, call) =>
      call === 1
        ? json(202, {
            accepted: [{ index: 0, id: events[0]!.id }],
            rejected: [{ index: 1, errors: [rejection] }],
          })
        : json(400, {
            error: {
              code: 'validation_error',
              message: 'none',
              details: [{ index: 0, errors: [rejection] }],
            },
          }),
    );
    const client = new EyeClient({ baseUrl: 'http://x', apiKey: 'k', maxBatchEvents: 2, fetch: api.fetch });
    const [a, b, c] = [client.send(event(1)), client.send(event(2)), client.send(event(3))];
    await client.flush();
    expect((await a).status).toBe('accepted');
    expect(await b).toEqual({ status: 'rejected', id: expect.any(String), errors: [rejection] });
    expect((await c).status).toBe('rejected');
  });

  test('gives up on a 401 without retrying and refuses events after close', async () => {
    const api = fakeApi(() => json(401, { error: { code: 'unauthorized', message: 'no' } }));
    const client = new EyeClient({ baseUrl: 'http://x', apiKey: 'k', fetch: api.fetch });
    const sent = client.send(event(1));
    await client.close();
    await expect(sent).rejects.toMatchObject({ status: 401 });
    expect(api.calls).toHaveLength(1);
    await expect(client.send(event(2))).rejects.toThrow('closed');
  });
});

describe('EyeClient and schema_version', () => {
  test('sends the version an event names, untouched', async () => {
    const api = fakeApi(acceptAll);
    const client = new EyeClient({ baseUrl: 'http://x', apiKey: 'k', fetch: api.fetch });
    await Promise.all([client.send({ ...event(1), schema_version: 2 }), client.send(event(2))]);
    await client.close();
    const sent = api.calls.flat() as unknown as EyeEvent[];
    expect(sent.map((e) => e.schema_version)).toEqual([2, undefined]);
  });
});
