import { listJobs } from '../../shared/bus/repository.ts';
import { httpRoute, ok } from '../../shared/core/http.ts';
import { pageQuery } from '../../shared/core/validation.ts';

export const handler = httpRoute({ query: pageQuery }, async ({ query }) =>
  ok(await listJobs(query.limit, query.cursor)),
);
