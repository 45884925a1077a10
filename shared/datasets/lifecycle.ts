import type { DatasetError, DatasetStatus } from './schemas.ts';

// What a reader sees of a dataset whose import can no longer happen, decided at read time from
// deadlines the item carries, so no sweeper has to run for the answer to be right (API.md's rule for
// an upload whose URL expired is one such case).

export const UPLOAD_EXPIRED = 'upload not received before the URL expired';
export const IMPORT_TIMED_OUT =
  'the import did not finish: its last attempt ran out of time or memory; upload the file again';
export const importFailed = (attempts: number) =>
  `the import failed on each of its ${attempts} attempts; upload the file again`;

export interface DatasetState {
  status: DatasetStatus;
  created_at: string;
  error?: DatasetError;
  /** While processing: when the claiming attempt's function runs out of time (epoch ms). */
  deadline?: number;
  /** While processing: the claim was made on the last receive of the import message. */
  final_attempt?: boolean;
}

/** The status and error to report at `now`; `uploadUrlSeconds` is how long an upload URL is valid. */
export const visibleState = (
  item: DatasetState,
  now: number,
  uploadUrlSeconds: number,
): { status: DatasetStatus; error?: DatasetError } => {
  if (item.status === 'uploading' && now > Date.parse(item.created_at) + uploadUrlSeconds * 1000) {
    return { status: 'failed', error: { message: UPLOAD_EXPIRED } };
  }
  // A claim on the last receive whose function's time is up will never finish: nothing retries it.
  if (
    item.status === 'processing' &&
    item.final_attempt &&
    item.deadline !== undefined &&
    now > item.deadline
  ) {
    return { status: 'failed', error: { message: IMPORT_TIMED_OUT } };
  }
  return { status: item.status, ...(item.error ? { error: item.error } : {}) };
};
