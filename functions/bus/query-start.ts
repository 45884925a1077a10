import { statsQueryRequest } from '../../shared/bus/schemas.ts';
import { startQuery } from '../../shared/bus/use-cases/queries.ts';
import { accepted, httpRoute } from '../../shared/core/http.ts';

export const handler = httpRoute({ body: statsQueryRequest }, async ({ body }) => {
  const query = await startQuery(body.from, body.to);
  return accepted({ query_id: query.query_id, from: query.from, to: query.to, status: 'queued' });
});
