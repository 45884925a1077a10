import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { type RouteDef, routeKey, routes } from '../../lib/routes.ts';
import { openApiDocument } from '../../shared/api-docs/document.ts';
import { createApp, startTestStack, type TestStack } from '../integration/harness.ts';
import {
  advisorsFile,
  contractViolation,
  deeplyNested,
  GARBAGE_AUTHORIZATIONS,
  INJECTIONS,
  pageview,
  point,
  prng,
  rawRequest,
  WEIRD_IDS,
  WRONG_TYPES,
} from './inputs.ts';

// Hostile inputs against every route of the manifest (new routes are covered as they are added):
// none may produce a 5xx, hang, or an error body outside API.md's shape.

const SEED = 20261123;
const TIMEOUT_MS = 15_000;
const RANDOM_MUTATIONS = 25;

/** A valid request per route (body and query); routes not listed get `{}` and no query. */
const SAMPLES: Record<string, { body?: unknown; query?: Record<string, string> }> = {
  'POST /applications': { body: { name: 'fuzz', scopes: ['events'] } },
  'GET /applications': { query: { limit: '10' } },
  'POST /events': { body: pageview('fuzz-1', 'fuzz-session') },
  'GET /events': { query: { session_id: 'fuzz-session', limit: '10' } },
  'GET /errors': { query: { code: 'invalid_payload', limit: '10' } },
  'POST /process-request': { query: { date: '2024-03-01' } },
  'GET /country-stats': { query: { from: '2024-03-01', to: '2024-03-02' } },
  'POST /country-stats/queries': { body: { from: '2024-03-01', to: '2024-03-02' } },
  'GET /process-request': { query: { limit: '10' } },
  'PUT /location': { body: point('fuzz', '2017-01-01 13:05:12') },
  'POST /locations': { body: [point('fuzz', '2017-01-01 13:06:12')] },
  'GET /users/{user_id}/location-averages': {
    query: { from: '2017-01-01T00:00:00Z', to: '2017-01-02T00:00:00Z' },
  },
  'POST /advisors/import': { body: advisorsFile(2, 2) },
  'GET /advisors': { query: { available: 'true', limit: '10' } },
  'PATCH /advisors/{advisor_id}': { body: { available: false } },
  'PUT /clients/{client_id}/advisor': { body: { advisor_id: '00000000-0000-4000-8000-000000000000' } },
  'POST /datasets': { body: [{ a: 1, b: 'x' }] },
  'POST /datasets/uploads': { body: { name: 'fuzz' } },
  'GET /datasets/{dataset_id}/aggregate': { query: { field: 'a', group_by: 'b', bins: '10' } },
};

interface Input {
  label: string;
  path?: string;
  query?: Record<string, string> | string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The status (or one of the statuses) the contract requires, when it is fixed. */
  expect?: number | number[];
  /** Who calls; by default admin and application alternate. */
  caller?: 'admin' | 'app';
}

interface QueryParam {
  name: string;
  schema: { type?: string; enum?: string[]; maxLength?: number; maximum?: number; description?: string };
}

// Query parameters come from the OpenAPI document, so a parameter added to any route is fuzzed too.
const document = openApiDocument() as unknown as {
  paths: Record<string, Record<string, { parameters?: (QueryParam & { in: string })[] }>>;
};
const queryParams = (route: RouteDef): QueryParam[] =>
  (document.paths[route.path]?.[route.method.toLowerCase()]?.parameters ?? []).filter(
    (p) => p.in === 'query',
  );

/** A value the parameter accepts, for parameters the route's sample does not set. */
const validValue = (param: QueryParam) =>
  param.schema.enum?.[0] ??
  (param.schema.type === 'integer' ? '10' : param.name === 'date' ? '2024-03-01' : 'x');

const HOSTILE_INTEGERS = [
  '-1',
  '0',
  '1001',
  '1.5',
  'abc',
  '1e309',
  '99999999999999999999',
  '0x10',
  ' 5',
  '+1',
];
const HOSTILE_TIMES = [
  '2024-02-30',
  '2024-13-01',
  '9999-12-31',
  '0000-01-01T00:00:00Z',
  '-000001-01-01',
  '+275760-09-13T00:00:00Z',
  '2024-03-01T25:00:00Z',
  '2024-03-01T00:00:00+99:00',
  '2024-03-01T00:00:00.1234567891Z',
  '1709251200',
];
/** The same range spelled as dates and as instants: a route takes one form and refuses the other. */
const RANGES = [
  { from: '2024-03-01', to: '2024-03-05' },
  { from: '2024-03-01T00:00:00Z', to: '2024-03-05T00:00:00Z' },
];

const MB = 1024 * 1024;
const json = (value: unknown) => JSON.stringify(value);

/** Every leaf and inner node of a JSON value, as key paths. */
const paths = (value: unknown, prefix: (string | number)[] = []): (string | number)[][] => {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
};

const setAt = (value: unknown, path: (string | number)[], replacement: unknown): unknown => {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = replacement;
  return copy;
};

const inputsFor = (route: RouteDef, seed: number): Input[] => {
  const rand = prng(seed);
  const sample = SAMPLES[routeKey(route)] ?? {};
  const body = sample.body ?? {};
  const inputs: Input[] = [
    { label: 'the valid sample', body: json(body) },
    { label: 'invalid JSON', body: '{"a": ' },
    { label: 'invalid JSON (trailing garbage)', body: `${json(body)}}}}` },
    { label: 'empty body with a JSON content type', body: '' },
    { label: 'no body, no content type', headers: {} },
    { label: 'the literal null', body: 'null' },
    { label: 'random bytes', body: Buffer.from(Array.from({ length: 512 }, () => rand.int(256))) },
    { label: 'invalid UTF-8', body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) },
    { label: '11 MB body', body: Buffer.alloc(11 * MB, 0x20), expect: 413 },
    { label: '6 MB JSON string', body: json('x'.repeat(6 * MB)), expect: 413 },
    {
      label: '1.1 MB JSON array',
      body: json(Array.from({ length: 60_000 }, (_, i) => ({ i, s: 'abcdefgh' }))),
    },
    { label: '10,000 nested objects', body: deeplyNested(10_000) },
    { label: '10,000 nested arrays', body: deeplyNested(10_000, '[', ']') },
    { label: '10,000 unclosed arrays', body: '['.repeat(10_000) },
    { label: '100,000 unclosed objects', body: '{"a":'.repeat(100_000) },
    ...['text/csv', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']
      .concat(['application/octet-stream', 'image/png', 'application/json; charset=latin1', '*/*', 'garbage'])
      .map((type) => ({
        label: `content-type ${type}`,
        headers: { 'content-type': type },
        body: json(body),
      })),
    { label: 'csv body', headers: { 'content-type': 'text/csv' }, body: 'timestamp,lat\n"unterminated,1\n' },
    { label: 'a NUL in the JSON text', body: `${json(body)}\u0000` },
  ];
  // Wrong types and hostile strings in every field of the valid body (and for the body as a whole).
  for (const path of paths(body)) {
    for (const value of WRONG_TYPES) {
      inputs.push({
        label: `${path.join('.') || 'body'} = ${json(value)}`,
        body: json(setAt(body, path, value)),
      });
    }
    for (const value of INJECTIONS) {
      inputs.push({ label: `${path.join('.') || 'body'} = injection`, body: json(setAt(body, path, value)) });
    }
  }
  // Path parameters: each weird id in each position.
  const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  for (const param of pathParams) {
    for (const id of WEIRD_IDS) {
      const segment = id.raw ? id.value : encodeURIComponent(id.value);
      inputs.push({
        label: `${param} = ${id.value.slice(0, 30)}`,
        path: route.path.replace(`{${param}}`, segment),
        body: json(body),
      });
    }
  }
  // Query parameters: paging garbage, each parameter of the route made hostile, and their combinations.
  const query = sample.query ?? {};
  const params = queryParams(route);
  const names = new Set(params.map((p) => p.name));
  const extras: Record<string, string>[] = [
    { limit: '-1' },
    { limit: 'abc' },
    { limit: '0' },
    { limit: '1e309' },
    { limit: '99999999999999999999' },
    { cursor: 'garbage' },
    { cursor: 'x'.repeat(5000) },
    { cursor: Buffer.from('{"pk":"x"}').toString('base64url') },
    { application_id: "' OR 1=1 --" },
  ];
  for (const extra of extras) {
    inputs.push({
      label: `query ${json(extra).slice(0, 40)}`,
      query: { ...query, ...extra },
      body: json(body),
    });
  }
  for (const param of params) {
    const hostile = [
      ...INJECTIONS.slice(0, 9),
      '',
      ' ',
      'x'.repeat((param.schema.maxLength ?? 4096) + 1),
      ...(param.schema.type === 'integer' ? HOSTILE_INTEGERS : HOSTILE_TIMES),
      ...(param.schema.enum ?? []).map((v) => v.toUpperCase()),
    ];
    for (const value of hostile) {
      inputs.push({
        label: `query ${param.name} = ${value.slice(0, 20)}`,
        query: { ...query, [param.name]: value },
        body: json(body),
      });
    }
  }
  if (names.has('from') && names.has('to')) {
    for (const range of RANGES) {
      const { from: _f, to: _t, ...rest } = query;
      const reversed = { ...rest, from: range.to, to: range.from };
      // API.md: `from` later than `to` is a 400 on every route, whatever else the query says.
      inputs.push({ label: `reversed range ${range.from}`, query: reversed, body: json(body), expect: 400 });
      inputs.push({
        label: `reversed range ${range.from} with limit and cursor`,
        query: { ...reversed, ...(names.has('limit') ? { limit: '1', cursor: 'garbage' } : {}) },
        body: json(body),
        expect: 400,
      });
      inputs.push({
        label: `empty range ${range.from}`,
        query: { ...rest, from: range.from, to: range.from },
        body: json(body),
      });
      inputs.push({
        label: `only from ${range.from}`,
        query: { ...rest, from: range.from },
        body: json(body),
      });
      inputs.push({ label: `only to ${range.to}`, query: { ...rest, to: range.to }, body: json(body) });
      inputs.push({
        label: `range over ten millennia ${range.from}`,
        query: { ...rest, from: range.from.replace('2024', '0001'), to: range.to.replace('2024', '9999') },
        body: json(body),
      });
    }
  }
  if (body && typeof body === 'object' && 'from' in body && 'to' in body) {
    const { from, to } = body as { from: unknown; to: unknown };
    inputs.push({
      label: 'reversed range in the body',
      body: json({ ...body, from: to, to: from }),
      expect: 400,
    });
  }
  if (names.has('limit')) {
    inputs.push({ label: 'limit 1000', query: { ...query, limit: '1000' }, body: json(body) });
    inputs.push({ label: 'limit 1001', query: { ...query, limit: '1001' }, body: json(body), expect: 400 });
  }
  // Random combinations: every parameter absent, valid or hostile, independently.
  for (let i = 0; params.length > 1 && i < 12; i++) {
    const combination: Record<string, string> = {};
    for (const param of params) {
      const roll = rand.int(3);
      if (roll === 1) combination[param.name] = query[param.name] ?? validValue(param);
      if (roll === 2) {
        combination[param.name] = rand.pick([
          ...HOSTILE_TIMES,
          ...HOSTILE_INTEGERS,
          ...INJECTIONS.slice(0, 9),
          rand.unicode(1 + rand.int(20)),
        ]);
      }
    }
    inputs.push({
      label: `combination ${json(combination).slice(0, 60)}`,
      query: combination,
      body: json(body),
    });
  }
  inputs.push({
    label: 'repeated query parameters',
    query: 'limit=1&limit=2&cursor=a&cursor=b',
    body: json(body),
  });
  inputs.push({ label: 'malformed query encoding', query: 'limit=%zz&cursor=%', body: json(body) });
  // Credentials that are none (the valid sample otherwise): a 401, never a 5xx.
  GARBAGE_AUTHORIZATIONS(appKey).forEach((authorization, i) => {
    inputs.push({
      label: `garbage authorization ${i}: ${authorization.slice(0, 20)}`,
      headers: { authorization },
      body: json(body),
      ...(route.auth === 'public' ? {} : { expect: 401 }),
    });
  });
  // Random mutations: a random field gets a random hostile value.
  const all = paths(body);
  for (let i = 0; i < RANDOM_MUTATIONS; i++) {
    const value = rand.pick<unknown>([
      rand.unicode(1 + rand.int(300)),
      rand.next() * 10 ** rand.int(30) * (rand.next() < 0.5 ? -1 : 1),
      rand.pick(INJECTIONS) + rand.unicode(5),
      Array.from({ length: rand.int(50) }, () => rand.unicode(3)),
      { [rand.unicode(4)]: rand.unicode(4) },
    ]);
    inputs.push({ label: `random mutation ${i}`, body: json(setAt(body, rand.pick(all), value)) });
  }
  return inputs;
};

let stack: TestStack;
let appKey: string;
const figures = { inputs: 0, fiveXx: 0, hangs: 0, badShapes: 0 };
const started = Date.now();

beforeAll(async () => {
  stack = await startTestStack({ REF_LATENCY_MS_MAX: '0', REF_RECORDS_MIN: '5', REF_RECORDS_MAX: '10' });
  appKey = (await createApp(stack, ['events', 'bus', 'locations', 'advisors', 'datasets'], 'fuzzer')).apiKey;
});
afterAll(async () => {
  await stack?.stop();
  console.log(
    `fuzz: ${figures.inputs} inputs over ${routes.length} routes, ${figures.fiveXx} 5xx, ` +
      `${figures.hangs} hangs, ${figures.badShapes} malformed error bodies ` +
      `(seed ${SEED}, ${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
});

const concrete = (path: string) =>
  path === '$default' ? '/no/such/route' : path.replace(/\{\w+\}/g, 'fuzz-id');

/** Sends one input and returns what is wrong with the answer, if anything. */
const check = async (route: RouteDef, input: Input, n: number): Promise<string | undefined> => {
  const method = route.method === 'ANY' ? 'POST' : route.method;
  const query =
    typeof input.query === 'string' ? input.query : new URLSearchParams(input.query ?? {}).toString();
  const path = `${input.path ?? concrete(route.path)}${query ? `?${query}` : ''}`;
  // Alternate admin and application tokens, so both kinds of caller meet every input.
  const caller = input.caller ?? (route.auth === 'admin' || n % 2 ? 'admin' : 'app');
  const headers: Record<string, string> = {
    authorization: `Bearer ${caller === 'admin' ? stack.adminToken : appKey}`,
    ...(input.body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...input.headers,
  };
  figures.inputs++;
  try {
    const res = await rawRequest(stack.url, method, path, headers, input.body, TIMEOUT_MS);
    const violation = contractViolation(res);
    if (violation) {
      if (res.status >= 500) figures.fiveXx++;
      else figures.badShapes++;
      return `${input.label}: ${violation} ${res.text.slice(0, 200)}`;
    }
    const expected = input.expect === undefined ? undefined : [input.expect].flat();
    if (expected && !expected.includes(res.status)) {
      return `${input.label}: expected ${expected.join(' or ')}, got ${res.status} ${res.text.slice(0, 200)}`;
    }
  } catch (err) {
    if ((err as Error).message === 'timeout') figures.hangs++;
    return `${input.label}: ${(err as Error).message}`;
  }
  return undefined;
};

/** Sends inputs a few at a time (enough to overlap, few enough for two shared cores); returns failures. */
const checkAll = async (route: RouteDef, inputs: Input[]) => {
  const failures: string[] = [];
  for (let i = 0; i < inputs.length; i += 4) {
    const found = await Promise.all(inputs.slice(i, i + 4).map((input, j) => check(route, input, i + j)));
    failures.push(...found.filter((f): f is string => f !== undefined));
  }
  return failures;
};

test.each(routes.map((route, i) => [routeKey(route), route, i] as const))(
  '%s answers hostile input with a 4xx in the API.md error shape, never a 5xx or a hang',
  async (_key, route, index) => {
    expect(await checkAll(route, inputsFor(route, SEED + index))).toEqual([]);
  },
);

// Cursors are bound to the query that issued them: one from another listing, another filter or another
// application is a 400 (or the 404 of an unknown parent), never a page of something else or a 5xx.
test('a cursor issued for one query is refused by every other query', async () => {
  const listings = routes.filter((r) => queryParams(r).some((p) => p.name === 'cursor'));
  const issued: {
    route: RouteDef;
    query: Record<string, string>;
    caller: 'admin' | 'app';
    cursor: string;
  }[] = [];
  await stack.request('POST', '/applications', { body: { name: 'fuzz-second', scopes: ['events'] } });
  for (const route of listings) {
    for (const caller of ['admin', 'app'] as const) {
      if (route.auth === 'admin' && caller === 'app') continue;
      const query = { ...SAMPLES[routeKey(route)]?.query, limit: '1' };
      const res = await stack.request('GET', `${concrete(route.path)}?${new URLSearchParams(query)}`, {
        token: caller === 'admin' ? stack.adminToken : appKey,
      });
      const cursor = (res.body as { next_cursor?: string } | undefined)?.next_cursor;
      if (cursor) issued.push({ route, query, caller, cursor });
    }
  }
  // Enough listings hold two items after the fuzz above for the check to mean something.
  expect(issued.length).toBeGreaterThanOrEqual(3);
  const failures: string[] = [];
  for (const route of listings) {
    const inputs: Input[] = [];
    for (const source of issued) {
      for (const caller of ['admin', 'app'] as const) {
        if (route.auth === 'admin' && caller === 'app') continue;
        // Data shared by every caller (advisors, locations) pages the same for each of them.
        const owned = queryParams(route).some((p) => p.name === 'application_id') || route.auth === 'admin';
        const sameQuery = source.route === route && (source.caller === caller || !owned);
        const query: Record<string, string> = {
          ...SAMPLES[routeKey(route)]?.query,
          limit: '1',
          cursor: source.cursor,
        };
        const label = `cursor of ${source.caller}'s ${routeKey(source.route)} sent by ${caller}`;
        if (sameQuery) {
          inputs.push({ label, query, caller, expect: 200 });
          inputs.push({
            label: `${label} with another limit`,
            query: { ...query, limit: '2' },
            caller,
            expect: 200,
          });
          // application_id filters only for the admin; an application's own scope is its key.
          const ignored = ['limit', 'cursor', ...(caller === 'app' ? ['application_id'] : [])];
          for (const param of queryParams(route).filter((p) => !ignored.includes(p.name))) {
            const other =
              param.schema.enum?.find((v) => v !== query[param.name]) ?? `${query[param.name] ?? ''}y`;
            inputs.push({
              label: `${label} with ${param.name} changed`,
              query: { ...query, [param.name]: other },
              caller,
              expect: [400, 403, 404],
            });
          }
        } else {
          inputs.push({ label, query, caller, expect: [400, 404] });
        }
      }
    }
    failures.push(...(await checkAll(route, inputs)));
  }
  expect(failures).toEqual([]);
});
