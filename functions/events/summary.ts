import { httpRoute, ok } from '../../shared/core/http.ts';
import { errorSummaryOf } from '../../shared/events/listing.ts';
import { summaryQuery } from '../../shared/events/schemas.ts';

export const handler = httpRoute({ query: summaryQuery }, async ({ caller, query }) =>
  ok(await errorSummaryOf(caller, query)),
);
