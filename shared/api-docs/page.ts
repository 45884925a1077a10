import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { env } from '../core/env.ts';

/**
 * The /docs page built by `npm run openapi` (Redoc, self-contained). It ships next to the bundle as a
 * file (lib/routes.ts, bundleFiles) rather than inside it: 2.6 MB of page would dwarf the code budget.
 */
export const referencePage = (): string => {
  if (!env.API_DOCS_DIR) throw new Error('Missing configuration API_DOCS_DIR');
  return readFileSync(join(env.API_DOCS_DIR, 'reference.html'), 'utf8');
};
