import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { EmulatorKind, EmulatorMessage, EmulatorRequest, S3ObjectEvent } from './emulators.ts';
import { EMULATORS } from './emulators.ts';
import { startIamGate } from './iam/gate.ts';
import { startSecretsManager } from './iam/secrets-manager.ts';

// One emulator in a process of its own, behind its IAM gate, talking to its parent over IPC only.

interface Emulator {
  endpoint: string;
  onS3Event?(listener: (event: S3ObjectEvent) => void): void;
  putSecrets?(secrets: Record<string, string>): void;
  stop(): Promise<void>;
}

const listen = (server: Server) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** One emulator, in this process, with its state under dataDir/<kind>. */
const startEmulator = async (kind: EmulatorKind, dataDir: string): Promise<Emulator> => {
  const dir = join(dataDir, kind);
  await mkdir(dir, { recursive: true });
  if (kind === 'dynamodb') {
    const { default: dynalite } = await import('dynalite');
    const server: Server = dynalite({ path: dir, createTableMs: 0, updateTableMs: 0, deleteTableMs: 0 });
    return { endpoint: `http://127.0.0.1:${await listen(server)}`, stop: () => close(server) };
  }
  if (kind === 's3') {
    // S3 on disk; it emits an event per stored object, which S3 notifications are made of.
    const { default: S3rver } = await import('s3rver');
    const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir });
    const address = await s3.run();
    return {
      endpoint: `http://127.0.0.1:${address.port}`,
      onS3Event: (listener) => s3.on('event', listener),
      stop: () => s3.close(),
    };
  }
  if (kind === 'secretsmanager') {
    const secrets = await startSecretsManager({ secrets: {} });
    return {
      endpoint: secrets.endpoint,
      putSecrets: (values) => secrets.putSecrets(values),
      stop: () => secrets.stop(),
    };
  }
  // SQS on SQLite, written through, with DLQ redrive.
  const { startFauxqs } = await import('fauxqs');
  const sqs = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false, dataDir: dir });
  return { endpoint: sqs.address, stop: () => sqs.stop() };
};

const [kind, dataDir] = process.argv.slice(2) as [EmulatorKind, string];
if (!EMULATORS.includes(kind) || !dataDir || !process.send) {
  throw new Error('usage: forked by local/emulators.ts with an emulator kind and a DATA_DIR');
}
const send = (message: EmulatorMessage) => process.send!(message);

const emulator = await startEmulator(kind, dataDir);
const gate = await startIamGate({ service: kind, upstream: emulator.endpoint, principals: [] });
emulator.onS3Event?.((event) => send({ type: 's3event', event }));
send({ type: 'ready', endpoint: gate.endpoint });

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await gate.stop();
  await emulator.stop();
  process.exit(0);
};
process.on('message', (message: EmulatorRequest) => {
  if (message.type === 'stop') return void stop();
  if (message.type === 'principals') gate.setPrincipals(message.principals);
  if (message.type === 'secrets') emulator.putSecrets?.(message.secrets);
  send({ type: 'done', id: message.id });
});
// The parent died without asking (SIGKILL): close the store cleanly rather than linger.
process.on('disconnect', () => void stop());
process.on('SIGTERM', () => void stop());
// Ctrl-C reaches the whole process group; the parent decides when its emulators stop.
process.on('SIGINT', () => {});
