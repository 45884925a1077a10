import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { allPages, startTestStack, type TestStack } from './harness.ts';

// A file of 10,000 clients goes through one import request (100 conditional puts per transaction):
// ~15 s on DynamoDB Local on a busy 2-core machine, inside the route's 29 s.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const CLIENTS = 10_000;
const file = {
  clients: Array.from({ length: CLIENTS }, (_, i) => ({
    first_name: `First${i}`,
    last_name: `Last${String(i % 997).padStart(3, '0')}`,
    accounts: [
      { type: 'ira', value: 0.1 },
      { type: 'brokerage', value: i + 0.2 },
    ],
  })),
  financial_advisors: Array.from({ length: 50 }, (_, i) => ({ name: `Advisor ${i}`, focus_areas: ['smb'] })),
};

test('imports 10,000 clients in one request, and re-importing the same file changes nothing', async () => {
  const first = await stack.request('POST', '/advisors/import', { body: file });
  expect(first.status).toBe(200);
  expect(first.body).toEqual({
    clients: { created: CLIENTS, updated: 0 },
    advisors: { created: 50, updated: 0 },
  });

  const { items } = await allPages<{ last_name: string }>(stack, '/clients?limit=1000');
  const names = items.map((client) => client.last_name);
  expect(names).toEqual([...names].sort());
  const listed = items.length;
  expect(listed).toBe(CLIENTS);

  const again = await stack.request('POST', '/advisors/import', { body: file });
  expect(again.body).toEqual({ clients: { created: 0, updated: 0 }, advisors: { created: 0, updated: 0 } });
}, 60_000);
