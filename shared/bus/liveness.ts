import type { Job } from './schemas.ts';

// A job never holds its date for ever: one that has made no progress (no city counted, since it was
// registered or since its last city) for the stall deadline reads as failed, with every city not
// fetched by then among cities_failed, and the date may be requested again. The deadline is the
// longest a city's message can legitimately stay unhandled: maxReceiveCount receives, each followed by
// a visibility timeout when its invocation crashed or timed out (lib/routes.ts).

/** The instant a job still in progress at `progressAt` counts as stalled. */
export const stallDeadline = (progressAt: string, stallSeconds: number) =>
  new Date(Date.parse(progressAt) + stallSeconds * 1000);

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
  if (job.status !== 'queued' && job.status !== 'running') return { job, stalled: false };
  const deadline = stallDeadline(progress.progressAt, stallSeconds);
  if (now < deadline) return { job, stalled: false };
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
