import { httpRoute, ok } from '../../shared/core/http.ts';
import { errorsQuery } from '../../shared/events/schemas.ts';
import { errorsPage } from '../../shared/events/use-cases/listing.ts';

export const handler = httpRoute({ query: errorsQuery }, async ({ caller, query }) =>
  ok(await errorsPage(caller, query)),
);
