import { mkdtempSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { OPERATOR_CREDENTIALS } from '../local/deployment.ts';
import { localNames } from '../local/provision.ts';
import { measureScanner, type StoredFile, startStats } from './bus-scan.ts';
import type { BenchOutcome } from './run.ts';

// `npm run bench -- bus`: fills the local stack with ≥ 1 GB of reference-server city files through the
// real job (POST /process-request → fetcher → S3), times GET /country-stats over them end to end, then
// measures the same work straight on the stored files (bench/bus-scan.ts: the scanner per thread, and
// the whole statistics with as many threads as DuckDB, fed by the handler's streams or by lean blocks),
// against DuckDB over the same files in the same run: the fastest of several formulations of the full
// query, and its no-delay floor (count, sum and bool_or only: what its JSON reader costs). Times are the
// best of RUNS, ours and DuckDB's interleaved round by round.
// BUS_BENCH_RECORDS (per city-day, default 280000 ≈ 36 MB) scales it down for a quick look.

const DATE = '2024-03-01';
const RUNS = Number(process.env.BUS_BENCH_RUNS ?? 5);
/** Runs of each DuckDB formulation when choosing the fastest. */
const TRIALS = 2;
const GETS_IN_FLIGHT = 6;

const progress = (line: string) => process.stderr.write(`\r${line}\x1b[K`);
const best = (xs: number[]) => Math.min(...xs);

// ---- DuckDB: the same statistics, per file first (no join over every row), then per country ----

const FULL_COLUMNS = `{'passengers': 'BIGINT', 'delay': 'VARCHAR', 'accident': 'BOOLEAN'}`;

/** Integer milliseconds, like our scanner (exact here: the reference delays have at most 3 decimals). */
const part = (unit: string) =>
  `coalesce(try_cast(regexp_extract(delay, '([0-9.,]+)${unit}', 1) AS DOUBLE), 0)`;
const field = (name: string) => `coalesce(try_cast(g.${name} AS DOUBLE), 0)`;
const GROUPS = `regexp_extract(delay, '^P(?:([0-9]+)D)?(?:T(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9.]+)S)?)?$', ['d', 'h', 'm', 's']) AS g`;
const t = `split_part(delay, 'T', 2)`;
const afterH = `CASE WHEN instr(${t}, 'H') > 0 THEN split_part(${t}, 'H', 2) ELSE ${t} END`;
const afterM = `CASE WHEN instr(${t}, 'M') > 0 THEN split_part(${t}, 'M', 2) ELSE ${afterH} END`;

/** Each formulation of the delay in ms, over a row with `delay` (and the columns its `extra` adds). */
const FORMULATIONS: { name: string; delayMs: string; extra?: string }[] = [
  {
    name: 'four regexp_extract',
    delayMs: `round((${part('D')} * 86400 + ${part('H')} * 3600 + ${part('M')} * 60 + ${part('S')}) * 1000)::BIGINT`,
  },
  {
    name: 'one regexp_extract with groups',
    extra: GROUPS,
    delayMs: `round((${field('d')} * 86400 + ${field('h')} * 3600 + ${field('m')} * 60 + ${field('s')}) * 1000)::BIGINT`,
  },
  {
    name: 'replace() into an INTERVAL cast',
    delayMs: `round(epoch(CAST(replace(replace(replace(replace(replace(replace(delay, 'P', ''), 'T', ''),
      'D', ' days '), 'H', ' hours '), 'M', ' minutes '), 'S', ' seconds ') AS INTERVAL)) * 1000)::BIGINT`,
  },
  {
    name: 'split_part',
    delayMs: `coalesce(try_cast(split_part(split_part(delay, 'D', 1), 'P', 2) AS BIGINT) * (instr(delay, 'D') > 0)::INT, 0) * 86400000
      + coalesce(try_cast(split_part(${t}, 'H', 1) AS BIGINT) * (instr(${t}, 'H') > 0)::INT, 0) * 3600000
      + coalesce(try_cast(split_part(${afterH}, 'M', 1) AS BIGINT) * (instr(${t}, 'M') > 0)::INT, 0) * 60000
      + coalesce(round(try_cast(replace(split_part(${afterM}, 'S', 1), ',', '.') AS DOUBLE) * 1000)::BIGINT
        * (instr(${t}, 'S') > 0)::INT, 0)`,
  },
  {
    name: 'designator positions (instr, substr, a CASE per unit)',
    extra: `instr(delay, 'D') AS pd, instr(delay, 'T') AS pt, instr(delay, 'H') AS ph, instr(delay, 'M') AS pm, instr(delay, 'S') AS ps`,
    delayMs: `CASE WHEN pd > 0 THEN substr(delay, 2, pd - 2)::BIGINT * 86400000 ELSE 0 END
      + CASE WHEN ph > 0 THEN substr(delay, pt + 1, ph - pt - 1)::BIGINT * 3600000 ELSE 0 END
      + CASE WHEN pm > 0 THEN substr(delay, greatest(pt, ph) + 1, pm - greatest(pt, ph) - 1)::BIGINT * 60000 ELSE 0 END
      + CASE WHEN ps > 0 THEN round(replace(substr(delay, greatest(pt, ph, pm) + 1, ps - greatest(pt, ph, pm) - 1), ',', '.')::DOUBLE * 1000)::BIGINT ELSE 0 END`,
  },
];

/** The floor reads the same JSON for count, sum and bool_or: with only those columns, or the delay too. */
const FLOORS = [
  { name: 'no delay, 2 columns read', columns: `{'passengers': 'BIGINT', 'accident': 'BOOLEAN'}` },
  { name: 'no delay, 3 columns read', columns: FULL_COLUMNS },
];

const source = (columns: string) =>
  `read_json($files, format = 'array', filename = true, columns = ${columns})`;

const fullQuery = ({ delayMs, extra }: (typeof FORMULATIONS)[number]) => `
  WITH m(filename, country) AS (VALUES $countries),
  f AS (
    SELECT filename, count(*) AS n, sum(passengers) AS p, bool_or(accident) AS a, sum(${delayMs}) AS ms
    FROM ${extra ? `(SELECT *, ${extra} FROM ${source(FULL_COLUMNS)})` : source(FULL_COLUMNS)}
    GROUP BY filename)
  SELECT country, sum(n) AS buses_started, sum(p) AS total_passengers, bool_or(a) AS accident,
    sum(ms) / sum(n) / 60000 AS average_delay_minutes
  FROM f JOIN m USING (filename) GROUP BY country ORDER BY country`;

const floorQuery = (columns: string) => `
  WITH m(filename, country) AS (VALUES $countries),
  f AS (SELECT filename, count(*) AS n, sum(passengers) AS p, bool_or(accident) AS a FROM ${source(columns)} GROUP BY filename)
  SELECT country, sum(n) AS buses_started, sum(p) AS total_passengers, bool_or(a) AS accident
  FROM f JOIN m USING (filename) GROUP BY country ORDER BY country`;

interface Row {
  country: string;
  buses_started: number | string;
  total_passengers: number | string;
  accident: boolean;
  average_delay_minutes?: number;
}

/** Whether two answers agree: counts exactly, the mean delay to 1e-9 minutes (when both have it). */
const agree = (ours: Row[], theirs: Row[]) =>
  ours.length === theirs.length &&
  ours.every((s, i) => {
    const d = theirs[i]!;
    return (
      s.country === d.country &&
      String(s.buses_started) === String(d.buses_started) &&
      String(s.total_passengers) === String(d.total_passengers) &&
      s.accident === d.accident &&
      (d.average_delay_minutes === undefined ||
        Math.abs(Number(s.average_delay_minutes) - Number(d.average_delay_minutes)) < 1e-9)
    );
  });

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

/**
 * On the stored files: first each DuckDB formulation and floor alone (TRIALS runs: the fastest of each
 * goes on), then RUNS rounds of our statistics, DuckDB's fastest full query and its fastest floor, one
 * after the other in each round, so that load from elsewhere on the shared cores hits all three alike.
 * A first, untimed round warms the page cache and our JIT (a warm function's state).
 */
const compareOnFiles = async (files: StoredFile[], expected: Row[]) => {
  const duck = await DuckDBInstance.create(':memory:');
  const conn = await duck.connect();
  try {
    const threads = Number(
      (await (await conn.runAndReadAll("SELECT current_setting('threads') AS t")).getRowObjects())[0]!.t,
    );
    const bind = (sql: string) =>
      sql
        .replace('$files', `[${files.map((f) => `'${f.path}'`).join(', ')}]`)
        .replace('$countries', files.map((f) => `('${f.path}', '${f.country}')`).join(', '));
    const query = async (sql: string) => {
      const started = performance.now();
      const rows = (await (await conn.runAndReadAll(bind(sql))).getRowObjectsJson()) as unknown as Row[];
      return { seconds: (performance.now() - started) / 1000, rows };
    };
    const trial = async (name: string, sql: string) => {
      const runs: number[] = [];
      let rows: Row[] = [];
      for (let i = 0; i < TRIALS; i++) {
        progress(`duckdb ${name}: trial ${i + 1}/${TRIALS}`);
        const r = await query(sql);
        runs.push(r.seconds);
        rows = r.rows;
      }
      return { name, sql, seconds: best(runs), rows };
    };
    const full = [];
    for (const f of FORMULATIONS) full.push(await trial(f.name, fullQuery(f)));
    const floor = [];
    for (const f of FLOORS) floor.push(await trial(f.name, floorQuery(f.columns)));

    const ours = await startStats(files, threads);
    try {
      // The fastest formulation that gives the right answer (all do, unless one is broken).
      const right = full.filter((f) => agree(expected, f.rows));
      const fullSql = fastest(right.length ? right : full).sql;
      const floorSql = fastest(floor).sql;
      const rounds = {
        stream: [] as number[],
        blocks: [] as number[],
        full: [] as number[],
        floor: [] as number[],
      };
      let answers = { stream: [] as Row[], blocks: [] as Row[], full: [] as Row[], floor: [] as Row[] };
      for (let i = 0; i <= RUNS; i++) {
        progress(
          `round ${i}/${RUNS}${i ? '' : ' (warm-up)'}: ours (stream, blocks), DuckDB full, DuckDB floor`,
        );
        const stream = await ours.run('stream');
        const blocks = await ours.run('blocks');
        const f = await query(fullSql);
        const fl = await query(floorSql);
        answers = {
          stream: stream.stats as Row[],
          blocks: blocks.stats as Row[],
          full: f.rows,
          floor: fl.rows,
        };
        if (i === 0) continue;
        rounds.stream.push(stream.seconds);
        rounds.blocks.push(blocks.seconds);
        rounds.full.push(f.seconds);
        rounds.floor.push(fl.seconds);
      }
      process.stderr.write('\n');
      const chosen = { full: full.find((f) => f.sql === fullSql)!, floor: fastest(floor) };
      return { threads, trials: { full, floor }, chosen, rounds, answers, memory: await ours.stop() };
    } catch (err) {
      await ours.stop().catch(() => {});
      throw err;
    }
  } finally {
    conn.closeSync();
    duck.closeSync();
  }
};

const fastest = <T extends { seconds: number }>(xs: T[]) =>
  xs.reduce((a, b) => (b.seconds < a.seconds ? b : a));

// ---- the local stack ----

/** GetObject of every file, bodies drained and dropped: what the S3 emulator alone can serve. */
const drainS3 = async (endpoint: string, keys: string[]) => {
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: OPERATOR_CREDENTIALS,
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const queue = [...keys];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: GETS_IN_FLIGHT }, async () => {
      for (let key = queue.shift(); key; key = queue.shift()) {
        const out = await s3.send(new GetObjectCommand({ Bucket: localNames.bucket, Key: key }));
        for await (const _ of out.Body as Readable);
      }
    }),
  );
  s3.destroy();
  return (performance.now() - started) / 1000;
};

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
  let stackRunning = true;
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

    const cities = (await (await fetch(`${stack.busSourceUrl}/cities`)).json()) as {
      id: number;
      country: string;
    }[];
    const dir = join(dataDir, 's3', localNames.bucket, 'bus', DATE);
    const files: StoredFile[] = cities.map((c) => ({
      path: join(dir, `${c.id}.json._S3rver_object`),
      date: DATE,
      cityId: c.id,
      country: c.country,
    }));
    let onDisk = 0;
    for (const f of files) onDisk += (await stat(f.path)).size;

    // GET /country-stats through the stack. The emulators run in processes of their own, so this
    // process's RSS is the HTTP adapter, the handler and its scan threads (and the idle pollers).
    const rssBefore = process.memoryUsage().rss;
    let httpPeakRss = rssBefore;
    const sampler = setInterval(() => {
      httpPeakRss = Math.max(httpPeakRss, process.memoryUsage().rss);
    }, 20);
    const http: number[] = [];
    let answer: any;
    for (let i = 0; i < RUNS; i++) {
      progress(`GET /country-stats: run ${i + 1}/${RUNS}`);
      const started = performance.now();
      answer = await call('GET', `/country-stats?from=${DATE}&to=${DATE}`);
      http.push((performance.now() - started) / 1000);
    }
    clearInterval(sampler);
    const drain: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      progress(`S3 emulator, GetObject only: run ${i + 1}/${RUNS}`);
      drain.push(
        await drainS3(
          stack.endpoints.s3,
          cities.map((c) => `bus/${DATE}/${c.id}.json`),
        ),
      );
    }
    process.stderr.write('\n');
    // The rest reads the files on disk: the stack would only compete for the two cores.
    await stack.stop();
    stackRunning = false;

    progress('scanner, one thread');
    const scanner = await measureScanner(files, RUNS);
    const ours = answer.stats as Row[];
    const cmp = await compareOnFiles(files, ours);
    const { full, floor } = cmp.chosen;
    const streamSeconds = best(cmp.rounds.stream);
    const blocksSeconds = best(cmp.rounds.blocks);
    const fullSeconds = best(cmp.rounds.full);
    const floorSeconds = best(cmp.rounds.floor);
    const httpSeconds = best(http);
    const perThread = scanner.bytes / 1e6 / best(scanner.scan);
    const mbps = (s: number) => Math.round(megabytes / s);
    const none = { vs_duckdb_full: '', vs_duckdb_floor: '' };
    const row = (what: string, seconds: number, compared = false) => ({
      what,
      seconds: seconds.toFixed(3),
      mb_per_s: mbps(seconds),
      ...(compared
        ? {
            vs_duckdb_full: (seconds / fullSeconds).toFixed(3),
            vs_duckdb_floor: (seconds / floorSeconds).toFixed(3),
          }
        : none),
    });
    const spread = (xs: number[]) => `best ${best(xs).toFixed(2)} s, median ${median(xs).toFixed(2)} s`;
    const vs = (s: number) =>
      `${(s / fullSeconds).toFixed(2)}× full, ${(s / floorSeconds).toFixed(2)}× floor`;
    return {
      metrics: {
        megabytes,
        fetch_seconds: fetchSeconds,
        fetch_mb_per_s: megabytes / fetchSeconds,
        scanner_mb_per_s_per_thread: perThread,
        scanner_in_memory_mb_per_s_per_thread: scanner.bytes / 1e6 / best(scanner.inMemory),
        read_only_mb_per_s_per_thread: scanner.bytes / 1e6 / best(scanner.read),
        scanner_mb_per_cpu_second: scanner.bytes / 1e6 / best(scanner.scanCpu),
        country_stats_threads: cmp.threads,
        country_stats_blocks_seconds: blocksSeconds,
        country_stats_blocks_median_seconds: median(cmp.rounds.blocks),
        country_stats_stream_seconds: streamSeconds,
        country_stats_stream_median_seconds: median(cmp.rounds.stream),
        country_stats_peak_rss_mb: cmp.memory.peakRssMb,
        country_stats_loaded_rss_mb: cmp.memory.readyRssMb,
        http_country_stats_seconds: httpSeconds,
        http_country_stats_mb_per_s: megabytes / httpSeconds,
        http_peak_rss_mb: httpPeakRss / 1e6,
        http_rss_before_mb: rssBefore / 1e6,
        s3_emulator_get_only_seconds: best(drain),
        duckdb_full_seconds: fullSeconds,
        duckdb_full_median_seconds: median(cmp.rounds.full),
        duckdb_floor_seconds: floorSeconds,
        duckdb_floor_median_seconds: median(cmp.rounds.floor),
        ...Object.fromEntries(
          cmp.trials.full.map((f, i) => [`duckdb_full_trial_${i + 1}_seconds`, f.seconds]),
        ),
      },
      ratios: {
        country_stats_vs_duckdb_full: blocksSeconds / fullSeconds,
        country_stats_vs_duckdb_floor: blocksSeconds / floorSeconds,
        country_stats_stream_vs_duckdb_full: streamSeconds / fullSeconds,
        country_stats_stream_vs_duckdb_floor: streamSeconds / floorSeconds,
        http_country_stats_vs_duckdb_full: httpSeconds / fullSeconds,
        http_country_stats_vs_duckdb_floor: httpSeconds / floorSeconds,
      },
      table: [
        {
          ...row('scanner, 1 thread, files streamed from page cache', best(scanner.scan)),
          mb_per_s: Math.round(perThread),
        },
        row('scanner, 1 thread, chunks already in memory', best(scanner.inMemory)),
        row('streaming the files only, 1 thread (no scan)', best(scanner.read)),
        row(`country-stats on the files, ${cmp.threads} threads, 1 MiB blocks`, blocksSeconds, true),
        row(`country-stats on the files, ${cmp.threads} threads, 64 KiB streams`, streamSeconds, true),
        row('GET /country-stats (HTTP, local stack, s3rver)', httpSeconds, true),
        row(`s3rver GetObject only, ${GETS_IN_FLIGHT} in flight (no scan)`, best(drain)),
        row(`DuckDB full: ${full.name}`, fullSeconds),
        row(`DuckDB floor: ${floor.name}`, floorSeconds),
        ...cmp.trials.full.map((f) =>
          row(
            `  trial, full: ${f.name}${f === full ? ' ← kept' : ''}${agree(ours, f.rows) ? '' : ' (WRONG ANSWER)'}`,
            f.seconds,
          ),
        ),
        ...cmp.trials.floor.map((f) =>
          row(`  trial, floor: ${f.name}${f === floor ? ' ← kept' : ''}`, f.seconds),
        ),
      ],
      notes: [
        `${job.records} departures in ${megabytes.toFixed(0)} MB (${(onDisk / 1e6).toFixed(0)} MB on disk), ${files.length} files`,
        `${RUNS} interleaved rounds after a warm-up: ours in blocks ${spread(cmp.rounds.blocks)}, in streams ${spread(cmp.rounds.stream)}; DuckDB full ${spread(cmp.rounds.full)}; floor ${spread(cmp.rounds.floor)}. Trials: best of ${TRIALS}; scanner and HTTP: best of ${RUNS}`,
        `scanner ≥ 600 MB/s per thread: ${Math.round(perThread)} (files streamed in 64 KiB chunks; ${Math.round(scanner.bytes / 1e6 / best(scanner.scanCpu))} MB per CPU-second, reading included)`,
        `end to end ≤ 0.35× DuckDB full and ≤ 1.0× its floor: in blocks ${vs(blocksSeconds)}; in 64 KiB streams ${vs(streamSeconds)}; over HTTP and s3rver ${vs(httpSeconds)} (s3rver alone serves the files in ${best(drain).toFixed(2)} s)`,
        `peak RSS: country-stats on the files ${cmp.memory.peakRssMb.toFixed(0)} MB (its own process, ${cmp.threads} scan threads; ${cmp.memory.readyRssMb.toFixed(0)} MB once its code was loaded); the stack process during GET /country-stats ${(httpPeakRss / 1e6).toFixed(0)} MB (${(rssBefore / 1e6).toFixed(0)} MB before; emulators apart)`,
        `answers agree with GET /country-stats: files in streams ${agree(ours, cmp.answers.stream)}, in blocks ${agree(ours, cmp.answers.blocks)}, DuckDB full ${agree(ours, cmp.answers.full)}, DuckDB floor ${agree(ours, cmp.answers.floor)}`,
        `fetch job: ${fetchSeconds.toFixed(1)} s; load average at the end ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')} (the two cores are shared with other work)`,
        `DuckDB ${cmp.threads} threads; fastest full query ($files: the ${files.length} paths, $countries: (path, country) pairs):${full.sql}`,
        `DuckDB floor:${floor.sql}`,
      ],
    };
  } finally {
    if (stackRunning) await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
};
