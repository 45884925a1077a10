import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { routes } from '../../../lib/routes.ts';
import { openApiDocument } from '../../../shared/api-docs/document.ts';

const committed = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../shared/api-docs/openapi.json'), 'utf8'),
);

describe('the OpenAPI document', () => {
  test('served from shared/api-docs/openapi.json is what the zod schemas generate (else: npm run openapi)', () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  test('documents every route of the manifest', () => {
    const documented = Object.entries(committed.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const manifest = routes.filter((r) => r.path !== '$default').map((r) => `${r.method} ${r.path}`);
    expect(documented.sort()).toEqual(expect.arrayContaining(manifest.sort()));
  });
});
