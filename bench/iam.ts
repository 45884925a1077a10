import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import type { Principal } from '../local/iam/gate.ts';
import type { BenchOutcome } from './run.ts';

// The IAM gate's cost per request: p50 latency a client sees and the gate's own CPU time, for a small
// DynamoDB PutItem and a 1 KiB S3 GetObject, sequentially (one in flight), three ways: straight to the
// emulator, through the gate as a plain proxy (enforce: false), and through the gate enforcing.
// DynamoDB's upstream is a stub answering `{}` (DynamoDB Local's own cost is not the gate's); S3's is
// s3rver. GetObject reads a different key each request, so no decision comes from the cache.

const N = Number(process.env.IAM_BENCH_REQUESTS ?? 2000);
const WARMUP = 200;
const BUCKET = 'eye-data-000000000000-us-east-1';
const OPERATOR = { accessKeyId: 'local', secretAccessKey: 'local' };

// Shaped like the bus fetcher's synthesized role policy (CDK grants), resolved.
const fetcher: Principal = {
  name: 'BusFetchCity',
  arn: 'arn:aws:sts::000000000000:assumed-role/BusFetchCityServiceRole/BusFetchCity',
  accessKeyId: 'ASIABENCHFETCHER0001',
  secretAccessKey: 'bench-secret',
  policies: [
    {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
        {
          Effect: 'Allow',
          Action: [
            'dynamodb:BatchGetItem',
            'dynamodb:Query',
            'dynamodb:GetItem',
            'dynamodb:Scan',
            'dynamodb:ConditionCheckItem',
            'dynamodb:BatchWriteItem',
            'dynamodb:PutItem',
            'dynamodb:UpdateItem',
            'dynamodb:DeleteItem',
            'dynamodb:DescribeTable',
          ],
          Resource: [
            'arn:aws:dynamodb:us-east-1:000000000000:table/eye-bus',
            'arn:aws:dynamodb:us-east-1:000000000000:table/eye-bus/index/*',
          ],
        },
        {
          Effect: 'Allow',
          Action: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'],
          Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/bus/*`],
        },
        {
          Effect: 'Allow',
          Action: [
            's3:PutObject',
            's3:PutObjectLegalHold',
            's3:PutObjectRetention',
            's3:PutObjectTagging',
            's3:Abort*',
          ],
          Resource: `arn:aws:s3:::${BUCKET}/bus/*`,
        },
        {
          Effect: 'Allow',
          Action: [
            'sqs:ReceiveMessage',
            'sqs:ChangeMessageVisibility',
            'sqs:GetQueueUrl',
            'sqs:DeleteMessage',
            'sqs:GetQueueAttributes',
          ],
          Resource: 'arn:aws:sqs:us-east-1:000000000000:eye-busFetch',
        },
      ],
    },
  ],
};

interface GateProcess {
  endpoint: string;
  cpuMicros(): Promise<number>;
  stop(): Promise<void>;
}

const request = <T>(child: ChildProcess, message: unknown, key: string) =>
  new Promise<T>((resolve) => {
    const onMessage = (reply: Record<string, T>) => {
      if (!(key in reply)) return;
      child.off('message', onMessage);
      resolve(reply[key]!);
    };
    child.on('message', onMessage);
    child.send(message as object);
  });

const startGateProcess = async (
  service: 'dynamodb' | 's3',
  upstream: string,
  enforce: boolean,
): Promise<GateProcess> => {
  const child = fork(join(import.meta.dirname, 'iam-gate-process.ts'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const endpoint = await request<string>(
    child,
    { start: { service, upstream, principals: [fetcher], enforce } },
    'endpoint',
  );
  return {
    endpoint,
    cpuMicros: () => request<number>(child, 'cpu', 'cpu'),
    stop: async () => {
      child.send('stop');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
};

const stubDynamo = async () => {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

/** p50/p99 latency (ms) of `call(i)` for i in [0, N), after a warm-up, one at a time. */
const measure = async (call: (i: number) => Promise<unknown>) => {
  for (let i = 0; i < WARMUP; i++) await call(N + i);
  const times: number[] = [];
  for (let i = 0; i < N; i++) {
    const start = performance.now();
    await call(i);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
};

interface Row {
  operation: string;
  path: string;
  p50_ms: number;
  p99_ms: number;
  gate_cpu_ms_per_request?: number;
}

const measurePaths = async (
  operation: string,
  service: 'dynamodb' | 's3',
  upstream: string,
  call: (endpoint: string, credentials: typeof OPERATOR) => (i: number) => Promise<unknown>,
): Promise<Row[]> => {
  const rows: Row[] = [];
  const direct = await measure(call(upstream, OPERATOR));
  rows.push({ operation, path: 'direct to the emulator', p50_ms: direct.p50, p99_ms: direct.p99 });
  for (const enforce of [false, true]) {
    const gate = await startGateProcess(service, upstream, enforce);
    const credentials = { accessKeyId: fetcher.accessKeyId, secretAccessKey: fetcher.secretAccessKey };
    const fn = call(gate.endpoint, enforce ? credentials : OPERATOR);
    for (let i = 0; i < WARMUP; i++) await fn(2 * N + i);
    const cpuBefore = await gate.cpuMicros();
    const timed = await measure(fn);
    const cpu = (await gate.cpuMicros()) - cpuBefore;
    rows.push({
      operation,
      path: enforce ? 'gate, enforcing' : 'gate, plain proxy',
      p50_ms: timed.p50,
      p99_ms: timed.p99,
      // The warm-up inside measure() runs between the two readings too.
      gate_cpu_ms_per_request: cpu / 1000 / (N + WARMUP),
    });
    await gate.stop();
  }
  return rows;
};

const round = (value: number) => Math.round(value * 1000) / 1000;

export const run = async (): Promise<BenchOutcome> => {
  const dynamo = await stubDynamo();
  const dynamoRows = await measurePaths(
    'DynamoDB PutItem',
    'dynamodb',
    dynamo.url,
    (endpoint, credentials) => {
      const client = new DynamoDBClient({ region: 'us-east-1', endpoint, credentials });
      return (i) =>
        client.send(
          new PutItemCommand({
            TableName: 'eye-bus',
            Item: { pk: { S: `job#${i % 50}` }, sk: { S: 'city#lisbon' }, done: { N: '3' } },
          }),
        );
    },
  );
  await dynamo.stop();

  const dir = await mkdtemp(join(tmpdir(), 'iam-bench-'));
  const s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir });
  const s3url = `http://127.0.0.1:${(await s3rver.run()).port}`;
  const s3 = (endpoint: string, credentials: typeof OPERATOR) =>
    new S3Client({
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials: endpoint === s3url ? { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } : credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  const seed = s3(s3url, OPERATOR);
  await seed.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const body = Buffer.alloc(1024, 'x');
  const keys = 3 * N + WARMUP;
  for (let i = 0; i < keys; i += 50)
    await Promise.all(
      Array.from({ length: Math.min(50, keys - i) }, (_, j) =>
        seed.send(
          new PutObjectCommand({ Bucket: BUCKET, Key: `bus/2026-01-01/city-${i + j}.json`, Body: body }),
        ),
      ),
    );
  const s3Rows = await measurePaths('S3 GetObject 1 KiB', 's3', s3url, (endpoint, credentials) => {
    const client = s3(endpoint, credentials);
    return async (i) => {
      const out = await client.send(
        new GetObjectCommand({ Bucket: BUCKET, Key: `bus/2026-01-01/city-${i % keys}.json` }),
      );
      await out.Body!.transformToByteArray();
    };
  });
  await s3rver.close();
  await rm(dir, { recursive: true, force: true });

  const rows = [...dynamoRows, ...s3Rows].map((row) => ({
    ...row,
    p50_ms: round(row.p50_ms),
    p99_ms: round(row.p99_ms),
    ...(row.gate_cpu_ms_per_request === undefined
      ? {}
      : { gate_cpu_ms_per_request: round(row.gate_cpu_ms_per_request) }),
  }));
  const find = (operation: string, path: string) =>
    rows.find((r) => r.operation === operation && r.path === path)!;
  const metrics: Record<string, number> = {};
  const ratios: Record<string, number> = {};
  for (const [name, operation] of [
    ['dynamodb_put', 'DynamoDB PutItem'],
    ['s3_get', 'S3 GetObject 1 KiB'],
  ] as const) {
    const direct = find(operation, 'direct to the emulator');
    const proxy = find(operation, 'gate, plain proxy');
    const enforcing = find(operation, 'gate, enforcing');
    metrics[`${name}_direct_p50_ms`] = direct.p50_ms;
    metrics[`${name}_added_p50_ms_proxy`] = round(proxy.p50_ms - direct.p50_ms);
    metrics[`${name}_added_p50_ms_enforcing`] = round(enforcing.p50_ms - direct.p50_ms);
    metrics[`${name}_gate_cpu_ms_proxy`] = proxy.gate_cpu_ms_per_request!;
    metrics[`${name}_gate_cpu_ms_enforcing`] = enforcing.gate_cpu_ms_per_request!;
    ratios[`${name}_p50_enforcing_vs_direct`] = round(enforcing.p50_ms / direct.p50_ms);
  }
  return {
    metrics,
    ratios,
    table: rows as unknown as Record<string, string | number>[],
    notes: [
      `${N} sequential requests per path after ${WARMUP} of warm-up; the gate runs in its own process, whose CPU time is what gate_cpu counts.`,
      'DynamoDB upstream: a stub answering {}; S3 upstream: s3rver, a different key per GetObject (no cached decision).',
    ],
  };
};
