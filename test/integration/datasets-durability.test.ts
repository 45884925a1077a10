import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { journeyChunks } from '../../local/datasets/gen-journeys.ts';
import { startEmulatorsProcesses } from '../../local/emulators.ts';
import { localNames } from '../../local/provision.ts';
import { eventually, type LaunchedStack, launchStack, OPERATOR_CREDENTIALS } from './harness.ts';

// Imports that span many parts (1 MiB parts here), duplicate notifications while one is running, and
// an upload stored while no stack was running to notify it.

const PART_BYTES = 1024 * 1024;
const dataDir = mkdtempSync(join(tmpdir(), 'eye-it-datasets-'));
const adminToken = `admin-${Math.random().toString(36).slice(2)}`;
const env = { DATA_DIR: dataDir, ADMIN_TOKEN: adminToken, DATASET_PART_BYTES: String(PART_BYTES) };
let stack: LaunchedStack;

// ~6 MB of generated journeys; the expected statistics come straight from the records.
const chunks = [...journeyChunks(6000, 23)];
const file = chunks.join('');
const durations = chunks
  .flatMap((c) => (JSON.parse(c) as { events: { event_duration: number }[] }).events)
  .map((e) => e.event_duration)
  .sort((a, b) => a - b);

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });

const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

const s3 = (endpoint: string) =>
  new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: OPERATOR_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });

const ready = (id: string, timeoutMs = 30_000) =>
  eventually(
    async () => {
      const got = await api('GET', `/datasets/${id}`);
      if (got.body.status === 'failed') throw new Error(`import failed: ${JSON.stringify(got.body.error)}`);
      return got.body.status === 'ready' && got.body;
    },
    timeoutMs,
    50,
  );

beforeAll(async () => {
  stack = await launchStack(env);
});
afterAll(async () => {
  if (stack) {
    const done = exited(stack.child);
    stack.child.kill('SIGTERM');
    await done;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

test('a duplicate notification while the import runs changes nothing; the parts aggregate exactly', async () => {
  const upload = (await api('POST', '/datasets/uploads', {})).body;
  expect((await fetch(upload.upload_url, { method: 'PUT', body: file })).status).toBe(200);
  await eventually(
    async () => (await api('GET', `/datasets/${upload.id}`)).body.status === 'processing',
    10_000,
    10,
  );

  // The notification S3 sends for that object: path-style URL = /<bucket>/<key>.
  const [, bucket, ...key] = new URL(upload.upload_url).pathname.split('/');
  const sqs = new SQSClient({
    region: 'us-east-1',
    endpoint: stack.endpoints.sqs,
    credentials: OPERATOR_CREDENTIALS,
  });
  const { QueueUrl } = await sqs.send(
    new GetQueueUrlCommand({ QueueName: localNames.queue('datasetsImport') }),
  );
  const notification = JSON.stringify({
    Records: [
      { eventName: 'ObjectCreated:Put', s3: { bucket: { name: bucket }, object: { key: key.join('/') } } },
    ],
  });
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: notification }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: notification }));
  expect((await api('GET', `/datasets/${upload.id}`)).body.status).toBe('processing');

  const dataset = await ready(upload.id);
  expect(dataset).toMatchObject({ records: 6000, bytes: Buffer.byteLength(file) });
  // Let the duplicates be handled, then check that only one attempt wrote an extract.
  await new Promise((r) => setTimeout(r, 2000));
  const listed = await s3(stack.endpoints.s3).send(
    new ListObjectsV2Command({ Bucket: localNames.bucket, Prefix: `datasets/${upload.id}/extract/` }),
  );
  const attempts = new Set((listed.Contents ?? []).map((o) => o.Key!.split('/')[3]));
  expect(attempts.size).toBe(1);
  const parts = new Set((listed.Contents ?? []).map((o) => o.Key!.split('/')[5]).filter(Boolean));
  expect(parts.size).toBeGreaterThan(2);

  const agg = (await api('GET', `/datasets/${upload.id}/aggregate?field=event_duration`)).body;
  const n = durations.length;
  const q = (p: number) => {
    const h = (n - 1) * p;
    const lo = Math.floor(h);
    return durations[lo]! + (h - lo) * (durations[Math.min(lo + 1, n - 1)]! - durations[lo]!);
  };
  expect(agg).toMatchObject({ count: n, min: durations[0], max: durations[n - 1] });
  expect(agg.mean).toBeCloseTo(durations.reduce((a, b) => a + b, 0) / n, 9);
  expect(agg.p25).toBeCloseTo(q(0.25), 9);
  expect(agg.p50).toBeCloseTo(q(0.5), 9);
  expect(agg.p75).toBeCloseTo(q(0.75), 9);
});

test('an upload stored while the stack was down is imported once it starts again', async () => {
  const upload = (await api('POST', '/datasets/uploads', { name: 'stored-while-down' })).body;
  const done = exited(stack.child);
  stack.child.kill('SIGTERM');
  await done;

  // What the stack dying right after s3rver stored the object leaves: the object, and no message.
  const emulators = await startEmulatorsProcesses(dataDir);
  try {
    await s3(emulators.endpoints.s3).send(
      new PutObjectCommand({ Bucket: localNames.bucket, Key: `datasets/uploads/${upload.id}`, Body: file }),
    );
  } finally {
    await emulators.stop();
  }

  stack = await launchStack(env);
  expect(await ready(upload.id)).toMatchObject({ name: 'stored-while-down', records: 6000 });
});
