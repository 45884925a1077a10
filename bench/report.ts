import { readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

// bench/REPORT.md from the latest bench/results/*.json: one section per feature with its figures and
// its ratios against the peer measured in the same run.

interface Result {
  feature: string;
  date: string;
  node: string;
  cpus: number;
  metrics: Record<string, number>;
  ratios: Record<string, number>;
}

const TARGETS: Record<string, string> = {
  events: '≥ 2,000 events/s accepted, POST p99 < 50 ms, none lost, no duplicates',
  bus: 'scanner ≥ 600 MB/s per thread; country-stats ≤ 0.35× DuckDB’s full query and ≤ 1.0× its no-delay floor, memory bounded',
  locations: '≥ 1,000 PUT/s, p99 < 50 ms, averages visible < 2 s after the last ping',
  datasets: 'aggregate of a ≥ 50 MB file faster than DuckDB (ratio < 1)',
  'datasets-import':
    'peak RSS of a 2 GB import within 100 MB of a 200 MB import’s; aggregate exact against DuckDB on both',
  bundles: 'every Lambda ≤ 500 KB minified code, cold import ≤ 150 ms (ratios are against these budgets)',
  iam: 'the IAM gate’s cost per request, stated (ratios: p50 through the enforcing gate / p50 straight to the emulator)',
};

const format = (value: number) =>
  Number.isInteger(value)
    ? value.toLocaleString('en-US')
    : value.toLocaleString('en-US', { maximumFractionDigits: 3 });

export const writeReport = async (resultsDir: string, reportFile: string) => {
  const files = (await readdir(resultsDir)).filter((f) => f.endsWith('.json')).sort();
  const results: Result[] = await Promise.all(
    files.map(async (f) => JSON.parse(await readFile(join(resultsDir, f), 'utf8')) as Result),
  );
  const lines = [
    '# Benchmark report',
    '',
    `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}. Machine: ${cpus().length} × ` +
      `${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. ` +
      'Each section is the latest run of that benchmark (its date is given); a ratio is this project’s time ' +
      'divided by the peer’s on the same work in the same run (< 1 is faster).',
    '',
  ];
  for (const r of results) {
    lines.push(
      `## ${r.feature}`,
      '',
      `Run ${r.date} (${r.cpus} CPUs, Node ${r.node}). Target: ${TARGETS[r.feature] ?? '—'}.`,
      '',
    );
    lines.push('| metric | value |', '|---|---|');
    for (const [k, v] of Object.entries(r.metrics)) lines.push(`| ${k} | ${format(v)} |`);
    for (const [k, v] of Object.entries(r.ratios)) lines.push(`| **ratio** ${k} | **${format(v)}** |`);
    lines.push('');
  }
  await writeFile(reportFile, `${lines.join('\n')}\n`);
};
