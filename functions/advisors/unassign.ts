import { clientIdPath } from '../../shared/advisors/schemas.ts';
import { unassignAdvisor } from '../../shared/advisors/use-cases/assignment.ts';
import { httpRoute, noContent } from '../../shared/core/http.ts';

export const handler = httpRoute({ path: clientIdPath }, async ({ path }) => {
  await unassignAdvisor(path.client_id);
  return noContent();
});
