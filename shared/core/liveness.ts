import { env } from './env.ts';

// Asynchronous work (a bus job, a replay, a statistics query) never stays active for ever: once it has
// made no progress for its stall deadline it reads as failed. The deadline is the longest one of its
// messages can legitimately stay unhandled: maxReceiveCount receives, each followed by a visibility
// timeout when its invocation crashed or timed out (lib/routes.ts stallSeconds).

/** Work is active while queued or running; only active work can progress or stall. */
export const isActive = (status: string) => status === 'queued' || status === 'running';

/** The instant work still in progress at `progressAt` counts as stalled. */
const stallDeadline = (progressAt: string, stallSeconds: number) =>
  new Date(Date.parse(progressAt) + stallSeconds * 1000);

/** When active (queued or running) work that last progressed at `progressAt` stalled; undefined if it has not. */
export const stalledAt = (
  status: string,
  progressAt: string,
  stallSeconds: number,
  now: Date,
): Date | undefined => {
  if (!isActive(status)) return undefined;
  const deadline = stallDeadline(progressAt, stallSeconds);
  return now < deadline ? undefined : deadline;
};

/**
 * The condition of a write that applies only to active (queued or running) work; its names and values
 * go with it into ExpressionAttributeNames/Values.
 */
export const ACTIVE_ONLY = {
  condition: '#status IN (:queued, :running)',
  names: { '#status': 'status' },
  values: { ':queued': 'queued', ':running': 'running' },
} as const;

/** The earliest progress instant that is not stalled at `now`: a conditional write's lower bound. */
export const stalledBefore = (stallSeconds: number, now: Date) =>
  new Date(now.getTime() - stallSeconds * 1000).toISOString();

/**
 * The condition of a write that records progress: the item (`progress_at`, or `created_at` for one
 * stored before it had one) has not stalled; `:stalledBefore` is stalledBefore(). A late message of
 * work that reads failed cannot bring it back.
 */
export const NOT_STALLED =
  '(progress_at > :stalledBefore OR (attribute_not_exists(progress_at) AND created_at > :stalledBefore))';

type StallSetting = 'BUS_JOB_STALL_SECONDS' | 'REPLAY_STALL_SECONDS' | 'QUERY_STALL_SECONDS';

/** A stall deadline (seconds) from this function's configuration; only the functions that read one get it. */
export const stallSeconds = (name: StallSetting): number => {
  const value = env[name];
  if (value === undefined) throw new Error(`Missing configuration ${name}`);
  return value;
};
