import { httpRoute, ok } from '../../shared/core/http.ts';
import { summaryQuery } from '../../shared/events/schemas.ts';
import { errorSummaryOf } from '../../shared/events/use-cases/listing.ts';

export const handler = httpRoute({ query: summaryQuery }, async ({ caller, query }) =>
  ok(await errorSummaryOf(caller, query)),
);
