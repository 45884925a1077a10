import { setAvailability } from '../../shared/advisors/repository.ts';
import { advisorIdPath, availabilityBody } from '../../shared/advisors/schemas.ts';
import { notFound } from '../../shared/core/errors.ts';
import { httpRoute, ok } from '../../shared/core/http.ts';

export const handler = httpRoute({ path: advisorIdPath, body: availabilityBody }, async ({ path, body }) => {
  const advisor = await setAvailability(path.advisor_id, body.available);
  if (!advisor) throw notFound('No such advisor');
  return ok(advisor);
});
