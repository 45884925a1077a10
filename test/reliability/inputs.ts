import { request as httpRequest } from 'node:http';

// Building blocks of the reliability suite: a seeded PRNG (runs are repeatable), hostile values, a
// raw HTTP client (fetch would normalise `..` and `%2e%2e` segments away) and valid sample requests.

/** mulberry32: small, fast and good enough to pick mutations reproducibly. */
export const prng = (seed: number) => {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  /** Code points from every plane, surrogates excluded (they are not valid UTF-8). */
  const unicode = (length: number) =>
    Array.from({ length }, () => {
      const cp = pick([0x20 + int(0x5f), 0xa0 + int(0xd700), 0xe000 + int(0x1fff), 0x10000 + int(0xfffff)]);
      return String.fromCodePoint(cp);
    }).join('');
  return { next, int, pick, unicode };
};
export type Prng = ReturnType<typeof prng>;

export const INJECTIONS = [
  "' OR 1=1 --",
  '"; DROP TABLE events; --',
  '<script>alert(1)</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Log4Shell probe, sent literally
  '${jndi:ldap://127.0.0.1:1/a}',
  '{{7*7}}',
  'a\u0000b',
  '\u0000',
  '../../etc/passwd',
  '%00%2e%2e%2f',
  '\ud83d\ude00'.repeat(2000),
  'é'.repeat(50_000),
  '$where: 1',
  '#',
  '__proto__',
];

export const WRONG_TYPES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  5e-324,
  '',
  'x',
  [],
  {},
  [null],
  { a: 1 },
];

/** Path-parameter values; each is sent percent-encoded as one segment unless `raw` says otherwise. */
export const WEIRD_IDS: { value: string; raw?: boolean }[] = [
  { value: '../../etc/passwd' },
  { value: '%2e%2e%2f%2e%2e%2fetc%2fpasswd', raw: true },
  { value: '..%2f..%2f', raw: true },
  { value: 'x'.repeat(10 * 1024) },
  { value: "' OR 1=1 --" },
  { value: '<script>' },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Log4Shell probe, sent literally
  { value: '${jndi:ldap://x}' },
  { value: 'a\u0000b' },
  { value: '%00', raw: true },
  // Malformed percent-encoding: decodeURIComponent throws on each of these.
  { value: '%zz', raw: true },
  { value: '%', raw: true },
  { value: 'a%2', raw: true },
  { value: '%E0%A4%A', raw: true },
  { value: '%FF%FE', raw: true },
  { value: '😀'.repeat(100) },
  { value: ' ' },
  { value: '-1' },
  { value: '__proto__' },
  { value: 'constructor' },
];

/**
 * Authorization header values that are no credential. Node's client sends header values as latin1,
 * so the UTF-8 one is its bytes spelled in latin1.
 */
export const GARBAGE_AUTHORIZATIONS = (validToken: string): string[] => [
  'Bearer',
  'Bearer ',
  'Bearer a b',
  `Bearer ${'x'.repeat(10 * 1024)}`,
  `Bearer ${validToken}x`,
  `Bearer ${validToken.slice(0, -1)}`,
  `bearer ${validToken} ${validToken}`,
  'Basic YWRtaW46YWRtaW4=',
  'Bearer %zz%',
  'Bearer \u00e9\u00ff',
  Buffer.from('Bearer ключ😀').toString('latin1'),
];

export const deeplyNested = (depth: number, open = '{"a":', close = '}') =>
  `${open.repeat(depth)}1${close.repeat(depth)}`;

export interface RawResponse {
  status: number;
  contentType: string;
  text: string;
}

/**
 * One request over a fresh connection with a hard deadline; rejects with `timeout` when the server
 * does not answer in time. `path` is sent byte for byte.
 */
export const rawRequest = (
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | Buffer | undefined,
  timeoutMs: number,
) =>
  new Promise<RawResponse>((resolve, reject) => {
    const url = new URL(base);
    // An explicit length: Node's server refuses a chunked GET body with a bare 400, unlike API Gateway.
    const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers: { ...headers, ...length }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });

/** Checks a response against API.md: never a 5xx; errors are JSON `{"error":{"code","message"}}`. */
export const contractViolation = (res: RawResponse): string | undefined => {
  if (res.status >= 500) return `status ${res.status}`;
  if (res.status < 400) return undefined;
  if (!res.contentType.startsWith('application/json')) return `error content-type ${res.contentType}`;
  try {
    const error = JSON.parse(res.text).error;
    if (typeof error?.code !== 'string' || typeof error?.message !== 'string') return 'error body shape';
  } catch {
    return 'error body is not JSON';
  }
  return undefined;
};

export const point = (userId: string, timestamp: string, lat = 40.7, long = -73.9) => ({
  timestamp,
  lat,
  long,
  accuracy: 10,
  speed: 1.5,
  user_id: userId,
});

export const pageview = (id: string, session: string, timestamp = '2021-01-01 09:15:27.243860') => ({
  id,
  session_id: session,
  category: 'page interaction',
  name: 'pageview',
  data: { host: 'www.example.com', path: '/' },
  timestamp,
});

export const advisorsFile = (clients: number, advisors: number) => ({
  clients: Array.from({ length: clients }, (_, i) => ({
    first_name: `First${i}`,
    last_name: `Last${i}`,
    accounts: [{ type: 'ira', value: 100.25 + i }],
  })),
  financial_advisors: Array.from({ length: advisors }, (_, i) => ({
    name: `Advisor ${i}`,
    focus_areas: ['retirement'],
  })),
});
