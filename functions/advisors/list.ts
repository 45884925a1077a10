import { listAdvisors } from '../../shared/advisors/repository.ts';
import { listAdvisorsQuery } from '../../shared/advisors/schemas.ts';
import { httpRoute, ok } from '../../shared/core/http.ts';

export const handler = httpRoute({ query: listAdvisorsQuery }, async ({ query }) =>
  ok(await listAdvisors(query.available, query.limit, query.cursor)),
);
