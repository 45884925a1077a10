import { clearClientAdvisor } from '../../shared/advisors/repository.ts';
import { clientIdPath } from '../../shared/advisors/schemas.ts';
import { notFound } from '../../shared/core/errors.ts';
import { httpRoute, noContent } from '../../shared/core/http.ts';

export const handler = httpRoute({ path: clientIdPath }, async ({ path }) => {
  if (!(await clearClientAdvisor(path.client_id))) throw notFound('No such client');
  return noContent();
});
