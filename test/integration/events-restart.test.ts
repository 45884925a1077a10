import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { EyeClient } from '../../client/index.ts';
import { createApp, eventually, startTestStack, type TestStack } from './harness.ts';

// A stack of its own: restarting it mid-test must not disturb the other event tests.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

test('a restart right after a burst loses nothing and duplicates nothing', async () => {
  const app = await createApp(stack, ['events'], 'burst');
  const client = new EyeClient({ baseUrl: stack.url, apiKey: app.apiKey, maxBatchEvents: 100 });
  const total = 1500;
  const sent = Array.from({ length: total }, (_, i) =>
    client.send({
      session_id: `burst-${i % 3}`,
      category: 'page interaction',
      name: 'pageview',
      data: { host: 'h', path: `/${i}` },
      timestamp: `2021-01-01 10:00:00.${String(i).padStart(6, '0')}`,
      id: `burst-${i}`,
    }),
  );
  await client.close();
  expect((await Promise.all(sent)).every((r) => r.status === 'accepted')).toBe(true);
  await stack.restart();
  const ids = await eventually(
    async () => {
      const all: string[] = [];
      for (let s = 0; s < 3; s++) {
        const res = await stack.request('GET', `/events?session_id=burst-${s}&limit=1000`, {
          token: app.apiKey,
        });
        all.push(...res.body.items.map((e: { id: string }) => e.id));
      }
      return all.length >= total ? all : undefined;
    },
    // Durability, not speed: 3,000 writes (each event and its copy), and DynamoDB Local stores ~140 a
    // second on a busy 2-core machine. Batches a stop cut short are handed back to the queue at once.
    90_000,
    250,
  );
  expect(ids).toHaveLength(total);
  expect(new Set(ids).size).toBe(total);
}, 150_000);
