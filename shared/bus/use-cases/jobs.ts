import { randomUUID } from 'node:crypto';
import { notFound } from '../../core/errors.ts';
import { isActive } from '../../core/liveness.ts';
import { withRetries } from '../../core/retry.ts';
import type { Page } from '../../core/validation.ts';
import { enqueueCities } from '../queue.ts';
import {
  claimDate,
  deleteJob,
  expireJob,
  failJob,
  finishJob,
  getJob,
  jobOfDate,
  listJobs,
  putJob,
} from '../repository.ts';
import type { Job } from '../schemas.ts';
import { fetchCities, isTransient } from '../upstream.ts';

// Registers the job of a date. The API answers within API Gateway's 30 s, so the city list gets a few
// short attempts; the long work happens per city, behind the queue.
const CITY_LIST_POLICY = { attempts: 4, baseMs: 200, capMs: 1000 };
const CITY_LIST_TIMEOUT_MS = 6000;
const CLAIM_ROUNDS = 3;

/** A job as registered: queued, nothing fetched yet. */
export const newJob = (date: string, citiesTotal: number): Job => ({
  job_id: randomUUID(),
  date,
  status: 'queued',
  cities_total: citiesTotal,
  cities_done: 0,
  cities_failed: [],
  records: 0,
  bytes: 0,
  created_at: new Date().toISOString(),
  finished_at: null,
});

/**
 * The job for `date`: the queued or running one if there is one, else a new one. Ownership of the date
 * is taken with a conditional write, so concurrent requests agree on one job. A job past its stall
 * deadline is stored as failed first, so the date is free again. Once the date is claimed, a failure
 * to queue its cities fails the job at once: no job may own a date with nothing queued for it (a crash
 * in between is what the stall deadline is for).
 */
export const requestJob = async (date: string): Promise<Job> => {
  for (let round = 0; round < CLAIM_ROUNDS; round++) {
    const current = await jobOfDate(date);
    if (current && isActive(current.job.status)) return current.job;
    if (current?.stalled && !(await expireJob(current))) continue;
    const cities = await withRetries(CITY_LIST_POLICY, () => fetchCities(CITY_LIST_TIMEOUT_MS), isTransient);
    const job = newJob(date, cities.length);
    await putJob(
      job,
      cities.map((c) => c.id),
    );
    if (!(await claimDate(date, job.job_id, current?.job.job_id))) {
      await deleteJob(job.job_id);
      continue;
    }
    try {
      await enqueueCities(job.job_id, date, cities);
    } catch (err) {
      await failJob(job.job_id, new Date().toISOString());
      throw err;
    }
    if (cities.length === 0) await finishJob(job.job_id, 'succeeded', new Date().toISOString());
    return job;
  }
  throw new Error(`could not settle the job of ${date}: its owner kept changing`);
};

/** GET /process-request/{job_id}: the job as it stands now. */
export const jobStatus = async (jobId: string): Promise<Job> => {
  const job = await getJob(jobId);
  if (!job) throw notFound(`No job ${jobId}`);
  return job;
};

/** GET /process-request: one page of the jobs, newest first. */
export const jobsPage = (limit: number, cursor?: string): Promise<Page<Job>> => listJobs(limit, cursor);
