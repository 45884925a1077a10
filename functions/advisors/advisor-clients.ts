import { advisorIdPath } from '../../shared/advisors/schemas.ts';
import { advisorClientsPage } from '../../shared/advisors/use-cases/listing.ts';
import { httpRoute, ok } from '../../shared/core/http.ts';
import { pageQuery } from '../../shared/core/validation.ts';

export const handler = httpRoute({ path: advisorIdPath, query: pageQuery }, async ({ path, query }) =>
  ok(await advisorClientsPage(path.advisor_id, query.limit, query.cursor)),
);
