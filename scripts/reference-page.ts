import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(import.meta.dirname, '..');
const REDOCLY = join(ROOT, 'node_modules', '.bin', 'redocly');

export const OPENAPI_FILE = join(ROOT, 'shared', 'api-docs', 'openapi.json');
export const REFERENCE_PAGE_FILE = join(ROOT, 'shared', 'api-docs', 'reference.html');

/**
 * The /docs page: Redoc's static build of the OpenAPI document, its scripts inlined (no CDN), so it
 * works offline. The same input always gives the same bytes, which the staleness test relies on.
 */
export const buildReferencePage = async (openApiFile: string, outFile: string) => {
  await promisify(execFile)(
    REDOCLY,
    ['build-docs', openApiFile, '--inlineBundle', '--title', 'Eye serverless API reference', '-o', outFile],
    { cwd: ROOT },
  );
};
