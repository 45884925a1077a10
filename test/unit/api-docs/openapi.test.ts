import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { routes } from '../../../lib/routes.ts';
import { buildClientTypes, CLIENT_TYPES_FILE } from '../../../scripts/client-types.ts';
import { buildReferencePage, OPENAPI_FILE, REFERENCE_PAGE_FILE } from '../../../scripts/reference-page.ts';
import { openApiDocument } from '../../../shared/api-docs/document.ts';
import { operationIdOf } from '../../../shared/core/openapi.ts';

const committed = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../shared/api-docs/openapi.json'), 'utf8'),
);

describe('the OpenAPI document', () => {
  test('served from shared/api-docs/openapi.json is what the zod schemas generate (else: npm run openapi)', () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  test('the /docs page is the one Redoc builds from the committed document (else: npm run openapi)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eye-docs-'));
    try {
      await buildReferencePage(OPENAPI_FILE, join(dir, 'reference.html'));
      expect(
        readFileSync(join(dir, 'reference.html'), 'utf8') === readFileSync(REFERENCE_PAGE_FILE, 'utf8'),
      ).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  test("the client's types are the ones openapi-typescript generates from the document (else: npm run openapi)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eye-types-'));
    try {
      await buildClientTypes(OPENAPI_FILE, join(dir, 'api-types.ts'));
      expect(readFileSync(join(dir, 'api-types.ts'), 'utf8')).toBe(readFileSync(CLIENT_TYPES_FILE, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  test('the /docs page fits a Lambda response (6 MB) with room for the document to grow', () => {
    const response = JSON.stringify({ statusCode: 200, body: readFileSync(REFERENCE_PAGE_FILE, 'utf8') });
    expect(Buffer.byteLength(response)).toBeLessThan(4 * 1024 * 1024);
  });

  test('every operation has a unique id, derived from its method and path unless it names one', () => {
    const ids = Object.values(
      committed.paths as Record<string, Record<string, { operationId: string }>>,
    ).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(operationIdOf('get', '/users/{user_id}/location-averages')).toBe(
      'getUsersByUserIdLocationAverages',
    );
    expect(operationIdOf('delete', '/clients/{client_id}/advisor')).toBe('deleteClientsByClientIdAdvisor');
    expect(operationIdOf('get', '/openapi.json')).toBe('getOpenapiJson');
  });

  test('documents every route of the manifest', () => {
    const documented = Object.entries(committed.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const manifest = routes.filter((r) => r.path !== '$default').map((r) => `${r.method} ${r.path}`);
    expect(documented.sort()).toEqual(expect.arrayContaining(manifest.sort()));
  });
});
