import { stalledAt } from '../core/liveness.ts';
import type { Job } from './schemas.ts';

// A job never holds its date for ever: one that has made no progress (no city counted, since it was
// registered or since its last city) for the stall deadline reads as failed, with every city not
// fetched by then among cities_failed, and the date may be requested again.

/** What a stored job knows beyond its API shape: its cities, and when it last made progress. */
export interface JobProgress {
  cityIds: readonly number[];
  doneIds: ReadonlySet<number>;
  progressAt: string;
}

/** The job as it reads at `now`: an active job past its stall deadline is failed. */
export const jobAsOf = (
  job: Job,
  progress: JobProgress,
  stallSeconds: number,
  now: Date,
): { job: Job; stalled: boolean } => {
  const deadline = stalledAt(job.status, progress.progressAt, stallSeconds, now);
  if (!deadline) return { job, stalled: false };
  const failed = new Set(job.cities_failed);
  for (const id of progress.cityIds) if (!progress.doneIds.has(id)) failed.add(id);
  return {
    job: {
      ...job,
      status: 'failed',
      cities_failed: [...failed].sort((a, b) => a - b),
      finished_at: deadline.toISOString(),
    },
    stalled: true,
  };
};
