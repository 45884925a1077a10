import { Readable } from 'node:stream';
import { env } from '../core/env.ts';
import { type UpstreamCity, upstreamCities } from './schemas.ts';

// The upstream bus source (API.md: the reference server). Its URL is a deploy-time setting. Transient
// upstream failures are retried within one invocation (shared/core/retry.ts): waiting for SQS to
// redeliver would stall a city for a whole visibility timeout.

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

const sourceUrl = () => {
  const url = env.BUS_SOURCE_URL;
  if (!url) throw new Error('Missing configuration BUS_SOURCE_URL');
  return url.replace(/\/$/, '');
};

const get = async (path: string, timeoutMs: number) => {
  const res = await fetch(`${sourceUrl()}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) {
    await res.body?.cancel();
    throw new UpstreamError(`upstream answered ${res.status} for ${path}`, res.status);
  }
  return res;
};

export const fetchCities = async (timeoutMs: number): Promise<UpstreamCity[]> => {
  const res = await get('/cities', timeoutMs);
  const parsed = upstreamCities.safeParse(await res.json());
  if (!parsed.success) throw new UpstreamError('upstream city list has an unexpected shape', 502);
  return parsed.data;
};

/**
 * The departures of a city-day as a byte stream. `timeoutMs` bounds the whole transfer (a stalled
 * body aborts too), so a hung upstream cannot hold the function until its own timeout.
 */
export const openCityStats = async (cityId: number, date: string, timeoutMs: number): Promise<Readable> => {
  const res = await get(`/cities/${cityId}/stats?date=${encodeURIComponent(date)}`, timeoutMs);
  if (!res.body) throw new UpstreamError('upstream sent no body');
  return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
};
