import { httpRoute, ok } from '../../shared/core/http.ts';
import { eventsQuery } from '../../shared/events/schemas.ts';
import { eventsPage } from '../../shared/events/use-cases/listing.ts';

export const handler = httpRoute({ query: eventsQuery }, async ({ caller, query }) =>
  ok(await eventsPage(caller, query)),
);
