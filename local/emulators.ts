import { fork } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface S3ObjectEvent {
  Records: { eventName: string; s3: { bucket: { name: string }; object: { key: string; size?: number } } }[];
}

export const EMULATORS = ['dynamodb', 's3', 'sqs'] as const;
export type EmulatorKind = (typeof EMULATORS)[number];

export interface Emulator {
  endpoint: string;
  /** What answers there, when it is worth saying (dynamodb: "Amazon DynamoDB Local 3.3.1"). */
  description?: string;
  /** Settles with a reason if the emulator dies without being asked to (dynamodb: its JVM). */
  died?: Promise<string>;
  /** s3 only: called for every object stored, with the S3 notification record shape. */
  onS3Event?(listener: (event: S3ObjectEvent) => void): void;
  stop(): Promise<void>;
}

export interface Emulators {
  dynamoEndpoint: string;
  dynamoDescription: string;
  s3Endpoint: string;
  sqsEndpoint: string;
  onS3Event(listener: (event: S3ObjectEvent) => void): void;
  stop(): Promise<void>;
}

/**
 * One emulator, in this process, with its state under dataDir/<kind>. Each loads only its own modules:
 * the JVM, the slowest to start, is spawned sooner without s3rver's and fauxqs's.
 */
export const startEmulator = async (kind: EmulatorKind, dataDir: string): Promise<Emulator> => {
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
  // SQS on SQLite, written through, with DLQ redrive.
  const { startFauxqs } = await import('fauxqs');
  const sqs = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false, dataDir: dir });
  return { endpoint: sqs.address, stop: () => sqs.stop() };
};

export interface ReadyMessage {
  type: 'ready';
  endpoint: string;
  description?: string;
}

/** One emulator in a child process (local/emulators-process.ts); s3 object events come back over IPC. */
const startEmulatorProcess = (kind: EmulatorKind, dataDir: string): Promise<Emulator> =>
  new Promise((resolve, reject) => {
    const child = fork(join(import.meta.dirname, 'emulators-process.ts'), [kind, dataDir], {
      // s3rver encrypts its list-continuation tokens with DES, which OpenSSL 3 keeps in its legacy
      // provider; only its process gets it (never the handlers, tests or tools).
      execArgv: kind === 's3' ? ['--openssl-legacy-provider'] : [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const listeners: ((event: S3ObjectEvent) => void)[] = [];
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`the ${kind} emulator exited with ${code} before it was ready`)),
    );
    child.on('message', (message: ReadyMessage | { type: 's3event'; event: S3ObjectEvent }) => {
      if (message.type === 's3event') for (const listener of listeners) listener(message.event);
      if (message.type !== 'ready') return;
      resolve({
        endpoint: message.endpoint,
        description: message.description,
        onS3Event: (listener) => listeners.push(listener),
        stop: async () => {
          if (child.connected) child.send({ type: 'stop' });
          await exited;
        },
      });
    });
  });

/**
 * DynamoDB (Amazon DynamoDB Local), S3 (s3rver) and SQS (fauxqs), all under dataDir, each in a process of
 * its own: one emulator's work (a burst of consumer writes) never holds up another's (the SQS send
 * an HTTP request waits on), and the stack's own process keeps its event loop for the handlers.
 */
export const startEmulatorsProcesses = async (dataDir: string): Promise<Emulators> => {
  const [dynamo, s3, sqs] = await Promise.all(EMULATORS.map((kind) => startEmulatorProcess(kind, dataDir)));
  return {
    dynamoEndpoint: dynamo!.endpoint,
    dynamoDescription: dynamo!.description ?? 'DynamoDB Local',
    s3Endpoint: s3!.endpoint,
    sqsEndpoint: sqs!.endpoint,
    onS3Event: (listener) => s3!.onS3Event!(listener),
    stop: async () => {
      await Promise.all([dynamo!.stop(), s3!.stop(), sqs!.stop()]);
    },
  };
};
