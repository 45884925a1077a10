import { created, httpRoute } from '../../shared/core/http.ts';
import { typeOwnerQuery, typePath, typeVersionBody } from '../../shared/events/schemas.ts';
import { registerVersion } from '../../shared/events/use-cases/types.ts';

export const handler = httpRoute(
  { body: typeVersionBody, query: typeOwnerQuery, path: typePath },
  async ({ caller, body, query, path }) =>
    created(await registerVersion(caller, query.application_id, path, body.schema)),
);
