import { listAdvisorsQuery } from '../../shared/advisors/schemas.ts';
import { advisorsPage } from '../../shared/advisors/use-cases/listing.ts';
import { httpRoute, ok } from '../../shared/core/http.ts';

export const handler = httpRoute({ query: listAdvisorsQuery }, async ({ query }) =>
  ok(await advisorsPage(query.available, query.limit, query.cursor)),
);
