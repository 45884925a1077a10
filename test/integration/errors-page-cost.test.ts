import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Caller } from '../../shared/core/auth.ts';
import { startTestStack, type TestStack } from './harness.ts';
import { type Cost, meterDynamo } from './page-cost.ts';

// Issue 14: GET /errors?code= once filtered one partition holding every application's errors, so a
// rare code read everything. The listings measured with 10x more errors of another code behind them:
// their cost must not follow.

let stack: TestStack;
let measure: (page: () => Promise<unknown>) => Promise<Cost>;
let listing: typeof import('../../shared/events/use-cases/listing.ts');
let repository: typeof import('../../shared/events/repository.ts');
let schemas: typeof import('../../shared/events/schemas.ts');

beforeAll(async () => {
  stack = await startTestStack();
  measure = await meterDynamo(stack, ['events']);
  listing = await import('../../shared/events/use-cases/listing.ts');
  repository = await import('../../shared/events/repository.ts');
  schemas = await import('../../shared/events/schemas.ts');
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const APP = 'cost-app';
const addErrors = async (n: number) => {
  const receivedAt = new Date().toISOString();
  const rejected = Array.from({ length: n }, (_, i) => ({ message: 'not an event', event: { i } }));
  for (let i = 0; i < rejected.length; i += 50) {
    await repository.recordRejected(APP, receivedAt, rejected.slice(i, i + 50));
  }
};

const pageCosts = async () => {
  const admin: Caller = { kind: 'admin' };
  const app: Caller = { kind: 'application', applicationId: APP, scopes: ['events'] };
  const page = (query: Record<string, string>) => schemas.errorsQuery.parse({ limit: '10', ...query });
  return {
    rareCodeAcrossApps: await measure(() => listing.errorsPage(admin, page({ code: 'future_timestamp' }))),
    rareCodeOfApp: await measure(() => listing.errorsPage(app, page({ code: 'future_timestamp' }))),
    applicationPage: await measure(() => listing.errorsPage(app, page({}))),
  };
};

test('a page of errors, by code or not, costs the same with 10x more errors behind it', async () => {
  await addErrors(60);
  const small = await pageCosts();
  await addErrors(540);
  const large = await pageCosts();
  const all = await listing.errorsPage(
    { kind: 'application', applicationId: APP, scopes: ['events'] },
    schemas.errorsQuery.parse({ limit: '1000' }),
  );
  expect(all.items).toHaveLength(600);

  process.stderr.write(`errors page cost, 60 errors: ${JSON.stringify(small)}\n`);
  process.stderr.write(`errors page cost, 600 errors: ${JSON.stringify(large)}\n`);
  for (const page of ['rareCodeAcrossApps', 'rareCodeOfApp', 'applicationPage'] as const) {
    expect(large[page].calls).toBeLessThanOrEqual(small[page].calls + 1);
    expect(large[page].itemsRead).toBeLessThanOrEqual(small[page].itemsRead * 1.5 + 1);
    expect(large[page].rcu).toBeLessThanOrEqual(small[page].rcu * 1.5 + 1);
  }
  // A code nobody has reads nothing, whatever lies in the other codes' keys.
  expect(large.rareCodeAcrossApps.itemsRead).toBe(0);
}, 240_000);
