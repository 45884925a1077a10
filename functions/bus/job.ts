import { getJob } from '../../shared/bus/repository.ts';
import { jobIdPath } from '../../shared/bus/schemas.ts';
import { notFound } from '../../shared/core/errors.ts';
import { httpRoute, ok } from '../../shared/core/http.ts';

export const handler = httpRoute({ path: jobIdPath }, async ({ path }) => {
  const job = await getJob(path.job_id);
  if (!job) throw notFound(`No job ${path.job_id}`);
  return ok(job);
});
