import { createApplicationBody } from '../../shared/applications/schemas.ts';
import { registerApplication } from '../../shared/applications/use-cases/applications.ts';
import { created, httpRoute } from '../../shared/core/http.ts';

export const handler = httpRoute({ body: createApplicationBody }, async ({ body }) =>
  created(await registerApplication(body.name, body.scopes)),
);
