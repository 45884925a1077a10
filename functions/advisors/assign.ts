import { assignBody, clientIdPath } from '../../shared/advisors/schemas.ts';
import { assignAdvisor } from '../../shared/advisors/use-cases/assignment.ts';
import { httpRoute, ok } from '../../shared/core/http.ts';

export const handler = httpRoute({ path: clientIdPath, body: assignBody }, async ({ path, body }) =>
  ok(await assignAdvisor(path.client_id, body.advisor_id)),
);
