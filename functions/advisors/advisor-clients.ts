import { advisorClients } from '../../shared/advisors/repository.ts';
import { advisorIdPath } from '../../shared/advisors/schemas.ts';
import { notFound } from '../../shared/core/errors.ts';
import { httpRoute, ok } from '../../shared/core/http.ts';
import { pageQuery } from '../../shared/core/validation.ts';

export const handler = httpRoute({ path: advisorIdPath, query: pageQuery }, async ({ path, query }) => {
  const page = await advisorClients(path.advisor_id, query.limit, query.cursor);
  if (!page) throw notFound('No such advisor');
  return ok(page);
});
