import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { writeReport } from './report.ts';

// `npm run bench [-- feature ...]`: runs each feature's benchmark (bench/<feature>.ts exports
// `run(): Promise<BenchOutcome>`), prints its table, writes bench/results/<feature>.json, and then
// bench/REPORT.md from every result on disk.

export interface BenchOutcome {
  /** Figures of this project, e.g. { events_per_s: 2500, p99_ms: 31 }. */
  metrics: Record<string, number>;
  /** This project's time divided by the peer's on the same work (< 1 is faster). */
  ratios: Record<string, number>;
  /** Rows printed as a table: what was measured, for us and the peer. */
  table: Record<string, string | number>[];
  notes?: string[];
}

const FEATURES = ['events', 'bus', 'locations', 'datasets', 'bundles', 'iam'] as const;
const RESULTS = join(import.meta.dirname, 'results');

const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const features = requested.length ? requested : [...FEATURES];

/** One benchmark, in this process: prints its table and writes its result file. */
const runOne = async (feature: string): Promise<boolean> => {
  console.error(`\n== bench ${feature}`);
  try {
    const mod = (await import(`./${feature}.ts`)) as { run: () => Promise<BenchOutcome> };
    const outcome = await mod.run();
    console.table(outcome.table);
    for (const note of outcome.notes ?? []) console.log(`  ${note}`);
    const result = {
      feature,
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      metrics: outcome.metrics,
      ratios: outcome.ratios,
    };
    await writeFile(join(RESULTS, `${feature}.json`), `${JSON.stringify(result, null, 2)}\n`);
    console.log(`ratios: ${JSON.stringify(outcome.ratios)}`);
    return true;
  } catch (err) {
    console.error(`bench ${feature} failed:`, err);
    return false;
  }
};

// Each benchmark gets a process of its own: a local stack's handlers keep the endpoints of the first
// stack a process started (module-level clients), and no benchmark should inherit another's heap.
const runIsolated = (feature: string) =>
  new Promise<boolean>((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, import.meta.filename, feature], {
      stdio: 'inherit',
    });
    child.on('exit', (code) => resolve(code === 0));
  });

const unknown = features.filter((f) => !(FEATURES as readonly string[]).includes(f));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; one of ${FEATURES.join(', ')}`);
  process.exit(2);
}
await mkdir(RESULTS, { recursive: true });
let failed = false;
if (features.length === 1) {
  failed = !(await runOne(features[0]!));
} else {
  for (const feature of features) if (!(await runIsolated(feature))) failed = true;
}
await writeReport(RESULTS, join(import.meta.dirname, 'REPORT.md'));
console.log(`\nbench/REPORT.md written from ${RESULTS}`);
if (failed) process.exitCode = 1;
