import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { build } from 'esbuild';
import { ESM_REQUIRE_BANNER } from '../../lib/constructs/service-function.ts';
import { authorizer, consumers, routes } from '../../lib/routes.ts';

// The same esbuild settings NodejsFunction uses for the stack (minified ESM for Node 24, the AWS SDK
// left to the runtime), so the budget of DESIGN.md is checked without a synth. The budget is for code:
// JSON data a package embeds (geo-tz's 870 KB zone index) is counted apart and reported.
const BUDGET_BYTES = 500 * 1024;
const ROOT = join(import.meta.dirname, '..', '..');

const handlers = [...new Set([authorizer, ...routes, ...consumers].map((f) => f.handler))];

describe('Lambda bundles', () => {
  test.each(handlers)('%s bundles to at most 500 KB minified', async (handler) => {
    const out = await build({
      entryPoints: [join(ROOT, handler)],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      minify: true,
      mainFields: ['module', 'main'],
      external: ['@aws-sdk/*'],
      banner: { js: ESM_REQUIRE_BANNER },
      logLevel: 'silent',
      metafile: true,
    });
    const inputs = Object.entries(Object.values(out.metafile.outputs).find((o) => o.entryPoint)!.inputs);
    const code = inputs
      .filter(([path]) => !path.endsWith('.json'))
      .reduce((sum, [, i]) => sum + i.bytesInOutput, 0);
    expect(code).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
