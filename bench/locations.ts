import { createApp, startTestStack, type TestStack } from '../test/integration/harness.ts';
import type { BenchOutcome } from './run.ts';

// `npm run bench -- locations`: PUT /location against a fresh local stack (authorizer key cache 60 s,
// as deployed) with a fixed number of requests in flight (like many phones at once), then the lag
// from the last answered PUT until the averages include the last ping, and a check that every
// minute's count adds up (nothing lost, nothing twice).
// LOCATIONS_BENCH_N (default 20000) and LOCATIONS_BENCH_IN_FLIGHT (default 32) scale it.

const TOTAL = Number(process.env.LOCATIONS_BENCH_N ?? 20_000);
const IN_FLIGHT = Number(process.env.LOCATIONS_BENCH_IN_FLIGHT ?? 32);
const USERS = 200;
const START = Date.UTC(2021, 5, 1, 12, 0, 0);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

// Ping i: user i % USERS, one ping per user per second (so minutes fill up across users), a repeat of
// an earlier ping every 50th request to exercise the duplicate path.
const ping = (i: number) => {
  const n = i % 50 === 49 && i >= 101 ? i - 101 : i;
  const user = n % USERS;
  const second = Math.floor(n / USERS);
  return {
    timestamp: new Date(START + second * 1000 + user).toISOString(),
    lat: 40 + user / 1000,
    long: -74 + second / 10_000,
    accuracy: 5 + (n % 7),
    speed: n % 5 === 0 ? null : n % 3,
    user_id: `bench-user-${user}`,
  };
};

const totalCount = async (stack: TestStack, token: string, user: number) => {
  const res = await stack.request('GET', `/users/bench-user-${user}/location-averages?limit=1000`, { token });
  return (res.body.items as { count: number }[]).reduce((sum, item) => sum + item.count, 0);
};

export const run = async (): Promise<BenchOutcome> => {
  // The authorizer caches key look-ups as deployed (60 s); locally the default is 0, for at-once revocation.
  const stack = await startTestStack({ AUTH_CACHE_TTL_SECONDS: '60' });
  try {
    const { apiKey } = await createApp(stack, ['locations'], 'bench-phones');
    const send = async (body: unknown) => {
      const t = performance.now();
      const res = await fetch(`${stack.url}/location`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as { status?: string };
      return { ms: performance.now() - t, status: res.status === 200 ? json.status : `http ${res.status}` };
    };

    // Warm the handlers (module load, geo-tz data) outside the measurement.
    await send({ ...ping(0), user_id: 'bench-warm-up' });

    const latencies: number[] = [];
    const outcomes: Record<string, number> = {};
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < TOTAL) {
        const i = next++;
        const { ms, status } = await send(ping(i));
        latencies.push(ms);
        outcomes[status ?? 'unknown'] = (outcomes[status ?? 'unknown'] ?? 0) + 1;
        if (i % 1000 === 999) process.stderr.write(`\r  sent ${i + 1}/${TOTAL}`);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const sentMs = performance.now() - started;
    process.stderr.write(`\r  sent ${TOTAL} in ${(sentMs / 1000).toFixed(2)} s; waiting for the averages…\n`);

    // The last ping: a fresh minute of its own, sent after all the others.
    const last = { ...ping(0), timestamp: new Date(START - 3_600_000).toISOString(), user_id: 'bench-last' };
    await send(last);
    const lastAnswered = performance.now();
    let lagMs = Number.NaN;
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      const res = await stack.request('GET', '/users/bench-last/location-averages', { token: apiKey });
      if (res.body.items.length === 1) {
        lagMs = performance.now() - lastAnswered;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }

    const stored = outcomes.stored ?? 0;
    let averaged = 0;
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      averaged = 0;
      for (let u = 0; u < USERS; u++) averaged += await totalCount(stack, apiKey, u);
      if (averaged === stored) break;
    }

    latencies.sort((a, b) => a - b);
    const metrics = {
      puts: TOTAL,
      in_flight: IN_FLIGHT,
      puts_per_s: Math.round((TOTAL / sentMs) * 1000),
      put_p50_ms: Number(percentile(latencies, 0.5).toFixed(1)),
      put_p99_ms: Number(percentile(latencies, 0.99).toFixed(1)),
      stored,
      duplicates: outcomes.duplicate ?? 0,
      errors: TOTAL - stored - (outcomes.duplicate ?? 0),
      last_ping_averaged_after_ms: Number(lagMs.toFixed(0)),
      points_in_averages: averaged,
    };
    return {
      metrics,
      ratios: {},
      table: Object.entries(metrics).map(([metric, value]) => ({ metric, value })),
      notes: [
        `${TOTAL} PUT /location with an application key, ${IN_FLIGHT} in flight, ${USERS} users, every 50th a ` +
          'repeat; target ≥ 1000 PUT/s, p99 < 50 ms, the last ping averaged < 2000 ms after its answer, ' +
          'and points_in_averages = stored.',
      ],
    };
  } finally {
    await stack.stop();
  }
};
