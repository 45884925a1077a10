import { notFound } from '../../shared/core/errors.ts';
import { publicRoute } from '../../shared/core/http.ts';

// API Gateway's own 404 has another body; the `$default` route makes unknown routes answer per API.md.
export const handler = publicRoute({}, async ({ event }) => {
  throw notFound(`No route ${event.requestContext.http.method} ${event.rawPath}`);
});
