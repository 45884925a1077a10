import { createApp, startTestStack, type TestStack } from '../test/integration/harness.ts';
import { jsonClient, paced, percentile } from './load.ts';
import type { BenchOutcome } from './run.ts';

// `npm run bench -- locations`, on a fresh local stack (authorizer key cache 60 s, as deployed):
// 1. burst: LOCATIONS_BENCH_N PUT /location (default 20000) with LOCATIONS_BENCH_IN_FLIGHT (32) in
//    flight, as fast as the stack answers: the throughput;
// 2. steady: LOCATIONS_BENCH_RATE PUT/s (1000) for LOCATIONS_BENCH_STEADY_S seconds (15), sent on
//    schedule whatever the answers (many phones): the latency a phone sees at the target rate;
// 3. the lag from the last answered PUT until the averages include the last ping, and a check that
//    every minute's count adds up (nothing lost, nothing counted twice).

const TOTAL = Number(process.env.LOCATIONS_BENCH_N ?? 20_000);
const IN_FLIGHT = Number(process.env.LOCATIONS_BENCH_IN_FLIGHT ?? 32);
const RATE = Number(process.env.LOCATIONS_BENCH_RATE ?? 1000);
const STEADY_SECONDS = Number(process.env.LOCATIONS_BENCH_STEADY_S ?? 15);
const USERS = 200;
const START = Date.UTC(2021, 5, 1, 12, 0, 0);

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

const averagedPoints = async (stack: TestStack, token: string) => {
  let total = 0;
  for (let u = 0; u < USERS; u++) {
    let cursor = '';
    do {
      const res = await stack.request(
        'GET',
        `/users/bench-user-${u}/location-averages?limit=1000${cursor && `&cursor=${cursor}`}`,
        { token },
      );
      for (const item of res.body.items as { count: number }[]) total += item.count;
      cursor = res.body.next_cursor ?? '';
    } while (cursor);
  }
  return total;
};

const waitForAverages = async (stack: TestStack, token: string, stored: number) => {
  let averaged = 0;
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    averaged = await averagedPoints(stack, token);
    if (averaged === stored) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return averaged;
};

export const run = async (): Promise<BenchOutcome> => {
  const stack = await startTestStack({ AUTH_CACHE_TTL_SECONDS: '60' });
  try {
    const { apiKey } = await createApp(stack, ['locations'], 'bench-phones');
    const client = jsonClient(stack.url, { authorization: `Bearer ${apiKey}` });
    const outcomes: Record<string, number> = {};
    const put = async (body: unknown, latencies: number[]) => {
      const res = await client.send('PUT', '/location', body);
      latencies.push(res.ms);
      const status = res.status === 200 ? (res.body as { status: string }).status : `http ${res.status}`;
      outcomes[status] = (outcomes[status] ?? 0) + 1;
    };

    // Warm the handlers (module load, geo-tz data) outside the measurement.
    await client.send('PUT', '/location', { ...ping(0), user_id: 'bench-warm-up' });

    const burst: number[] = [];
    let next = 0;
    const burstStarted = performance.now();
    const worker = async () => {
      while (next < TOTAL) {
        const i = next++;
        await put(ping(i), burst);
        if (i % 1000 === 999) process.stderr.write(`\r  burst: ${i + 1}/${TOTAL}`);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const burstMs = performance.now() - burstStarted;
    process.stderr.write(`\r  burst: ${TOTAL} in ${(burstMs / 1000).toFixed(2)} s; averaging…\n`);
    const burstAveraged = await waitForAverages(stack, apiKey, outcomes.stored ?? 0);

    const steady: number[] = [];
    const steadyCount = RATE * STEADY_SECONDS;
    process.stderr.write(`  steady: ${RATE} PUT/s for ${STEADY_SECONDS} s…\n`);
    const steadyMs = await paced(steadyCount, RATE, (i) => put(ping(TOTAL + i), steady));

    // The last ping: a fresh minute of its own, sent after all the others.
    const last = { ...ping(0), timestamp: new Date(START - 3_600_000).toISOString(), user_id: 'bench-last' };
    await client.send('PUT', '/location', last);
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
    const averaged = await waitForAverages(stack, apiKey, stored);
    client.close();

    burst.sort((a, b) => a - b);
    steady.sort((a, b) => a - b);
    const metrics = {
      puts: TOTAL + steadyCount,
      burst_in_flight: IN_FLIGHT,
      burst_puts_per_s: Math.round((TOTAL / burstMs) * 1000),
      burst_p50_ms: Number(percentile(burst, 0.5).toFixed(1)),
      burst_p99_ms: Number(percentile(burst, 0.99).toFixed(1)),
      burst_points_averaged: burstAveraged,
      steady_target_per_s: RATE,
      steady_puts_per_s: Math.round((steadyCount / steadyMs) * 1000),
      steady_p50_ms: Number(percentile(steady, 0.5).toFixed(1)),
      steady_p99_ms: Number(percentile(steady, 0.99).toFixed(1)),
      stored,
      duplicates: outcomes.duplicate ?? 0,
      errors: TOTAL + steadyCount - stored - (outcomes.duplicate ?? 0),
      last_ping_averaged_after_ms: Number(lagMs.toFixed(0)),
      points_in_averages: averaged,
    };
    return {
      metrics,
      ratios: {},
      table: Object.entries(metrics).map(([metric, value]) => ({ metric, value })),
      notes: [
        `${USERS} users, every 50th PUT a repeat. Burst: ${TOTAL} PUTs, ${IN_FLIGHT} in flight; steady: ` +
          `${RATE}/s for ${STEADY_SECONDS} s, sent on schedule. Target ≥ 1000 PUT/s with p99 < 50 ms, the ` +
          'last ping averaged < 2000 ms after its answer, and points_in_averages = stored.',
      ],
    };
  } finally {
    await stack.stop();
  }
};
