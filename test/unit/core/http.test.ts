import { describe, expect, test } from '@jest/globals';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { notFound } from '../../../shared/core/errors.ts';
import { type HttpEvent, httpRoute, jsonDepth, ok, toErrorResponse } from '../../../shared/core/http.ts';
import { MAX_JSON_DEPTH } from '../../../shared/core/json-bytes.ts';
import { logger } from '../../../shared/core/observability.ts';

const context = {
  functionName: 'test',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 1000,
} as Context;

const event = (overrides: Partial<HttpEvent> & { outcome?: string } = {}): HttpEvent => {
  const { outcome = 'allow', ...rest } = overrides;
  return {
    version: '2.0',
    routeKey: 'POST /things',
    rawPath: '/things',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    isBase64Encoded: false,
    requestContext: {
      http: { method: 'POST', path: '/things' },
      authorizer: { lambda: { outcome, principal: 'admin', application_id: '', scopes: '' } },
    },
    ...rest,
  } as unknown as HttpEvent;
};

const route = httpRoute(
  { body: z.object({ name: z.string().min(1) }), query: z.object({ n: z.coerce.number().int().optional() }) },
  async ({ body, query, caller }) => ok({ name: body.name, n: query.n ?? null, caller: caller.kind }),
);

const call = async (e: HttpEvent) => {
  const res = (await route(e, context)) as {
    statusCode: number;
    headers: Record<string, string>;
    body: string;
  };
  return { ...res, json: res.body ? JSON.parse(res.body) : undefined };
};

describe('the HTTP chain', () => {
  test("logs a request under API Gateway's request id (the logger's correlation id)", async () => {
    let seen: unknown;
    const logging = httpRoute({}, async () => {
      seen = logger.getCorrelationId();
      return ok({});
    });
    const e = event();
    (e.requestContext as { requestId?: string }).requestId = 'apigw-request-7';
    await logging(e, context);
    expect(seen).toBe('apigw-request-7');
  });

  test('hands validated input and the caller to the route and serialises its result as JSON', async () => {
    const res = await call(event({ body: '{"name":"a"}', queryStringParameters: { n: '3' } }));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.json).toEqual({ name: 'a', n: 3, caller: 'admin' });
  });

  test('answers malformed JSON with invalid_json', async () => {
    const res = await call(event({ body: '{"name":' }));
    expect(res.statusCode).toBe(400);
    expect(res.json.error.code).toBe('invalid_json');
  });

  test('answers schema failures with validation_error naming each path', async () => {
    const res = await call(event({ body: '{"name":""}', queryStringParameters: { n: 'x' } }));
    expect(res.statusCode).toBe(400);
    expect(res.json.error.code).toBe('validation_error');
    expect(res.json.error.details[0].path).toBe('name');
  });

  test('decodes base64 bodies as API Gateway sends them', async () => {
    const res = await call(
      event({ body: Buffer.from('{"name":"b"}').toString('base64'), isBase64Encoded: true }),
    );
    expect(res.json.name).toBe('b');
  });

  test('rejects non-JSON media types with 415 and oversized bodies with 413', async () => {
    const form = await call(
      event({ body: 'name=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    );
    expect(form.statusCode).toBe(415);
    expect(form.json.error.code).toBe('unsupported_media_type');
    const big = await call(event({ body: JSON.stringify({ name: 'x'.repeat(1024 * 1024) }) }));
    expect(big.statusCode).toBe(413);
  });

  test("turns the authorizer's verdicts into 401 and 403 before the route runs", async () => {
    expect((await call(event({ outcome: 'unauthorized', body: '{"name":"a"}' }))).statusCode).toBe(401);
    expect((await call(event({ outcome: 'forbidden', body: '{"name":"a"}' }))).statusCode).toBe(403);
  });
});

describe('JSON nesting', () => {
  test('counts the deepest object or array, ignoring brackets inside strings', () => {
    expect(jsonDepth(Buffer.from('{"a":[1,{"b":"[[[{{{"}]}'))).toBe(3);
    expect(jsonDepth(Buffer.from('"\\"{"'))).toBe(0);
    expect(jsonDepth(Buffer.from('1'))).toBe(0);
  });

  test('bodies nested deeper than the limit are a validation error, not a stack overflow', async () => {
    const deep = `${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`;
    const res = await call(event({ body: `{"name":"a","x":${deep}}` }));
    expect(res.statusCode).toBe(400);
    expect(res.json.error.code).toBe('validation_error');
    const atLimit = `{"name":"a","x":${'['.repeat(MAX_JSON_DEPTH - 1)}${']'.repeat(MAX_JSON_DEPTH - 1)}}`;
    expect((await call(event({ body: atLimit }))).statusCode).toBe(200);
  });
});

describe('toErrorResponse', () => {
  test('maps typed errors to their status and body', () => {
    const res = toErrorResponse(notFound('No such thing'));
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body!)).toEqual({ error: { code: 'not_found', message: 'No such thing' } });
  });

  test('hides unexpected errors behind a 500 without internals', () => {
    const res = toErrorResponse(new Error('ECONNREFUSED 10.0.0.1 table eye-events'));
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('eye-events');
    expect(JSON.parse(res.body!).error.code).toBe('internal');
  });
});
