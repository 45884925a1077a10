import { fork } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';
import { startFauxqs } from 'fauxqs';
import S3rver from 's3rver';

export interface S3ObjectEvent {
  Records: { eventName: string; s3: { bucket: { name: string }; object: { key: string; size?: number } } }[];
}

export const EMULATORS = ['dynamodb', 's3', 'sqs'] as const;
export type EmulatorKind = (typeof EMULATORS)[number];

export interface Emulator {
  endpoint: string;
  /** s3 only: called for every object stored, with the S3 notification record shape. */
  onS3Event?(listener: (event: S3ObjectEvent) => void): void;
  stop(): Promise<void>;
}

export interface Emulators {
  dynamoEndpoint: string;
  s3Endpoint: string;
  sqsEndpoint: string;
  onS3Event(listener: (event: S3ObjectEvent) => void): void;
  stop(): Promise<void>;
}

const listen = (server: Server) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** One emulator, in this process, with its state under dataDir/<kind>. */
export const startEmulator = async (kind: EmulatorKind, dataDir: string): Promise<Emulator> => {
  const dir = join(dataDir, kind);
  await mkdir(dir, { recursive: true });
  if (kind === 'dynamodb') {
    // DynamoDB on LevelDB.
    const server: Server = dynalite({ path: dir, createTableMs: 0, updateTableMs: 0, deleteTableMs: 0 });
    return { endpoint: `http://127.0.0.1:${await listen(server)}`, stop: () => close(server) };
  }
  if (kind === 's3') {
    // S3 on disk; it emits an event per stored object, which S3 notifications are made of.
    const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir });
    const address = await s3.run();
    return {
      endpoint: `http://127.0.0.1:${address.port}`,
      onS3Event: (listener) => s3.on('event', listener),
      stop: () => s3.close(),
    };
  }
  // SQS on SQLite, written through, with DLQ redrive.
  const sqs = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false, dataDir: dir });
  return { endpoint: sqs.address, stop: () => sqs.stop() };
};

/** One emulator in a child process (local/emulators-process.ts); s3 object events come back over IPC. */
const startEmulatorProcess = (kind: EmulatorKind, dataDir: string): Promise<Emulator> =>
  new Promise((resolve, reject) => {
    const child = fork(join(import.meta.dirname, 'emulators-process.ts'), [kind, dataDir], {
      execArgv: ['--openssl-legacy-provider'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const listeners: ((event: S3ObjectEvent) => void)[] = [];
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`the ${kind} emulator exited with ${code} before it was ready`)),
    );
    child.on('message', (message: { type: string; event?: S3ObjectEvent; endpoint?: string }) => {
      if (message.type === 's3event' && message.event)
        for (const listener of listeners) listener(message.event);
      if (message.type !== 'ready' || !message.endpoint) return;
      resolve({
        endpoint: message.endpoint,
        onS3Event: (listener) => listeners.push(listener),
        stop: async () => {
          if (child.connected) child.send({ type: 'stop' });
          await exited;
        },
      });
    });
  });

/**
 * DynamoDB (dynalite), S3 (s3rver) and SQS (fauxqs), all under dataDir, each in a process of its own:
 * one emulator's work (a burst of consumer writes to dynalite) never holds up another's (the SQS send
 * an HTTP request waits on), and the stack's own process keeps its event loop for the handlers.
 */
export const startEmulatorsProcesses = async (dataDir: string): Promise<Emulators> => {
  const [dynamo, s3, sqs] = await Promise.all(EMULATORS.map((kind) => startEmulatorProcess(kind, dataDir)));
  return {
    dynamoEndpoint: dynamo!.endpoint,
    s3Endpoint: s3!.endpoint,
    sqsEndpoint: sqs!.endpoint,
    onS3Event: (listener) => s3!.onS3Event!(listener),
    stop: async () => {
      await Promise.all([dynamo!.stop(), s3!.stop(), sqs!.stop()]);
    },
  };
};
