import { applicationsPage } from '../../shared/applications/use-cases/applications.ts';
import { httpRoute, ok } from '../../shared/core/http.ts';
import { pageQuery } from '../../shared/core/validation.ts';

export const handler = httpRoute({ query: pageQuery }, async ({ query }) =>
  ok(await applicationsPage(query.limit, query.cursor)),
);
