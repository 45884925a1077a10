import { clientsPage } from '../../shared/advisors/use-cases/listing.ts';
import { httpRoute, ok } from '../../shared/core/http.ts';
import { pageQuery } from '../../shared/core/validation.ts';

export const handler = httpRoute({ query: pageQuery }, async ({ query }) =>
  ok(await clientsPage(query.limit, query.cursor)),
);
