import { createHash } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

// The reference bus server: a stand-in for the challenge's slow, large, flaky upstream. Every answer is a
// pure function of (seed, city, date), so tests and benchmarks can recompute what the API must report.

export interface ReferenceServerOptions {
  port?: number;
  seed?: string;
  recordsMin?: number;
  recordsMax?: number;
  latencyMsMax?: number;
  /** 0–1: answer 500 that often, on every route. */
  failureRate?: number;
  /** Cities that always answer 500 (to exercise a city that fails for good). */
  failingCities?: number[];
}

export interface ReferenceServer {
  url: string;
  /** Requests answered so far, and how many of them were deliberate 500s. */
  counts: { requests: number; failures: number };
  stop(): Promise<void>;
}

export interface City {
  id: number;
  name: string;
  country: string;
}

const COUNTRIES: Record<string, string[]> = {
  Portugal: ['Lisbon', 'Porto', 'Braga', 'Coimbra', 'Faro', 'Aveiro'],
  Spain: ['Madrid', 'Barcelona', 'Valencia', 'Seville', 'Bilbao', 'Malaga'],
  France: ['Paris', 'Lyon', 'Marseille', 'Toulouse', 'Nice', 'Bordeaux'],
  Italy: ['Rome', 'Milan', 'Naples', 'Turin', 'Florence', 'Bologna'],
  Germany: ['Berlin', 'Hamburg', 'Munich', 'Cologne', 'Frankfurt', 'Stuttgart'],
};

export const CITIES: City[] = Object.entries(COUNTRIES).flatMap(([country, names], c) =>
  names.map((name, i) => ({ id: c * names.length + i + 1, name, country })),
);

/** xorshift128, seeded from a SHA-256 of the inputs: fast and the same on every machine. */
const random = (...parts: string[]) => {
  const digest = createHash('sha256').update(parts.join('\0')).digest();
  const s = new Uint32Array([digest.readUInt32LE(0), digest.readUInt32LE(4), digest.readUInt32LE(8), 1]);
  return () => {
    let t = s[3]!;
    const x = s[0]!;
    s[3] = s[2]!;
    s[2] = s[1]!;
    s[1] = x;
    t ^= t << 11;
    t ^= t >>> 8;
    s[0] = t ^ x ^ (x >>> 19);
    return s[0]! / 0x100000000;
  };
};

const pad = (n: number) => String(n).padStart(2, '0');

/** Delays in the spellings the upstream uses: `PT0S`, `PT45M`, `PT1H5M30S`, `P0DT0H5M0S`, `PT12.5S`. */
const formatDelay = (seconds: number, halves: boolean, style: number) => {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const sec = halves ? `${s}.5` : String(s);
  if (style < 0.1) return `P0DT${h}H${m}M${sec}S`;
  if (seconds === 0 && !halves) return 'PT0S';
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s || halves ? `${sec}S` : ''}`;
};

const DAY_START = 5 * 3600;
const DAY_SPAN = 19 * 3600;

/** The departures of a city-day, as JSON text in chunks of about `chunkBytes`. */
export function* departureChunks(
  options: Required<Pick<ReferenceServerOptions, 'seed' | 'recordsMin' | 'recordsMax'>>,
  cityId: number,
  date: string,
  chunkBytes = 64 * 1024,
): Generator<string> {
  const next = random(options.seed, String(cityId), date);
  const span = options.recordsMax - options.recordsMin + 1;
  const count = options.recordsMin + Math.floor(next() * span);
  let chunk = '[';
  for (let i = 0; i < count; i++) {
    const at = DAY_START + Math.floor(((i + next()) * DAY_SPAN) / count);
    const time = `${date}T${pad(Math.floor(at / 3600))}:${pad(Math.floor((at % 3600) / 60))}:${pad(at % 60)}`;
    const bus = `BUS-${100 + Math.floor(next() * 14)}`;
    const passengers = 5 + Math.floor(next() * 96);
    const delaySeconds = Math.floor(next() * 5400);
    const delay = formatDelay(delaySeconds, next() < 0.05, next());
    const accident = next() < 0.1;
    chunk += `${i ? ', ' : ''}{"departure-time": "${time}", "bus-type": "${bus}", "passengers": ${passengers}, "delay": "${delay}", "accident": ${accident}}`;
    if (chunk.length >= chunkBytes) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}]`;
}

const isRealDate = (date: string) =>
  /^\d{4}-\d\d-\d\d$/.test(date) && new Date(`${date}T00:00:00Z`).toISOString().startsWith(date);

const sendJson = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

// Writes chunk by chunk and waits for 'drain', so a response of hundreds of MB never sits in memory.
const streamDepartures = async (res: ServerResponse, chunks: Iterable<string>) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  for (const chunk of chunks) {
    if (res.destroyed) return;
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  res.end();
};

export const startReferenceServer = async (
  options: ReferenceServerOptions = {},
): Promise<ReferenceServer> => {
  const settings = {
    seed: options.seed ?? 'eye',
    recordsMin: options.recordsMin ?? 1000,
    recordsMax: Math.max(options.recordsMax ?? 3000, options.recordsMin ?? 1000),
  };
  const latencyMsMax = options.latencyMsMax ?? 4200;
  const failureRate = options.failureRate ?? 0;
  const failing = new Set(options.failingCities ?? []);
  const counts = { requests: 0, failures: 0 };
  const fail = (res: ServerResponse) => {
    counts.failures++;
    sendJson(res, 500, { error: 'upstream failure' });
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://ref');
    const stats = /^\/cities\/(\d+)\/stats$/.exec(url.pathname);
    const delay = Math.floor(Math.random() * latencyMsMax);
    counts.requests++;
    setTimeout(() => {
      if (req.method !== 'GET') return sendJson(res, 405, { error: 'method not allowed' });
      if (Math.random() < failureRate) return fail(res);
      if (url.pathname === '/cities') return sendJson(res, 200, CITIES);
      if (!stats) return sendJson(res, 404, { error: 'not found' });
      const cityId = Number(stats[1]);
      const date = url.searchParams.get('date') ?? '';
      if (!CITIES.some((c) => c.id === cityId)) return sendJson(res, 404, { error: 'unknown city' });
      if (!isRealDate(date)) return sendJson(res, 400, { error: 'date must be YYYY-MM-DD' });
      if (failing.has(cityId)) return fail(res);
      streamDepartures(res, departureChunks(settings, cityId, date)).catch(() => res.destroy());
    }, delay);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

const numberEnv = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);

/** Options from REF_* env (API.md), shared by `npm run ref-server` and the local stack. */
export const referenceOptionsFromEnv = (): ReferenceServerOptions => ({
  port: numberEnv('REF_PORT'),
  seed: process.env.REF_SEED,
  recordsMin: numberEnv('REF_RECORDS_MIN'),
  recordsMax: numberEnv('REF_RECORDS_MAX'),
  latencyMsMax: numberEnv('REF_LATENCY_MS_MAX'),
  failureRate: numberEnv('REF_FAILURE_RATE'),
  failingCities: process.env.REF_FAILING_CITIES?.split(',').filter(Boolean).map(Number),
});

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const fromEnv = referenceOptionsFromEnv();
  const server = await startReferenceServer({ ...fromEnv, port: fromEnv.port ?? 8080 });
  console.log(`Reference bus server at ${server.url} (GET /cities, GET /cities/{id}/stats?date=YYYY-MM-DD)`);
  const stop = async () => {
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
