import { deleteApplication } from '../../shared/applications/repository.ts';
import { applicationIdPath } from '../../shared/applications/schemas.ts';
import { notFound } from '../../shared/core/errors.ts';
import { httpRoute, noContent } from '../../shared/core/http.ts';

export const handler = httpRoute({ path: applicationIdPath }, async ({ path }) => {
  if (!(await deleteApplication(path.application_id))) throw notFound('Application not found');
  return noContent();
});
