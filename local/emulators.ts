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

export interface Emulators {
  dynamoEndpoint: string;
  s3Endpoint: string;
  sqsEndpoint: string;
  /** Called for every object s3rver stores, with the S3 notification record shape. */
  onS3Event(listener: (event: S3ObjectEvent) => void): void;
  stop(): Promise<void>;
}

const listen = (server: Server) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** DynamoDB (dynalite on LevelDB), S3 (s3rver on disk) and SQS (fauxqs on SQLite), all under dataDir. */
export const startEmulators = async (dataDir: string): Promise<Emulators> => {
  await Promise.all(['dynamodb', 's3', 'sqs'].map((d) => mkdir(join(dataDir, d), { recursive: true })));
  const dynamo: Server = dynalite({
    path: join(dataDir, 'dynamodb'),
    createTableMs: 0,
    updateTableMs: 0,
    deleteTableMs: 0,
  });
  const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(dataDir, 's3') });
  const [dynamoPort, s3Address, sqs] = await Promise.all([
    listen(dynamo),
    s3.run() as Promise<AddressInfo>,
    startFauxqs({ port: 0, host: '127.0.0.1', logger: false, dataDir: join(dataDir, 'sqs') }),
  ]);
  return {
    dynamoEndpoint: `http://127.0.0.1:${dynamoPort}`,
    s3Endpoint: `http://127.0.0.1:${s3Address.port}`,
    sqsEndpoint: sqs.address,
    onS3Event: (listener) => s3.on('event', listener),
    stop: async () => {
      await Promise.all([close(dynamo), s3.close(), sqs.stop()]);
    },
  };
};

/**
 * The same emulators in a child process (local/emulators-process.ts): the stack's process keeps one
 * core for the handlers. s3rver's object events come back over IPC.
 */
export const startEmulatorsProcess = (dataDir: string): Promise<Emulators> =>
  new Promise((resolve, reject) => {
    const child = fork(join(import.meta.dirname, 'emulators-process.ts'), [dataDir], {
      execArgv: ['--openssl-legacy-provider'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const listeners: ((event: S3ObjectEvent) => void)[] = [];
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`emulators exited with ${code} before they were ready`)));
    child.on(
      'message',
      (message: { type: string; event?: S3ObjectEvent; endpoints?: Record<string, string> }) => {
        if (message.type === 's3event' && message.event)
          for (const listener of listeners) listener(message.event);
        if (message.type !== 'ready' || !message.endpoints) return;
        const { dynamo, s3, sqs } = message.endpoints as { dynamo: string; s3: string; sqs: string };
        resolve({
          dynamoEndpoint: dynamo,
          s3Endpoint: s3,
          sqsEndpoint: sqs,
          onS3Event: (listener) => listeners.push(listener),
          stop: async () => {
            if (child.connected) child.send({ type: 'stop' });
            await exited;
          },
        });
      },
    );
  });
