import { processRequestQuery } from '../../shared/bus/schemas.ts';
import { requestJob } from '../../shared/bus/use-cases/jobs.ts';
import { accepted, httpRoute } from '../../shared/core/http.ts';

export const handler = httpRoute({ query: processRequestQuery }, async ({ query }) => {
  const job = await requestJob(query.date);
  return accepted({ job_id: job.job_id, date: job.date, status: job.status });
});
