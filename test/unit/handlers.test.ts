import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, jest, test } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { QUEUES, TABLES } from '../../lib/resources.ts';
import { authorizer, consumerEnvironment, consumers, routeAuthMap, routes } from '../../lib/routes.ts';
import { bundledDirsLocally } from '../../local/functions.ts';
import { BUCKET_ENV_NAME, queueEnvName, tableEnvName } from '../../shared/core/resource-env.ts';
import { useSecrets } from './helpers/secrets.ts';

// Every function of the manifest invoked once with its events/ sample (what `sam local invoke -e`
// sends), every AWS client mocked with empty answers: the handler loads with only the configuration a
// deployed function has, reads its trigger's shape and answers in its contract's shape, never a crash.
const ROOT = join(import.meta.dirname, '..', '..');
const sampleOf = (handler: string) =>
  JSON.parse(
    readFileSync(join(ROOT, handler.replace(/^functions\//, 'events/').replace(/\.ts$/, '.json')), 'utf8'),
  );

const context = {
  functionName: 'sample',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:sample',
  memoryLimitInMB: '512',
  awsRequestId: 'sample-request',
  logGroupName: '/aws/lambda/sample',
  logStreamName: 'sample',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;

type Handler = (event: unknown, context: Context) => Promise<unknown>;
const load = async (handler: string) => ((await import(join(ROOT, handler))) as { handler: Handler }).handler;

beforeAll(() => {
  for (const table of TABLES) process.env[tableEnvName(table)] = table;
  for (const queue of Object.keys(QUEUES)) {
    process.env[queueEnvName(queue)] = `https://sqs.us-east-1.amazonaws.com/000000000000/${queue}`;
  }
  process.env[BUCKET_ENV_NAME] = 'bucket';
  process.env.BUS_SOURCE_URL = 'http://upstream.invalid';
  // What Lambda gives every function (the presigner signs with them).
  process.env.AWS_ACCESS_KEY_ID = 'ASIASAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'sample';
  process.env.ROUTE_AUTH = JSON.stringify(routeAuthMap());
  // Every function's own settings at once: shared/core/env.ts is parsed once per module registry, and
  // all handlers share this one (where two functions set one name, the last wins: a smoke test's
  // values, not a deployment's).
  for (const def of [...routes, authorizer]) {
    const local = bundledDirsLocally(def);
    for (const [name, value] of Object.entries(def.environment ?? {}))
      process.env[name] = local.get(value) ?? value;
  }
  for (const consumer of consumers) Object.assign(process.env, consumerEnvironment(consumer));
  useSecrets({ ADMIN_TOKEN: 'sample-admin-token', CURSOR_KEY: 'sample-cursor-key' });
  mockClient(DynamoDBDocumentClient).onAnyCommand().resolves({});
  mockClient(DynamoDBClient).onAnyCommand().resolves({});
  mockClient(S3Client).onAnyCommand().resolves({});
  mockClient(SQSClient).onAnyCommand().resolves({});
  // The upstream bus source answers an empty city list and empty departures.
  jest.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response('[]', { status: 200 }));
});

describe('every handler with its sample event', () => {
  test.each(routes.map((r) => [r.handler]))('%s answers in the API.md shape', async (handler) => {
    const response = (await (
      await load(handler)
    )(sampleOf(handler), context)) as {
      statusCode: number;
      headers?: Record<string, string>;
      body?: string;
    };
    expect(response.statusCode).toBeLessThan(500);
    const type = Object.entries(response.headers ?? {}).find(
      ([k]) => k.toLowerCase() === 'content-type',
    )?.[1];
    if (type?.startsWith('application/json')) {
      const body = JSON.parse(response.body ?? 'null');
      if (response.statusCode >= 400) expect(body.error).toMatchObject({ code: expect.any(String) });
    } else if (response.statusCode !== 204) {
      expect(type).toMatch(/^text\/html/);
    }
  });

  test.each(consumers.map((c) => [c.handler]))(
    '%s parses its sample and reports its batch item failures',
    async (handler) => {
      const { logger } = await import('../../shared/core/observability.ts');
      const errors = jest.spyOn(logger, 'error');
      const result = await (await load(handler))(sampleOf(handler), context).catch((err: Error) => err);
      expect(errors.mock.calls.map(([message]) => message)).not.toContain('Unparseable message body');
      // With nothing behind the mocks a record may fail; all of them failing is Powertools' own error,
      // which hands the whole batch back to SQS.
      if (result instanceof Error) expect(result.name).toBe('FullBatchFailureError');
      else expect((result as { batchItemFailures: unknown[] }).batchItemFailures).toEqual(expect.any(Array));
    },
  );

  test('the authorizer lets the route answer 401 for the sample’s unknown key', async () => {
    const result = (await (
      await load(authorizer.handler)
    )(sampleOf(authorizer.handler), context)) as {
      context: { outcome: string; principal: string };
    };
    expect(result.context).toMatchObject({ outcome: 'unauthorized', principal: 'anonymous' });
  });
});
