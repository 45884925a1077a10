import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openApiDocument } from '../shared/api-docs/document.ts';

// `npm run openapi`: writes the OpenAPI document generated from the zod schemas. It is served from this
// file so the /openapi.json Lambda does not carry zod-openapi (~850 KB); a unit test fails when the
// committed file and the schemas disagree.
const file = join(import.meta.dirname, '..', 'shared', 'api-docs', 'openapi.json');
await writeFile(file, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.log(`wrote ${file}`);
