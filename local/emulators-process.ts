import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EmulatorKind, EmulatorMessage, EmulatorRequest, S3ObjectEvent } from './emulators.ts';
import { EMULATORS } from './emulators.ts';
import { startIamGate } from './iam/gate.ts';

// One emulator in a process of its own, behind its IAM gate, talking to its parent over IPC only.

interface Emulator {
  endpoint: string;
  /** What answers there, when it is worth saying (dynamodb: "Amazon DynamoDB Local 3.3.1"). */
  description?: string;
  /** Settles with a reason if the emulator dies without being asked to (dynamodb: its JVM). */
  died?: Promise<string>;
  /** s3 only: called for every object stored, with the S3 notification record shape. */
  onS3Event?(listener: (event: S3ObjectEvent) => void): void;
  /** secretsmanager only: creates or replaces secrets. */
  putSecrets?(secrets: Record<string, string>): void;
  stop(): Promise<void>;
}

/**
 * One emulator, in this process, with its state under dataDir/<kind>. Each loads only its own modules:
 * the JVM, the slowest to start, is spawned sooner without s3rver's and fauxqs's.
 */
const startEmulator = async (kind: EmulatorKind, dataDir: string): Promise<Emulator> => {
  const dir = join(dataDir, kind);
  await mkdir(dir, { recursive: true });
  // DynamoDB on SQLite (a JVM, child of this process).
  if (kind === 'dynamodb') return (await import('./dynamodb-local.ts')).startDynamoDbLocal(dir);
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
    // Seeded by the parent (putSecrets) once it knows the values; nothing of it is kept on disk here.
    const { startSecretsManager } = await import('./iam/secrets-manager.ts');
    return startSecretsManager({ secrets: {} });
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

// Listening before the emulator is up: a parent that dies while it starts must stop it too.
const starting = (async () => {
  const emulator = await startEmulator(kind, dataDir);
  const gate = await startIamGate({ service: kind, upstream: emulator.endpoint, principals: [] });
  return { emulator, gate };
})();
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  const { emulator, gate } = await starting;
  await gate.stop();
  await emulator.stop();
  process.exit(0);
};
process.on('message', async (message: EmulatorRequest) => {
  if (message.type === 'stop') return void stop();
  const { emulator, gate } = await starting;
  if (message.type === 'principals') gate.setPrincipals(message.principals);
  if (message.type === 'secrets') emulator.putSecrets?.(message.secrets);
  send({ type: 'done', id: message.id });
});
// The parent died without asking (SIGKILL): close the store cleanly rather than linger.
process.on('disconnect', () => void stop());
process.on('SIGTERM', () => void stop());
// Ctrl-C reaches the whole process group; the parent decides when its emulators stop.
process.on('SIGINT', () => {});

const { emulator, gate } = await starting;
emulator.onS3Event?.((event) => send({ type: 's3event', event }));
void emulator.died?.then((reason) => {
  console.error(`local ${kind} emulator: ${reason}`);
  process.exit(1);
});
if (process.connected) send({ type: 'ready', endpoint: gate.endpoint, description: emulator.description });
