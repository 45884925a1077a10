import { openApiDocument } from '../../shared/api-docs/document.ts';
import { ok, publicRoute } from '../../shared/core/http.ts';

const document = JSON.stringify(openApiDocument());

export const handler = publicRoute({}, async () => ok(document));
