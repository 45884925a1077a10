import { listClients } from '../../shared/advisors/repository.ts';
import { httpRoute, ok } from '../../shared/core/http.ts';
import { pageQuery } from '../../shared/core/validation.ts';

export const handler = httpRoute({ query: pageQuery }, async ({ query }) =>
  ok(await listClients(query.limit, query.cursor)),
);
