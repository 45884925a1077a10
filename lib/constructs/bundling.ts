import { join } from 'node:path';
import { build } from 'esbuild';

/** ESM output still meets CommonJS dependencies that call require() or read __dirname (geo-tz). */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __cr } from 'module'; import { fileURLToPath as __fu } from 'url'; " +
  'const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); ' +
  "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));";

/** esbuild's target for the runtime every function deploys on (service-function.ts: Node.js 24). */
export const BUNDLE_TARGET = 'node24';

const PROJECT_ROOT = join(import.meta.dirname, '..', '..');

/**
 * A handler bundled as NodejsFunction bundles it for the stack (minified ESM for Node 24, the AWS SDK
 * left to the runtime), for the bundle budget test and benchmark. `dataBytes` counts JSON data a
 * package embeds (geo-tz's zone index), which the code budget leaves out.
 */
export const bundleHandler = async (handler: string) => {
  const out = await build({
    entryPoints: [join(PROJECT_ROOT, handler)],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: BUNDLE_TARGET,
    minify: true,
    mainFields: ['module', 'main'],
    external: ['@aws-sdk/*'],
    banner: { js: ESM_REQUIRE_BANNER },
    logLevel: 'silent',
    metafile: true,
  });
  const contents = out.outputFiles[0]!.contents;
  const inputs = Object.entries(Object.values(out.metafile.outputs)[0]!.inputs);
  const dataBytes = inputs
    .filter(([path]) => path.endsWith('.json'))
    .reduce((sum, [, i]) => sum + i.bytesInOutput, 0);
  return { contents, codeBytes: contents.length - dataBytes, dataBytes };
};
