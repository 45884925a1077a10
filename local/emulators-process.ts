import { startEmulators } from './emulators.ts';

// The emulators in a process of their own, so DynamoDB, S3 and SQS work runs on the other core while
// the handlers run in the stack's process. Talks to its parent over the IPC channel only.
const dataDir = process.argv[2];
if (!dataDir || !process.send) throw new Error('usage: forked by local/emulators.ts with a DATA_DIR');
const send = process.send.bind(process);

const emulators = await startEmulators(dataDir);
emulators.onS3Event((event) => send({ type: 's3event', event }));
send({
  type: 'ready',
  endpoints: { dynamo: emulators.dynamoEndpoint, s3: emulators.s3Endpoint, sqs: emulators.sqsEndpoint },
});

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await emulators.stop();
  process.exit(0);
};
process.on('message', (message: { type?: string }) => {
  if (message.type === 'stop') void stop();
});
// The parent died without asking (SIGKILL): close the stores cleanly rather than linger.
process.on('disconnect', () => void stop());
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => {});
