import { writeFile } from 'node:fs/promises';
import { openApiDocument } from '../shared/api-docs/document.ts';
import { buildClientTypes, CLIENT_TYPES_FILE } from './client-types.ts';
import { buildReferencePage, OPENAPI_FILE, REFERENCE_PAGE_FILE } from './reference-page.ts';

// `npm run openapi`: writes the OpenAPI document generated from the zod schemas, the /docs page built from
// it and the client's types. The Lambdas serve the files, so they carry neither zod-openapi (~850 KB) nor
// Redocly; unit tests fail when a committed file and the schemas disagree.
await writeFile(OPENAPI_FILE, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.log(`wrote ${OPENAPI_FILE}`);
await Promise.all([
  buildReferencePage(OPENAPI_FILE, REFERENCE_PAGE_FILE),
  buildClientTypes(OPENAPI_FILE, CLIENT_TYPES_FILE),
]);
console.log(`wrote ${REFERENCE_PAGE_FILE}`);
console.log(`wrote ${CLIENT_TYPES_FILE}`);
