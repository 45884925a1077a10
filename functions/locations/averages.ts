import { httpRoute, ok } from '../../shared/core/http.ts';
import { listAverages } from '../../shared/locations/repository.ts';
import { averagesPath, averagesQuery } from '../../shared/locations/schemas.ts';

export const handler = httpRoute({ path: averagesPath, query: averagesQuery }, async ({ path, query }) => {
  const page = await listAverages(path.user_id, query);
  return ok({ user_id: path.user_id, items: page.items, next_cursor: page.next_cursor });
});
