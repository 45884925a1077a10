import { httpRoute, ok } from '../../shared/core/http.ts';
import { typeOwnerQuery, typePath } from '../../shared/events/schemas.ts';
import { describeType } from '../../shared/events/use-cases/types.ts';

export const handler = httpRoute({ query: typeOwnerQuery, path: typePath }, async ({ caller, query, path }) =>
  ok(await describeType(caller, query.application_id, path)),
);
