import { advisorIdPath, availabilityBody } from '../../shared/advisors/schemas.ts';
import { updateAvailability } from '../../shared/advisors/use-cases/availability.ts';
import { httpRoute, ok } from '../../shared/core/http.ts';

export const handler = httpRoute({ path: advisorIdPath, body: availabilityBody }, async ({ path, body }) =>
  ok(await updateAvailability(path.advisor_id, body.available)),
);
