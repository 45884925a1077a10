import { mkdtempSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { BenchOutcome } from './run.ts';

// `npm run bench -- bus`: fills the local stack with ≥ 1 GB of reference-server city files through the
// real job (POST /process-request → fetcher → S3), then times GET /country-stats over them against
// DuckDB's read_json computing the same statistics from the same stored files.
// BUS_BENCH_RECORDS (per city-day, default 280000 ≈ 36 MB) scales it down for a quick look.

const DATE = '2024-03-01';
const RUNS = 3;

const progress = (line: string) => process.stderr.write(`\r${line}\x1b[K`);

export const run = async (): Promise<BenchOutcome> => {
  const records = Number(process.env.BUS_BENCH_RECORDS ?? 280_000);
  Object.assign(process.env, {
    REF_SEED: 'bench',
    REF_RECORDS_MIN: String(Math.floor(records * 0.95)),
    REF_RECORDS_MAX: String(Math.ceil(records * 1.05)),
    REF_LATENCY_MS_MAX: '0',
    REF_FAILURE_RATE: '0',
    LOG_LEVEL: 'ERROR',
  });
  delete process.env.BUS_SOURCE_URL;
  const dataDir = mkdtempSync(join(tmpdir(), 'eye-bench-bus-'));
  const { startLocalStack } = await import('../local/stack.ts');
  const stack = await startLocalStack({ port: 0, dataDir, adminToken: 'bench-admin' });
  const call = async (method: string, path: string) => {
    const res = await fetch(`${stack.url}${path}`, {
      method,
      headers: { authorization: 'Bearer bench-admin' },
    });
    const body = (await res.json()) as any;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  try {
    const fetchStarted = performance.now();
    const { job_id } = await call('POST', `/process-request?date=${DATE}`);
    let job: any;
    for (;;) {
      job = await call('GET', `/process-request/${job_id}`);
      progress(`fetching: ${job.cities_done}/${job.cities_total} cities, ${(job.bytes / 1e6).toFixed(0)} MB`);
      if (job.finished_at) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const fetchSeconds = (performance.now() - fetchStarted) / 1000;
    process.stderr.write('\n');
    if (job.status !== 'succeeded') throw new Error(`fetch job ${job.status}: ${JSON.stringify(job)}`);
    const megabytes = job.bytes / 1e6;

    // Peak RSS of this process (which also hosts the emulators) while the statistics run.
    let peakRss = 0;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 20);
    const ours: number[] = [];
    let answer: any;
    for (let i = 0; i < RUNS; i++) {
      progress(`country-stats: run ${i + 1}/${RUNS}`);
      const t = performance.now();
      answer = await call('GET', `/country-stats?from=${DATE}&to=${DATE}`);
      ours.push((performance.now() - t) / 1000);
    }
    clearInterval(sampler);
    process.stderr.write('\n');

    const cities = (await (await fetch(`${stack.busSourceUrl}/cities`)).json()) as {
      id: number;
      country: string;
    }[];
    const dir = join(dataDir, 's3', 'eye-data', 'bus', DATE);
    const files = cities.map((c) => ({ path: join(dir, `${c.id}.json._S3rver_object`), country: c.country }));
    let onDisk = 0;
    for (const f of files) onDisk += (await stat(f.path)).size;
    const duck = await DuckDBInstance.create(':memory:');
    const conn = await duck.connect();
    const list = files.map((f) => `'${f.path}'`).join(', ');
    const mapping = files.map((f) => `('${f.path}', '${f.country}')`).join(', ');
    const part = (unit: string) =>
      `coalesce(try_cast(regexp_extract(delay, '([0-9.]+)${unit}', 1) AS DOUBLE), 0)`;
    const sql = `
      WITH m(filename, country) AS (VALUES ${mapping}),
      d AS (SELECT * FROM read_json([${list}], format = 'array', filename = true, columns = {
        'departure-time': 'VARCHAR', 'bus-type': 'VARCHAR', 'passengers': 'BIGINT', 'delay': 'VARCHAR',
        'accident': 'BOOLEAN'}))
      SELECT m.country, count(*) AS buses_started, sum(passengers) AS total_passengers,
        bool_or(accident) AS accident,
        avg(${part('D')} * 1440 + ${part('H')} * 60 + ${part('M')} + ${part('S')} / 60) AS average_delay_minutes
      FROM d JOIN m USING (filename) GROUP BY m.country ORDER BY m.country`;
    const theirs: number[] = [];
    let duckRows: any[] = [];
    for (let i = 0; i < RUNS; i++) {
      progress(`duckdb: run ${i + 1}/${RUNS}`);
      const t = performance.now();
      duckRows = await (await conn.runAndReadAll(sql)).getRowObjectsJson();
      theirs.push((performance.now() - t) / 1000);
    }
    process.stderr.write('\n');
    conn.closeSync();

    const same = answer.stats.every(
      (s: any, i: number) =>
        s.country === duckRows[i]?.country &&
        String(s.buses_started) === String(duckRows[i]?.buses_started) &&
        String(s.total_passengers) === String(duckRows[i]?.total_passengers) &&
        Math.abs(s.average_delay_minutes - Number(duckRows[i]?.average_delay_minutes)) < 1e-9,
    );
    const best = (xs: number[]) => Math.min(...xs);
    return {
      metrics: {
        megabytes,
        fetch_seconds: fetchSeconds,
        fetch_mb_per_s: megabytes / fetchSeconds,
        country_stats_seconds: best(ours),
        country_stats_mb_per_s: megabytes / best(ours),
        duckdb_seconds: best(theirs),
        duckdb_mb_per_s: megabytes / best(theirs),
        peak_rss_mb: peakRss / 1e6,
      },
      ratios: { country_stats_vs_duckdb: best(ours) / best(theirs) },
      table: [
        {
          what: 'GET /country-stats (HTTP, local stack)',
          seconds: best(ours),
          mb_per_s: megabytes / best(ours),
        },
        { what: 'DuckDB read_json (same files)', seconds: best(theirs), mb_per_s: megabytes / best(theirs) },
      ],
      notes: [
        `${job.records} departures in ${megabytes.toFixed(0)} MB (${(onDisk / 1e6).toFixed(0)} MB on disk), 30 files`,
        `fetch job: ${fetchSeconds.toFixed(1)} s; peak RSS of the whole stack during country-stats: ${(peakRss / 1e6).toFixed(0)} MB`,
        `answers agree with DuckDB: ${same}`,
      ],
    };
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
};
