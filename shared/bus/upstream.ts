import { Readable } from 'node:stream';
import { UpstreamError } from './retry.ts';
import { type UpstreamCity, upstreamCities } from './schemas.ts';

// The upstream bus source (API.md: the reference server). Its URL is a deploy-time setting.

const sourceUrl = () => {
  const url = process.env.BUS_SOURCE_URL;
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
