import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, test } from '@jest/globals';
import { buildConsole } from '../../../console/build.ts';

const committed = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../console/dist/console.json'), 'utf8'),
);

describe('the console page', () => {
  test('served from console/dist/console.json is what console/src builds to (else: npm run console)', async () => {
    expect(committed).toEqual(await buildConsole());
  });

  test('loads nothing from another origin', () => {
    expect(committed.html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']?(https?:)?\/\//i);
  });

  // API Gateway and Lambda answer at most 6 MB; the page stays far below that, even uncompressed.
  test('is small enough to serve uncompressed, and its gzip encoding is that page', () => {
    expect(Buffer.byteLength(committed.html)).toBeLessThan(300 * 1024);
    expect(gunzipSync(Buffer.from(committed.gzip, 'base64')).toString('utf8')).toBe(committed.html);
  });
});
