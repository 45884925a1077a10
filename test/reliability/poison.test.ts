import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { QueueKey } from '../../lib/resources.ts';
import { consumers } from '../../lib/routes.ts';
import {
  createApp,
  eventually,
  OPERATOR_CREDENTIALS,
  startTestStack,
  type TestStack,
} from '../integration/harness.ts';
import { pageview } from './inputs.ts';
import { queues } from './queues.ts';

// A message its consumer cannot process must end in the queue's DLQ after maxReceiveCount receives,
// without holding back the good messages received in the same batch. The real pollers and handlers
// run unchanged; only the queues' timers are shortened at test time (3 s visibility, 2 receives)
// through SetQueueAttributes on the same emulator, so the DLQ is reached in seconds, not minutes. The
// visibility still covers a batching window (1 s) and the batch's processing, as AWS requires.

const VISIBILITY_S = 3;
const MAX_RECEIVES = 2;

let stack: TestStack;
let app: { id: string; apiKey: string };
let sqs: ReturnType<typeof queues>;
const figures = { poisoned: 0, inDlq: 0, good: 0, goodProcessed: 0 };

beforeAll(async () => {
  stack = await startTestStack();
  app = await createApp(stack, ['events', 'locations'], 'poison');
  sqs = queues(stack);
  for (const { queue } of consumers) await sqs.shorten(queue, VISIBILITY_S, MAX_RECEIVES);
});
afterAll(async () => {
  await stack?.stop();
  console.log(
    `poison: ${figures.inDlq}/${figures.poisoned} poisoned messages in their DLQ, ` +
      `${figures.goodProcessed}/${figures.good} good messages of the same batches processed`,
  );
});

/** The bodies now waiting in the queue's DLQ. */
const dlqBodies = async (queue: QueueKey) => {
  const client = new SQSClient({
    region: 'us-east-1',
    endpoint: stack.endpoints.sqs,
    credentials: OPERATOR_CREDENTIALS,
  });
  const out = await client.send(
    new ReceiveMessageCommand({
      QueueUrl: await sqs.dlqUrl(queue),
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
    }),
  );
  return (out.Messages ?? []).map((m) => m.Body!).sort();
};

/** Sends poison and good bodies in one batch; waits for the poison to reach the DLQ and the queue to empty. */
const poisonAmong = async (queue: QueueKey, poison: string[], good: string[]) => {
  figures.poisoned += poison.length;
  figures.good += good.length;
  await sqs.sendBatch(queue, [...poison.slice(0, 1), ...good, ...poison.slice(1)]);
  await sqs.drained(queue, 20_000);
  const dead = await eventually(async () => {
    const bodies = await dlqBodies(queue);
    return bodies.length >= poison.length && bodies;
  });
  figures.inDlq += dead.length;
  return dead;
};

const ingestMessage = (events: { id: string; event: unknown }[]) =>
  JSON.stringify({ application_id: app.id, received_at: new Date().toISOString(), events });

test('poisoned events messages go to the DLQ; the good ones of their batch are stored at once', async () => {
  const good = [0, 1, 2].map((i) =>
    ingestMessage([{ id: `good-${i}`, event: pageview(`good-${i}`, 'poison-batch') }]),
  );
  const poison = ['not json at all', JSON.stringify({ application_id: '', events: 'no' })];
  const started = Date.now();
  const stored = eventually(async () => {
    const res = await stack.request('GET', '/events?session_id=poison-batch', { token: app.apiKey });
    return res.body.items.length === good.length && Date.now() - started;
  });
  const dead = await poisonAmong('eventsIngest', poison, good);
  // The good messages were not held back until the poison's redeliveries ran out.
  expect(await stored).toBeLessThan(VISIBILITY_S * 1000 * MAX_RECEIVES);
  figures.goodProcessed += good.length;
  expect(dead).toEqual([...poison].sort());
});

test('poisoned location minute messages go to the DLQ; the good ones of their batch are recomputed', async () => {
  for (const s of ['10', '20']) {
    const body = {
      timestamp: `2017-01-01T13:05:${s}Z`,
      lat: 40,
      long: -73,
      accuracy: 5,
      speed: null,
      user_id: 'poison-user',
    };
    expect((await stack.request('PUT', '/location', { token: app.apiKey, body })).status).toBe(200);
  }
  await sqs.drained('locationMinutes');
  const good = ['05', '06', '07'].map((m) =>
    JSON.stringify({ minutes: [{ user_id: 'poison-user', minute: `2017-01-01T13:${m}:00Z` }] }),
  );
  const poison = ['{"minutes": [', JSON.stringify({ minutes: 'all of them' })];
  const dead = await poisonAmong('locationMinutes', poison, good);
  // The queue emptied and only the poison is dead: every good message was processed and deleted.
  figures.goodProcessed += good.length;
  expect(dead).toEqual([...poison].sort());
  const averages = await stack.request('GET', '/users/poison-user/location-averages', { token: app.apiKey });
  expect(averages.body.items.map((i: { minute: string; count: number }) => [i.minute, i.count])).toEqual([
    ['2017-01-01T13:05:00Z', 2],
  ]);
});

test.each([
  ['busFetch', '{"job_id": 1'],
  ['datasetsImport', 'not an S3 notification'],
] as const)('a poisoned %s message goes to the DLQ after its receives run out', async (queue, poison) => {
  expect(await poisonAmong(queue, [poison], [])).toEqual([poison]);
});
