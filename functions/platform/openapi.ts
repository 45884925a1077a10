import document from '../../shared/api-docs/openapi.json' with { type: 'json' };
import { ok, publicRoute } from '../../shared/core/http.ts';

const body = JSON.stringify(document);

export const handler = publicRoute({}, async () => ok(body));
