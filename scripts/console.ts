import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildConsole } from '../console/build.ts';

// `npm run console`: bundles console/src into the one page GET /console serves. The page is committed so
// `npm start` and an offline synth need no build step; a unit test fails when it is stale.
const file = join(import.meta.dirname, '..', 'console', 'dist', 'console.json');
const bundle = await buildConsole();
await writeFile(file, `${JSON.stringify(bundle, null, 2)}\n`);
console.log(
  `wrote ${file}: ${Buffer.byteLength(bundle.html)} bytes of HTML, ${Buffer.from(bundle.gzip, 'base64').length} gzipped`,
);
