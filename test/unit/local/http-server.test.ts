import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from '@jest/globals';
import { authorizer } from '../../../lib/routes.ts';
import { startHttpServer } from '../../../local/http-server.ts';
import { InvocationError, type Invoke } from '../../../local/lambda.ts';

// The local API answers what API Gateway answers when a function fails, not our own error body.
let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

const serve = async (route: Invoke, authorize: Invoke = async () => ({ context: {} })) => {
  server = await startHttpServer(0, (settings) => (settings === authorizer ? authorize : route), authorizer, {
    integrationTimeoutMs: 300,
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};
const get = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: await res.json(), type: res.headers.get('content-type') };
};

describe('the local HTTP API when a function fails', () => {
  test.each([
    ['runs past its timeout', new InvocationError('timeout', 'Task timed out after 1.00 seconds')],
    ['crashes', new InvocationError('crash', 'Runtime exited: exited with code 3')],
    ['throws past its chain', new InvocationError('handler', 'boom')],
  ])('answers API Gateway’s 500 when the function %s', async (_, failure) => {
    const url = await serve(async () => Promise.reject(failure));
    expect(await get(`${url}/health`)).toEqual({
      status: 500,
      body: { message: 'Internal Server Error' },
      type: 'application/json',
    });
  });

  test('answers API Gateway’s 500 when the authorizer fails', async () => {
    const url = await serve(
      async () => ({ statusCode: 200, body: '{}' }),
      async () => Promise.reject(new InvocationError('timeout', 'Task timed out after 10.00 seconds')),
    );
    expect((await get(`${url}/events?session_id=x`)).body).toEqual({ message: 'Internal Server Error' });
  });

  test('answers 503 once the integration timeout has passed, while the function still runs', async () => {
    const url = await serve(
      () => new Promise((resolve) => setTimeout(() => resolve({ statusCode: 200 }), 2_000)),
    );
    expect(await get(`${url}/health`)).toMatchObject({
      status: 503,
      body: { message: 'Service Unavailable' },
    });
  });

  test('passes a working function’s answer through', async () => {
    const url = await serve(async () => ({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'ok' }),
    }));
    expect(await get(`${url}/health`)).toEqual({
      status: 200,
      body: { status: 'ok' },
      type: 'application/json',
    });
  });
});
