import { httpRoute, ok } from '../../shared/core/http.ts';
import { errorsPage } from '../../shared/events/listing.ts';
import { errorsQuery } from '../../shared/events/schemas.ts';

export const handler = httpRoute({ query: errorsQuery }, async ({ caller, query }) =>
  ok(await errorsPage(caller, query)),
);
