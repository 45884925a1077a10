import { created, httpRoute } from '../../shared/core/http.ts';
import { eventTypeBody, typeOwnerQuery } from '../../shared/events/schemas.ts';
import { registerType } from '../../shared/events/use-cases/types.ts';

export const handler = httpRoute(
  { body: eventTypeBody, query: typeOwnerQuery },
  async ({ caller, body, query }) => created(await registerType(caller, query.application_id, body)),
);
