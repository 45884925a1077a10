// Retries with exponential backoff and full jitter. The busFetch queue's visibility timeout is 15
// minutes, so waiting for SQS redelivery would stall a city that long: transient upstream failures are
// retried here, within one invocation.

export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  capMs: number;
}

export class UpstreamError extends Error {
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.name = 'UpstreamError';
    this.status = status;
  }
}

const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET']);

/** 5xx and 429 answers, timeouts and dropped connections are worth another try; nothing else is. */
export const isTransient = (err: unknown): boolean => {
  if (err instanceof UpstreamError)
    return err.status === undefined || err.status >= 500 || err.status === 429;
  const e = err as { name?: string; code?: string; cause?: { code?: string } } | undefined;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return true;
  if (e?.code && TRANSIENT_CODES.has(e.code)) return true;
  if (e?.cause?.code && TRANSIENT_CODES.has(e.cause.code)) return true;
  // undici reports network failures as `TypeError: fetch failed` (the cause says which).
  return err instanceof TypeError && err.message === 'fetch failed';
};

/** The wait before retry number `retry` (1-based): uniform in [0, min(cap, base·2^(retry-1))]. */
export const backoffMs = (policy: RetryPolicy, retry: number, random = Math.random) =>
  Math.floor(random() * Math.min(policy.capMs, policy.baseMs * 2 ** (retry - 1)));

export const withRetries = async <T>(
  policy: RetryPolicy,
  attempt: (n: number) => Promise<T>,
  sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
): Promise<T> => {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (n >= policy.attempts || !isTransient(err)) throw err;
      await sleep(backoffMs(policy, n));
    }
  }
};
