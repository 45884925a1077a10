import { applicationIdPath } from '../../shared/applications/schemas.ts';
import { removeApplication } from '../../shared/applications/use-cases/applications.ts';
import { httpRoute, noContent } from '../../shared/core/http.ts';

export const handler = httpRoute({ path: applicationIdPath }, async ({ path }) => {
  await removeApplication(path.application_id);
  return noContent();
});
