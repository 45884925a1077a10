import { parentPort, workerData } from 'node:worker_threads';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { QueueKey } from '../lib/resources.ts';
import { startPollers } from './sqs-pollers.ts';

// The queue consumers on a thread of their own: a consumer's batch (hundreds of events, a city file)
// must not hold up the event loop that answers HTTP requests — on AWS they are separate Lambdas.
const { queueUrls } = workerData as { queueUrls: Record<QueueKey, string> };
const sqs = new SQSClient({ region: process.env.AWS_REGION, endpoint: process.env.SQS_ENDPOINT });
const pollers = await startPollers(sqs, queueUrls);
parentPort!.postMessage('ready');
parentPort!.on('message', async (message) => {
  if (message !== 'stop') return;
  await pollers.stop();
  parentPort!.postMessage('stopped');
});
