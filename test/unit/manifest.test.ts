import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { authorizer, consumers, routes } from '../../lib/routes.ts';

// Every function of the manifest exists and has a sample event in events/<feature>/<name>.json, the
// file `sam local invoke -e` takes; the sample has the shape its trigger sends.
const ROOT = join(import.meta.dirname, '..', '..');
const sampleOf = (handler: string) =>
  join(ROOT, handler.replace(/^functions\//, 'events/').replace(/\.ts$/, '.json'));

describe('the manifest', () => {
  test.each(routes.map((r) => r.handler))('%s exists and has an API Gateway v2 sample event', (handler) => {
    expect(existsSync(join(ROOT, handler))).toBe(true);
    const sample = JSON.parse(readFileSync(sampleOf(handler), 'utf8'));
    expect(sample).toMatchObject({
      version: '2.0',
      routeKey: expect.any(String),
      requestContext: expect.any(Object),
    });
  });

  test.each(consumers.map((c) => c.handler))('%s exists and has an SQS sample event', (handler) => {
    expect(existsSync(join(ROOT, handler))).toBe(true);
    const sample = JSON.parse(readFileSync(sampleOf(handler), 'utf8'));
    expect(sample.Records[0]).toMatchObject({ eventSource: 'aws:sqs', body: expect.any(String) });
  });

  test('the authorizer has a request-authorizer sample event', () => {
    const sample = JSON.parse(readFileSync(sampleOf(authorizer.handler), 'utf8'));
    expect(sample).toMatchObject({
      type: 'REQUEST',
      routeKey: expect.any(String),
      headers: expect.any(Object),
    });
  });

  test('no two routes share a method and path', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
