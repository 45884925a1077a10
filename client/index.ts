// A typed client for POST /events: batches events (by count, bytes and interval), retries network
// errors, 5xx and 429 with exponential backoff and full jitter, and gives every event an id before
// the first attempt, so a retried batch is stored once. Standalone: no imports from the project.

export interface EyeEvent {
  session_id: string;
  category: string;
  name: string;
  data: Record<string, unknown>;
  /** `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC) or ISO 8601 with `Z`/offset. */
  timestamp: string;
  /** Idempotency key (1–64 of `[A-Za-z0-9_-]`); generated when absent. */
  id?: string;
  /**
   * The version of the event's type to validate against (a positive integer); without it the latest
   * at processing time applies. Ignored by a type whose mode is `off`.
   */
  schema_version?: number;
}

export type SendResult =
  | { status: 'accepted'; id: string }
  | { status: 'rejected'; id: string; errors: { path: string; message: string }[] };

export interface EyeClientOptions {
  baseUrl: string;
  apiKey: string;
  /** Flush when this many events are buffered (≤ 500, the API's limit). Default 100. */
  maxBatchEvents?: number;
  /** Flush when the buffered JSON reaches this many bytes (< 1 MiB, the API's limit). Default 512 KiB. */
  maxBatchBytes?: number;
  /** Flush buffered events at least this often. Default 200 ms. */
  flushIntervalMs?: number;
  /** Batches in flight at once. Default 4. */
  maxInFlight?: number;
  /** Attempts per batch, the first included. Default 6. */
  maxAttempts?: number;
  /** Backoff: a random delay up to min(maxDelayMs, baseDelayMs · 2^attempt). Defaults 100 / 5000 ms. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Called after every HTTP answer with its status and duration (metrics, benchmarks). */
  onResponse?: (info: { status: number; ms: number; events: number }) => void;
  fetch?: typeof fetch;
}

export class EyeClientError extends Error {
  readonly status: number | undefined;
  readonly body: unknown;
  constructor(message: string, status?: number, body?: unknown) {
    super(message);
    this.name = 'EyeClientError';
    this.status = status;
    this.body = body;
  }
}

interface Rejection {
  index: number;
  errors: { path: string; message: string }[];
}

interface Pending {
  event: EyeEvent & { id: string };
  bytes: number;
  resolve: (result: SendResult) => void;
  reject: (err: Error) => void;
}

const RETRYABLE = (status: number) => status === 429 || status >= 500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const newId = () => globalThis.crypto.randomUUID();

export class EyeClient {
  private readonly options: Required<Omit<EyeClientOptions, 'onResponse'>> &
    Pick<EyeClientOptions, 'onResponse'>;
  private buffer: Pending[] = [];
  private bufferBytes = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly waiting: (() => void)[] = [];
  private closed = false;

  constructor(options: EyeClientOptions) {
    this.options = {
      maxBatchEvents: 100,
      maxBatchBytes: 512 * 1024,
      flushIntervalMs: 200,
      maxInFlight: 4,
      maxAttempts: 6,
      baseDelayMs: 100,
      maxDelayMs: 5000,
      fetch: globalThis.fetch.bind(globalThis),
      ...options,
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
    };
    if (this.options.maxBatchEvents > 500) throw new RangeError('maxBatchEvents is at most 500');
  }

  /** Queues one event; resolves when the API accepted or rejected it (rejects if it never answered). */
  send(event: EyeEvent): Promise<SendResult> {
    if (this.closed) return Promise.reject(new EyeClientError('client is closed'));
    const withId = { ...event, id: event.id ?? newId() };
    const bytes = Buffer.byteLength(JSON.stringify(withId)) + 1;
    return new Promise<SendResult>((resolve, reject) => {
      if (this.bufferBytes + bytes > this.options.maxBatchBytes) this.dispatch();
      this.buffer.push({ event: withId, bytes, resolve, reject });
      this.bufferBytes += bytes;
      if (this.buffer.length >= this.options.maxBatchEvents) this.dispatch();
      else this.timer ??= setTimeout(() => this.dispatch(), this.options.flushIntervalMs);
    });
  }

  /** Sends everything buffered and waits until every batch so far has been answered. */
  async flush(): Promise<void> {
    this.dispatch();
    while (this.inFlight.size > 0 || this.waiting.length > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Flushes, then refuses further events. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private dispatch(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.bufferBytes = 0;
    const run = this.slot().then(() => this.deliver(batch));
    const tracked = run.finally(() => {
      this.inFlight.delete(tracked);
      this.waiting.shift()?.();
    });
    this.inFlight.add(tracked);
  }

  /** Waits for a free in-flight slot. */
  private slot(): Promise<void> {
    const running = this.inFlight.size - this.waiting.length;
    if (running < this.options.maxInFlight) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private async deliver(batch: Pending[]): Promise<void> {
    try {
      const answer = await this.post(batch.map((p) => p.event));
      const rejected = new Map(answer.rejected.map((r) => [r.index, r.errors]));
      batch.forEach((p, index) => {
        const errors = rejected.get(index);
        p.resolve(
          errors ? { status: 'rejected', id: p.event.id, errors } : { status: 'accepted', id: p.event.id },
        );
      });
    } catch (err) {
      for (const p of batch) p.reject(err as Error);
    }
  }

  private async post(events: EyeEvent[]): Promise<{ rejected: Rejection[] }> {
    const body = JSON.stringify(events);
    const { maxAttempts, baseDelayMs, maxDelayMs } = this.options;
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      let status: number | undefined;
      let parsed: unknown;
      let retryAfterMs: number | undefined;
      try {
        const res = await this.options.fetch(`${this.options.baseUrl}/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.options.apiKey}`, 'content-type': 'application/json' },
          body,
        });
        status = res.status;
        const text = await res.text();
        parsed = text ? JSON.parse(text) : undefined;
        const retryAfter = Number(res.headers.get('retry-after'));
        if (retryAfter > 0) retryAfterMs = retryAfter * 1000;
        this.options.onResponse?.({ status, ms: performance.now() - started, events: events.length });
      } catch (err) {
        if (attempt >= maxAttempts) throw new EyeClientError(`network error: ${(err as Error).message}`);
      }
      if (status === 202) return parsed as { rejected: Rejection[] };
      // Nothing accepted: the API answers 400 with the per-index rejections under error.details.
      const error = (parsed as { error?: { code?: string; details?: unknown } } | undefined)?.error;
      if (status === 400 && error?.code === 'validation_error' && Array.isArray(error.details)) {
        const rejected = error.details as Rejection[];
        if (rejected.every((r) => typeof r.index === 'number')) return { rejected };
      }
      if (status !== undefined && !RETRYABLE(status)) {
        throw new EyeClientError(`POST /events answered ${status}`, status, parsed);
      }
      if (attempt >= maxAttempts)
        throw new EyeClientError(`POST /events failed after ${attempt} attempts`, status, parsed);
      const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      await sleep(Math.max(retryAfterMs ?? 0, Math.random() * cap));
    }
  }
}
