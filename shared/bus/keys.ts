import { tableName } from '../core/env.ts';
import type { Job } from './schemas.ts';

// The keys of the bus feature's jobs and stored city-days (repository.ts, city-days.ts). Table `bus`:
//   JOB#<job_id> / JOB          the job: counters, its city ids, the sets of city ids done and failed
//                               (a city is counted once however often its message is delivered), and
//                               when it last made progress; gsi1 (JOBS / <created_at>#<job_id>) lists
//                               the jobs newest first. That key is shared by every job, but jobs are
//                               created one per requested date, far below a partition's 1,000 writes/s.
//   DATE#<date> / JOB           the claim: which job owns the date (one active job per date)
//   DATE#<date> / CITY#<id>     a stored city-day: its country, object key and size, and the generation
//                               of the job that stored it — the city→country mapping of that date, read
//                               by the statistics with one Query per date
// S3: bus/<date>/<job_id>/<city_id>.json, the upstream's bytes as received. Keyed by job, so a late
// message of an old job can only write its own objects, never those a newer job's city-day points to.

export const keys = {
  job: (jobId: string) => ({ pk: `JOB#${jobId}`, sk: 'JOB' }),
  jobListing: (job: Pick<Job, 'created_at' | 'job_id'>) => ({
    gsi1pk: 'JOBS',
    gsi1sk: generationOf(job),
  }),
  claim: (date: string) => ({ pk: `DATE#${date}`, sk: 'JOB' }),
  cityDay: (date: string, cityId: number) => ({ pk: `DATE#${date}`, sk: `CITY#${cityId}` }),
  cityDayPrefix: 'CITY#',
  object: (date: string, jobId: string, cityId: number) => `bus/${date}/${jobId}/${cityId}.json`,
};

/** Orders the jobs of a date: a later job's generation sorts after an earlier one's. */
export const generationOf = (job: Pick<Job, 'created_at' | 'job_id'>) => `${job.created_at}#${job.job_id}`;

export const table = () => tableName('bus');
