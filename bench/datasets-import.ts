import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { writeJourneys } from '../local/datasets/gen-journeys.ts';
import { startLocalStack } from '../local/stack.ts';
import { adminApi } from './load.ts';

// `npm run bench:datasets-import -- --mb 200 [--mb 2000]`: imports a generated journey file of about
// that size through the presigned-upload path of the local stack (the import function runs in a
// worker thread of this process), sampling this process's RSS from the PUT until the dataset is
// ready, then checks GET /datasets/{id}/aggregate against DuckDB on the same file. One size per
// process (each `--mb` is run in a child), so no import inherits another's heap. Results are merged
// into bench/results/datasets-import.json. Generated files are kept under the OS temp dir for reuse.

const RESULTS = join(import.meta.dirname, 'results', 'datasets-import.json');
// About 1,024 generated records per MB (60,000 records were 58.6 MB).
const RECORDS_PER_MB = 1024;
const SAMPLE_MS = 25;

const { values } = parseArgs({
  options: { mb: { type: 'string', multiple: true, default: ['200'] }, child: { type: 'boolean' } },
});

const mib = (bytes: number) => bytes / 1024 / 1024;

const fileFor = async (mb: number) => {
  const dir = join(tmpdir(), 'eye-bench-journeys');
  mkdirSync(dir, { recursive: true });
  const records = Math.round(mb * RECORDS_PER_MB);
  const file = join(dir, `journeys-${records}.json`);
  if (!existsSync(file)) {
    process.stderr.write(`generating ${records} journey records (~${mb} MB) into ${file}…\n`);
    await writeJourneys(`${file}.tmp`, records, 7, true);
    await import('node:fs/promises').then((fs) => fs.rename(`${file}.tmp`, file));
  }
  return { file, records, bytes: statSync(file).size };
};

/** PUTs the file to a presigned URL from disk, streamed (the file may not fit in memory). */
const putFile = (url: string, file: string, bytes: number) =>
  new Promise<void>((resolve, reject) => {
    const req = request(url, { method: 'PUT', headers: { 'content-length': bytes } }, (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 200 ? resolve() : reject(new Error(`upload answered ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    createReadStream(file, { highWaterMark: 1024 * 1024 }).pipe(req);
  });

const DUCK = (file: string) => `
  SELECT count(x) AS count, avg(x) AS mean, stddev_samp(x) AS std, min(x) AS min,
         quantile_cont(x, 0.25) AS p25, quantile_cont(x, 0.5) AS p50, quantile_cont(x, 0.75) AS p75, max(x) AS max
  FROM (SELECT unnest(events).event_duration::DOUBLE AS x FROM read_json('${file}', format = 'unstructured'))`;

const runSize = async (mb: number) => {
  const { file, records, bytes } = await fileFor(mb);
  const dataDir = join(tmpdir(), `eye-bench-import-${process.pid}`);
  const stack = await startLocalStack({ port: 0, dataDir });
  const api = adminApi(stack);
  try {
    // Warm the import function's environment on a tiny upload first, so its cold start (module load,
    // SDK clients) is in the baseline of both sizes alike.
    const warm = await api('POST', '/datasets/uploads', {});
    await fetch(warm.upload_url, { method: 'PUT', body: '{"a": 1}' });
    for (;;) {
      if ((await api('GET', `/datasets/${warm.id}`)).status === 'ready') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, SAMPLE_MS);
    const upload = await api('POST', '/datasets/uploads', { name: `bench-${mb}mb` });
    const started = performance.now();
    process.stderr.write(`importing ${(bytes / 1e6).toFixed(0)} MB…\n`);
    await putFile(upload.upload_url, file, bytes);
    const putS = (performance.now() - started) / 1000;
    let got: Record<string, any>;
    for (;;) {
      got = await api('GET', `/datasets/${upload.id}`);
      if (got.status === 'ready') break;
      if (got.status === 'failed') throw new Error(`import failed: ${JSON.stringify(got.error)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const importS = (performance.now() - started) / 1000;
    clearInterval(sampler);
    if (got.records !== records) throw new Error(`imported ${got.records} records of ${records}`);

    // The first call pays the aggregate function's cold start; the second is timed.
    const aggregate = () => api('GET', `/datasets/${upload.id}/aggregate?field=event_duration`);
    await aggregate();
    const t = performance.now();
    const ours = await aggregate();
    const oursMs = performance.now() - t;
    process.stderr.write('DuckDB on the same file…\n');
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    const d = performance.now();
    const theirs = (await duck.runAndReadAll(DUCK(file))).getRowObjectsJson()[0] as Record<string, unknown>;
    const duckMs = performance.now() - d;
    const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
    const exact =
      Number(theirs.count) === ours.count &&
      ['mean', 'std', 'min', 'p25', 'p50', 'p75', 'max'].every((k) => close(ours[k], Number(theirs[k])));
    return {
      file_mb: bytes / 1e6,
      records,
      values: ours.count as number,
      put_s: putS,
      import_s: importS,
      import_mb_per_s: bytes / 1e6 / importS,
      rss_baseline_mib: mib(baseline),
      rss_peak_mib: mib(peak),
      rss_growth_mib: mib(peak - baseline),
      aggregate_ms: oursMs,
      duckdb_ms: duckMs,
      aggregate_exact_vs_duckdb: exact ? 1 : 0,
      ours,
      duckdb: theirs,
    };
  } finally {
    await stack.stop();
    await import('node:fs/promises').then((fs) => fs.rm(dataDir, { recursive: true, force: true }));
  }
};

if (values.child) {
  const result = await runSize(Number(values.mb[0]));
  process.send?.(result);
} else {
  const { fork } = await import('node:child_process');
  // The shape every bench/results file has (bench/report.ts reads them all), figures keyed by size.
  const previous = existsSync(RESULTS)
    ? JSON.parse(await readFile(RESULTS, 'utf8'))
    : { feature: 'datasets-import', metrics: {}, ratios: {} };
  let failed = false;
  for (const mb of values.mb) {
    const result = await new Promise<Record<string, unknown> | undefined>((resolve) => {
      let out: Record<string, unknown> | undefined;
      const child = fork(import.meta.filename, ['--child', '--mb', mb], { stdio: 'inherit' });
      child.on('message', (m) => {
        out = m as Record<string, unknown>;
      });
      child.on('exit', () => resolve(out));
    });
    if (!result) {
      failed = true;
      console.error(`the ${mb} MB run failed`);
      continue;
    }
    const { ours, duckdb, ...metrics } = result as Record<string, number>;
    console.table([metrics]);
    console.log(`  ours:   ${JSON.stringify(ours)}\n  duckdb: ${JSON.stringify(duckdb)}`);
    if (!metrics.aggregate_exact_vs_duckdb) failed = true;
    for (const [name, value] of Object.entries(metrics)) previous.metrics[`${mb}mb_${name}`] = value;
    previous.ratios[`aggregate_${mb}mb`] = metrics.aggregate_ms! / metrics.duckdb_ms!;
  }
  Object.assign(previous, { date: new Date().toISOString(), node: process.version, cpus: cpus().length });
  previous.metrics.rss_peak_2000mb_minus_200mb_mib =
    previous.metrics['2000mb_rss_peak_mib'] - previous.metrics['200mb_rss_peak_mib'];
  await writeFile(RESULTS, `${JSON.stringify(previous, null, 2)}\n`);
  console.log(`results merged into ${RESULTS}`);
  if (failed) process.exitCode = 1;
}
