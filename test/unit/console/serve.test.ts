import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, test } from '@jest/globals';
import type { Context } from 'aws-lambda';

// GET /console and GET /docs, each asked once as a browser asks (gzip) and once as curl does (identity).
const ROOT = join(import.meta.dirname, '..', '..', '..');
const sample = (name: string) =>
  JSON.parse(readFileSync(join(ROOT, 'events', 'platform', `${name}.json`), 'utf8'));
const html = readFileSync(join(ROOT, 'shared', 'api-docs', 'reference.html'), 'utf8');
const consolePage = JSON.parse(readFileSync(join(ROOT, 'console', 'dist', 'console.json'), 'utf8')).html;

interface Response {
  statusCode: number;
  headers: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
}
type Handler = (event: unknown, context: Context) => Promise<Response>;
const context = { awsRequestId: 'unit', functionName: 'page' } as Context;

// Where the local runtime puts the bundled page; set before shared/core/env.ts is first parsed.
process.env.API_DOCS_DIR = join(ROOT, 'shared', 'api-docs');
const { acceptsGzip } = await import('../../../shared/api-docs/page.ts');
const handlers: Record<string, Handler> = {};
for (const name of ['console', 'docs'])
  handlers[name] = (await import(join(ROOT, 'functions', 'platform', `${name}.ts`))).handler;

const get = (name: string, headers: Record<string, string>) => {
  const event = sample(name);
  return handlers[name]!({ ...event, headers: { ...event.headers, ...headers } }, context);
};

describe.each([
  ['console', () => consolePage],
  ['docs', () => html],
])('GET /%s', (name, page) => {
  test('sends gzip-encoded bytes of the page to a client that accepts gzip', async () => {
    const res = await get(name, { 'accept-encoding': 'gzip, deflate, br' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.vary).toBe('accept-encoding');
    expect(res.isBase64Encoded).toBe(true);
    const bytes = Buffer.from(res.body!, 'base64');
    expect(gunzipSync(bytes).toString('utf8')).toBe(page());
    expect(bytes.length).toBeLessThan(Buffer.byteLength(page()) / 2);
  });

  test('sends the page as it is to a client that does not ask for gzip', async () => {
    const res = await get(name, {});
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers.vary).toBe('accept-encoding');
    expect(res.isBase64Encoded).toBeUndefined();
    expect(res.body).toBe(page());
  });

  test('answers 304 to the ETag of the same encoding only', async () => {
    const plain = await get(name, {});
    const gzip = await get(name, { 'accept-encoding': 'gzip' });
    expect(gzip.headers.etag).not.toBe(plain.headers.etag);
    const again = await get(name, { 'accept-encoding': 'gzip', 'if-none-match': gzip.headers.etag! });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBeUndefined();
    expect((await get(name, { 'if-none-match': plain.headers.etag! })).statusCode).toBe(304);
    const crossed = await get(name, { 'accept-encoding': 'gzip', 'if-none-match': plain.headers.etag! });
    expect(crossed.statusCode).toBe(200);
    expect(crossed.headers['content-encoding']).toBe('gzip');
  });
});

describe('Accept-Encoding', () => {
  test.each([
    ['gzip', true],
    ['deflate, gzip;q=0.5', true],
    ['GZIP', true],
    ['*', true],
    ['br', false],
    ['gzip;q=0', false],
    ['identity', false],
    ['', false],
  ])('%j takes gzip: %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});
