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
