import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// One large city-day through the real paths, to show that memory stays bounded by streaming:
//   node_modules/.bin/node bench/bus-large.ts
// Starts the local stack, registers a one-city job and runs the fetcher (shared/bus/use-cases/fetch-city.ts:
// reference server → scanner → multipart upload to s3rver) on a file of BUS_LARGE_RECORDS departures
// (default 1,700,000 ≈ 210 MB), then GET /country-stats over it, sampling the peak RSS of the whole
// process (stack, emulators and worker threads) during each. Not part of `npm run bench`: it writes
// hundreds of MB and takes a while.

const DATE = '2024-03-02';
const records = Number(process.env.BUS_LARGE_RECORDS ?? 1_700_000);
Object.assign(process.env, {
  REF_SEED: 'bus-large',
  REF_RECORDS_MIN: String(records),
  REF_RECORDS_MAX: String(records),
  REF_LATENCY_MS_MAX: '0',
  REF_FAILURE_RATE: '0',
  LOG_LEVEL: 'ERROR',
  // What the deployed functions get from lib/routes.ts, read here by the fetcher run in this process.
  BUS_JOB_STALL_SECONDS: '3600',
});
delete process.env.BUS_SOURCE_URL;

/** Runs `work` while sampling the process's RSS; returns its result, seconds and peak RSS in MB. */
const measured = async <T>(work: () => Promise<T>) => {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const started = performance.now();
  try {
    const result = await work();
    return { result, seconds: (performance.now() - started) / 1000, peakMb: peak / 1e6 };
  } finally {
    clearInterval(sampler);
  }
};

const dataDir = mkdtempSync(join(tmpdir(), 'eye-bench-bus-large-'));
const { startLocalStack } = await import('../local/stack.ts');
const stack = await startLocalStack({ port: 0, dataDir, adminToken: 'bench-admin' });
try {
  // Imported after the stack has put the resource names in the environment.
  const { fetchCity } = await import('../shared/bus/use-cases/fetch-city.ts');
  const { claimDate, getJob, putJob } = await import('../shared/bus/repository.ts');
  const city = ((await (await fetch(`${stack.busSourceUrl}/cities`)).json()) as any[])[0];
  const { newJob } = await import('../shared/bus/use-cases/jobs.ts');
  const registered = newJob(DATE, 1);
  const jobId = registered.job_id;
  await putJob(registered, [city.id]);
  if (!(await claimDate(DATE, jobId))) throw new Error(`${DATE} is already claimed`);
  const baselineMb = process.memoryUsage().rss / 1e6;
  process.stderr.write(`fetching city ${city.id} (${records} departures)…\n`);
  const fetched = await measured(async () => {
    await fetchCity({ job_id: jobId, date: DATE, city }, () => 900_000, true);
    return getJob(jobId);
  });
  const job = fetched.result!;
  if (job.status !== 'succeeded') throw new Error(`fetch ${job.status}: ${JSON.stringify(job)}`);
  const mb = job.bytes / 1e6;

  process.stderr.write('country-stats…\n');
  const stats = await measured(async () => {
    const res = await fetch(`${stack.url}/country-stats?from=${DATE}&to=${DATE}`, {
      headers: { authorization: 'Bearer bench-admin' },
    });
    if (!res.ok) throw new Error(`country-stats: ${res.status} ${await res.text()}`);
    return (await res.json()) as { stats: { buses_started: number }[] };
  });
  const counted = stats.result.stats.reduce((sum, s) => sum + s.buses_started, 0);
  if (counted !== job.records) throw new Error(`country-stats counted ${counted}, the fetch ${job.records}`);

  console.table([
    {
      what: 'fetch (upstream → S3)',
      mb,
      seconds: fetched.seconds,
      mb_per_s: mb / fetched.seconds,
      peak_rss_mb: fetched.peakMb,
    },
    {
      what: 'GET /country-stats',
      mb,
      seconds: stats.seconds,
      mb_per_s: mb / stats.seconds,
      peak_rss_mb: stats.peakMb,
    },
  ]);
  console.log(
    `  ${job.records} departures in ${mb.toFixed(0)} MB; RSS before the fetch: ${baselineMb.toFixed(0)} MB`,
  );
} finally {
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
