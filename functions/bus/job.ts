import { jobIdPath } from '../../shared/bus/schemas.ts';
import { jobStatus } from '../../shared/bus/use-cases/jobs.ts';
import { httpRoute, ok } from '../../shared/core/http.ts';

export const handler = httpRoute({ path: jobIdPath }, async ({ path }) => ok(await jobStatus(path.job_id)));
