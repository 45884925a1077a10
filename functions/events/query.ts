import { httpRoute, ok } from '../../shared/core/http.ts';
import { eventsPage } from '../../shared/events/listing.ts';
import { eventsQuery } from '../../shared/events/schemas.ts';

export const handler = httpRoute({ query: eventsQuery }, async ({ caller, query }) =>
  ok(await eventsPage(caller, query)),
);
