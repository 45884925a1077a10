import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { writeJourneys } from '../local/datasets/gen-journeys.ts';
import { startLocalStack } from '../local/stack.ts';
import { adminApi } from './load.ts';
import type { BenchOutcome } from './run.ts';

// Imports a ≥ 50 MB generated journey file through the presigned-upload path of the local stack, then
// times GET /datasets/{id}/aggregate (over HTTP, end to end) against DuckDB computing the same
// describe() straight from the file with read_json(format='unstructured') + unnest(events).

const RECORDS = Number(process.env.BENCH_DATASET_RECORDS ?? 60_000);
const RUNS = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const timed = async <T>(fn: () => Promise<T>) => {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
};

const DUCK_DESCRIBE = (file: string) => `
  SELECT count(x) AS count, avg(x) AS mean, stddev_samp(x) AS std, min(x) AS min,
         quantile_cont(x, 0.25) AS p25, quantile_cont(x, 0.5) AS p50, quantile_cont(x, 0.75) AS p75, max(x) AS max
  FROM (SELECT unnest(events).event_duration::DOUBLE AS x FROM read_json('${file}', format = 'unstructured'))`;

const DUCK_GROUPED = (file: string) => `
  SELECT e.event_name AS key, count(e.event_duration) AS count, avg(e.event_duration) AS mean,
         stddev_samp(e.event_duration) AS std, quantile_cont(e.event_duration, 0.5) AS p50
  FROM (SELECT unnest(events) AS e FROM read_json('${file}', format = 'unstructured'))
  GROUP BY 1 ORDER BY 1`;

export const run = async (): Promise<BenchOutcome> => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-datasets-'));
  const file = join(dir, 'journeys.json');
  try {
    process.stderr.write(`generating ${RECORDS} journey records…\n`);
    const bytes = await writeJourneys(file, RECORDS, 7, true);
    const mb = bytes / 1e6;
    const stack = await startLocalStack({ port: 0, dataDir: join(dir, 'data') });
    const api = adminApi(stack);
    try {
      process.stderr.write(`importing ${mb.toFixed(1)} MB through a presigned upload…\n`);
      const upload = await api('POST', '/datasets/uploads', { name: 'bench' });
      const imported = await timed(async () => {
        const put = await fetch(upload.upload_url, { method: 'PUT', body: readFileSync(file) });
        if (!put.ok) throw new Error(`upload failed: ${put.status}`);
        for (;;) {
          const got = await api('GET', `/datasets/${upload.id}`);
          if (got.status === 'ready') return got;
          if (got.status === 'failed') throw new Error(`import failed: ${JSON.stringify(got.error)}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      });

      const ours = async (query: string) => {
        const runs = [];
        let value: Record<string, any> = {};
        for (let i = 0; i < RUNS; i++) {
          const r = await timed(() => api('GET', `/datasets/${upload.id}/aggregate?${query}`));
          runs.push(r.ms);
          value = r.value;
        }
        return { ms: median(runs), value };
      };
      const duck = await (await DuckDBInstance.create(':memory:')).connect();
      const theirs = async (sql: string) => {
        const runs = [];
        let value: Record<string, unknown>[] = [];
        for (let i = 0; i < RUNS; i++) {
          const r = await timed(() => duck.runAndReadAll(sql));
          runs.push(r.ms);
          value = r.value.getRowObjectsJson() as Record<string, unknown>[];
        }
        return { ms: median(runs), value };
      };
      process.stderr.write('aggregating (ours, then DuckDB)…\n');
      const describe = await ours('field=event_duration');
      const describeDuck = await theirs(DUCK_DESCRIBE(file));
      const grouped = await ours('field=event_duration&group_by=event_name');
      const groupedDuck = await theirs(DUCK_GROUPED(file));

      const duckRow = describeDuck.value[0]!;
      const agree =
        Number(duckRow.count) === describe.value.count &&
        Math.abs(Number(duckRow.mean) - describe.value.mean) < 1e-9 * Math.abs(describe.value.mean) &&
        Number(duckRow.p50) === describe.value.p50 &&
        groupedDuck.value.length === grouped.value.groups.length;
      if (!agree) {
        throw new Error(`answers differ: ${JSON.stringify(describe.value)} vs ${JSON.stringify(duckRow)}`);
      }
      return {
        metrics: {
          file_mb: mb,
          records: imported.value.records,
          import_s: imported.ms / 1000,
          import_mb_per_s: mb / (imported.ms / 1000),
          aggregate_ms: describe.ms,
          aggregate_mb_per_s: mb / (describe.ms / 1000),
          aggregate_group_by_ms: grouped.ms,
          duckdb_describe_ms: describeDuck.ms,
          duckdb_group_by_ms: groupedDuck.ms,
        },
        ratios: { aggregate: describe.ms / describeDuck.ms, aggregate_group_by: grouped.ms / groupedDuck.ms },
        table: [
          {
            work: `import ${mb.toFixed(1)} MB (PUT + queue + extract)`,
            ours_ms: Math.round(imported.ms),
            duckdb_ms: '-',
          },
          {
            work: 'describe events.event_duration',
            ours_ms: describe.ms.toFixed(1),
            duckdb_ms: describeDuck.ms.toFixed(1),
          },
          {
            work: '… group_by events.event_name',
            ours_ms: grouped.ms.toFixed(1),
            duckdb_ms: groupedDuck.ms.toFixed(1),
          },
        ],
        notes: [
          `${imported.value.records} records, ${describe.value.count} events; median of ${RUNS} runs each`,
          'ours: GET /datasets/{id}/aggregate over HTTP on the local stack (reads the columnar extract from S3)',
          "DuckDB: read_json(format='unstructured') + unnest(events) over the same file, in process",
        ],
      };
    } finally {
      await stack.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
