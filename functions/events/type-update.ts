import { httpRoute, ok } from '../../shared/core/http.ts';
import { typeModeBody, typeOwnerQuery, typePath } from '../../shared/events/schemas.ts';
import { changeMode } from '../../shared/events/use-cases/types.ts';

export const handler = httpRoute(
  { body: typeModeBody, query: typeOwnerQuery, path: typePath },
  async ({ caller, body, query, path }) =>
    ok(await changeMode(caller, query.application_id, path, body.mode)),
);
