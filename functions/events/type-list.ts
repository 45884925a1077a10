import { httpRoute, ok } from '../../shared/core/http.ts';
import { eventTypesQuery } from '../../shared/events/schemas.ts';
import { listTypes } from '../../shared/events/use-cases/types.ts';

export const handler = httpRoute({ query: eventTypesQuery }, async ({ caller, query }) =>
  ok(await listTypes(caller, query)),
);
