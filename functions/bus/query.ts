import { queryIdPath } from '../../shared/bus/schemas.ts';
import { statsQuery } from '../../shared/bus/use-cases/queries.ts';
import { httpRoute, ok } from '../../shared/core/http.ts';

export const handler = httpRoute({ path: queryIdPath }, async ({ path }) =>
  ok(await statsQuery(path.query_id)),
);
