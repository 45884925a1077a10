import { writeFile } from 'node:fs/promises';
import { openApiDocument } from '../shared/api-docs/document.ts';
import { buildReferencePage, OPENAPI_FILE, REFERENCE_PAGE_FILE } from './reference-page.ts';

// `npm run openapi`: writes the OpenAPI document generated from the zod schemas and the /docs page built
// from it. Both are served from these files so the Lambdas carry neither zod-openapi (~850 KB) nor
// Redocly; unit tests fail when the committed files and the schemas disagree.
await writeFile(OPENAPI_FILE, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.log(`wrote ${OPENAPI_FILE}`);
await buildReferencePage(OPENAPI_FILE, REFERENCE_PAGE_FILE);
console.log(`wrote ${REFERENCE_PAGE_FILE}`);
