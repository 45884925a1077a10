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

const FEATURES = ['events', 'bus', 'locations', 'datasets', 'bundles'] as const;
const RESULTS = join(import.meta.dirname, 'results');

const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const features = requested.length ? requested : [...FEATURES];
let failed = false;
await mkdir(RESULTS, { recursive: true });
for (const feature of features) {
  if (!(FEATURES as readonly string[]).includes(feature)) {
    console.error(`unknown benchmark ${feature}; one of ${FEATURES.join(', ')}`);
    process.exitCode = 2;
    continue;
  }
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
  } catch (err) {
    failed = true;
    console.error(`bench ${feature} failed:`, err);
  }
}
await writeReport(RESULTS, join(import.meta.dirname, 'REPORT.md'));
console.log(`\nbench/REPORT.md written from ${RESULTS}`);
if (failed) process.exitCode = 1;
