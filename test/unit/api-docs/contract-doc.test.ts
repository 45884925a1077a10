import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';

// docs/API.md explains each operation of openapi.json; these tests keep the two in step. A route added to
// the document fails here until docs/API.md has a section headed ### `METHOD /path` for it.
const ROOT = join(import.meta.dirname, '../../..');
const page = readFileSync(join(ROOT, 'docs/API.md'), 'utf8');
const document = JSON.parse(readFileSync(join(ROOT, 'shared/api-docs/openapi.json'), 'utf8'));

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
const operations: string[] = Object.entries(document.paths as Record<string, Record<string, unknown>>)
  .flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => HTTP_METHODS.includes(key))
      .map((m) => `${m.toUpperCase()} ${path}`),
  )
  .sort();
const sections = [...page.matchAll(/^### `([A-Z]+ \/\S*)`$/gm)].map((m) => m[1]!).sort();

describe('docs/API.md', () => {
  test('has a section for every operation of openapi.json', () => {
    const missing = operations.filter((op) => !sections.includes(op));
    expect(missing.map((op) => `add a section "### \`${op}\`" to docs/API.md`)).toEqual([]);
  });

  test('documents no operation that openapi.json does not have', () => {
    const unknown = sections.filter((op) => !operations.includes(op));
    expect(unknown.map((op) => `"### \`${op}\`" in docs/API.md is no operation of openapi.json`)).toEqual([]);
  });

  test('documents each operation once', () => {
    expect(sections.filter((op, i) => sections.indexOf(op) !== i)).toEqual([]);
  });

  test("lists exactly the error codes of the document's error body", () => {
    const codes: string[] = document.components.schemas.Error.properties.error.properties.code.enum;
    const errorsSection = page.slice(page.indexOf('### Errors'), page.indexOf('### Pagination'));
    const documented = [...errorsSection.matchAll(/^\| `([a-z_]+)` \| \d{3} \|$/gm)].map((m) => m[1]!);
    expect(documented.sort()).toEqual([...codes].sort());
  });

  test('refers to nothing outside the repository', () => {
    expect(page).not.toMatch(/\.\.\/shared|\/work\//);
  });
});
