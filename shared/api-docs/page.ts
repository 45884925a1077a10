import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { env } from '../core/env.ts';
import type { HttpEvent, HttpResult } from '../core/http.ts';

/**
 * The /docs page built by `npm run openapi` (Redoc, self-contained). It ships next to the bundle as a
 * file (lib/routes.ts, bundleFiles) rather than inside it: 2.6 MB of page would dwarf the code budget.
 */
export const referencePage = (): string => {
  if (!env.API_DOCS_DIR) throw new Error('Missing configuration API_DOCS_DIR');
  return readFileSync(join(env.API_DOCS_DIR, 'reference.html'), 'utf8');
};

/** A page served as it is or gzip-encoded, with an ETag per encoding. */
export interface StaticPage {
  html: string;
  /** Base64 of the gzip-encoded html. */
  gzip: string;
  etag: string;
}

// API Gateway's HTTP API does not compress: the function answers the encoded bytes itself, encoded
// once (at build or at init), never per request.
export const staticPage = (html: string): StaticPage => ({
  html,
  gzip: gzipSync(html, { level: 9 }).toString('base64'),
  etag: `"${createHash('sha256').update(html).digest('hex').slice(0, 32)}"`,
});

/** `Accept-Encoding` names gzip (or `*`) without `q=0`. */
export const acceptsGzip = (header: string | undefined): boolean =>
  (header ?? '').split(',').some((part) => {
    const [coding, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== '*') return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });

// The two encodings are different bytes, so they carry different ETags (RFC 9110 §8.8.3).
const gzipEtag = (etag: string) => etag.replace(/"$/, '-gz"');

const matches = (ifNoneMatch: string | undefined, etag: string) =>
  (ifNoneMatch ?? '').split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);

/** The page for this request: gzip-encoded when the client takes it, 304 when it already has it. */
export const servePage = (
  page: StaticPage,
  event: HttpEvent,
  headers: Record<string, string>,
): HttpResult => {
  const gzip = acceptsGzip(event.headers?.['accept-encoding']);
  const etag = gzip ? gzipEtag(page.etag) : page.etag;
  const common = { ...headers, etag, vary: 'accept-encoding' };
  if (matches(event.headers?.['if-none-match'], etag)) return { status: 304, headers: common };
  return gzip
    ? {
        status: 200,
        body: page.gzip,
        isBase64Encoded: true,
        headers: { ...common, 'content-encoding': 'gzip' },
      }
    : { status: 200, body: page.html, headers: common };
};
