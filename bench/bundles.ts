import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bundleHandler } from '../lib/constructs/bundling.ts';
import { authorizer, consumers, type FunctionSettings, routes } from '../lib/routes.ts';
import { bundledDirsLocally } from '../local/functions.ts';
import type { BenchOutcome } from './run.ts';

// Every Lambda bundled as the stack bundles it, then imported cold in a fresh Node process (what a
// cold start pays before the handler runs). Budgets from DESIGN.md: 500 KB, 150 ms.
const ROOT = join(import.meta.dirname, '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const SIZE_BUDGET = 500 * 1024;
const COLD_BUDGET_MS = 150;
const run = promisify(execFile);

/** The function's own manifest env (files it ships mapped into the project), as its init reads it. */
const manifestEnv = (settings: FunctionSettings): Record<string, string> => {
  const shipped = bundledDirsLocally(settings);
  return Object.fromEntries(
    Object.entries(settings.environment ?? {}).map(([name, value]) => [name, shipped.get(value) ?? value]),
  );
};

const coldImportMs = async (file: string, settings: FunctionSettings): Promise<number> => {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`;
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    const { stdout } = await run(NODE, ['--input-type=module', '-e', script], {
      env: {
        ...process.env,
        ...manifestEnv(settings),
        AWS_REGION: 'us-east-1',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        ROUTE_AUTH: '{}',
      },
    });
    samples.push(Number(stdout.trim().split('\n').pop()));
  }
  return samples.sort((a, b) => a - b)[1]!;
};

export const run_ = async (): Promise<BenchOutcome> => {
  // Inside the project so the AWS SDK, left out of the bundle as on Lambda, resolves from node_modules.
  await mkdir(join(ROOT, '.tmp'), { recursive: true });
  const dir = await mkdtemp(join(ROOT, '.tmp', 'bundles-'));
  const functions = new Map<string, FunctionSettings>(
    [authorizer, ...routes, ...consumers].map((f) => [f.handler, f]),
  );
  const table: Record<string, string | number>[] = [];
  let largest = 0;
  let slowest = 0;
  try {
    for (const [handler, settings] of functions) {
      const { contents, codeBytes: bytes, dataBytes: json } = await bundleHandler(handler);
      const file = join(dir, `${handler.replace(/\W/g, '_')}.mjs`);
      await writeFile(file, contents);
      const ms = await coldImportMs(file, settings);
      largest = Math.max(largest, bytes);
      slowest = Math.max(slowest, ms);
      table.push({
        handler,
        code_kb: Math.round(bytes / 1024),
        data_kb: Math.round(json / 1024),
        cold_import_ms: Math.round(ms),
      });
      process.stderr.write('.');
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  process.stderr.write('\n');
  return {
    metrics: {
      largest_bundle_code_kb: Math.round(largest / 1024),
      slowest_cold_import_ms: Math.round(slowest),
    },
    ratios: {
      largest_bundle_vs_budget: largest / SIZE_BUDGET,
      slowest_cold_import_vs_budget: slowest / COLD_BUDGET_MS,
    },
    table,
    notes: ['ratios here are against the DESIGN.md budgets (500 KB, 150 ms), not a peer'],
  };
};
export { run_ as run };
