import { backOff } from 'exponential-backoff';

// The one retry policy shape of the project: exponential backoff with full jitter (AWS's advice for
// contended retries), the wait before retry k uniform in [0, min(capMs, baseMs·2^(k-1))], at most
// `attempts` calls in all.

export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  capMs: number;
}

/** Calls `attempt` (with its 1-based number) until it resolves, `retryable` says no, or attempts run out. */
export const withRetries = <T>(
  policy: RetryPolicy,
  attempt: (n: number) => Promise<T>,
  retryable: (err: unknown) => boolean = () => true,
): Promise<T> => {
  let n = 0;
  return backOff(() => attempt(++n), {
    numOfAttempts: policy.attempts,
    startingDelay: policy.baseMs,
    timeMultiple: 2,
    maxDelay: policy.capMs,
    jitter: 'full',
    retry: (err) => retryable(err),
  });
};

export class Unprocessed<T> extends Error {
  readonly items: T[];
  constructor(items: T[], what: string) {
    super(`${items.length} ${what} still unprocessed`);
    this.name = 'Unprocessed';
    this.items = items;
  }
}

/**
 * For batch calls that answer with what they left undone (SQS SendMessageBatch's `Failed`, DynamoDB's
 * `UnprocessedItems`/`UnprocessedKeys`, cancelled transaction items): `send` gets what is still pending
 * and returns what is left; it is called again, with backoff, until nothing is. Errors `send` throws
 * are not retried here (the SDK has already retried them).
 */
export const untilNoneLeft = async <T>(
  policy: RetryPolicy,
  items: T[],
  send: (pending: T[]) => Promise<T[]>,
  what: string,
): Promise<void> => {
  let pending = items;
  if (pending.length === 0) return;
  await withRetries(
    policy,
    async () => {
      pending = await send(pending);
      if (pending.length > 0) throw new Unprocessed(pending, what);
    },
    (err) => err instanceof Unprocessed,
  );
};
