import { hashToken, newApiKey } from '../../shared/applications/keys.ts';
import { createApplication } from '../../shared/applications/repository.ts';
import { createApplicationBody } from '../../shared/applications/schemas.ts';
import { created, httpRoute } from '../../shared/core/http.ts';

export const handler = httpRoute({ body: createApplicationBody }, async ({ body }) => {
  const apiKey = newApiKey();
  const app = await createApplication({ name: body.name, scopes: body.scopes, keyHash: hashToken(apiKey) });
  return created({ ...app, api_key: apiKey });
});
