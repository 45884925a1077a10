import { jobsPage } from '../../shared/bus/use-cases/jobs.ts';
import { httpRoute, ok } from '../../shared/core/http.ts';
import { pageQuery } from '../../shared/core/validation.ts';

export const handler = httpRoute({ query: pageQuery }, async ({ query }) =>
  ok(await jobsPage(query.limit, query.cursor)),
);
