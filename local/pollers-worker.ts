import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { QueueKey } from '../lib/resources.ts';
import { startPollers } from './sqs-pollers.ts';

// The queue consumers on a thread of their own: a consumer's batch (hundreds of events, a city file)
// must not hold up the event loop that answers HTTP requests — on AWS they are separate Lambdas. For
// the same reason the thread yields the cores to request handling (nice 10): a consumer's burst (a
// batch of minute recomputes every second) must not show up as API latency (locations at 1,000 PUT/s:
// p99 ~120 -> ~70 ms). Linux names a thread's own id in /proc; elsewhere the priority stays.
try {
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 10);
} catch {
  // not Linux, or not allowed: same priority as the handlers
}
const { queueUrls } = workerData as { queueUrls: Record<QueueKey, string> };
const sqs = new SQSClient({ region: process.env.AWS_REGION, endpoint: process.env.SQS_ENDPOINT });
const pollers = await startPollers(sqs, queueUrls);
parentPort!.postMessage('ready');
parentPort!.on('message', async (message) => {
  if (message !== 'stop') return;
  await pollers.stop();
  parentPort!.postMessage('stopped');
});
