import { httpRoute, ok } from '../../shared/core/http.ts';
import { averagesPath, averagesQuery } from '../../shared/locations/schemas.ts';
import { averagesOf } from '../../shared/locations/use-cases/averages.ts';

export const handler = httpRoute({ path: averagesPath, query: averagesQuery }, async ({ path, query }) =>
  ok(await averagesOf(path.user_id, query)),
);
