import { EyeClient, type EyeEvent } from '../client/index.ts';
import { createApp, startTestStack } from '../test/integration/harness.ts';
import { percentile } from './load.ts';
import type { BenchOutcome } from './run.ts';

// Drives a fresh local stack with the client: how fast POST /events accepts, how long until all of
// it is queryable, and that nothing was lost or stored twice. EVENTS_BENCH_N sets the event count.

const TOTAL = Number(process.env.EVENTS_BENCH_N ?? 30_000);
const SESSIONS = 300;
const PER_SESSION = Math.ceil(TOTAL / SESSIONS);
const STEADY_SECONDS = Number(process.env.EVENTS_BENCH_STEADY_S ?? 15);

const makeEvent = (i: number): EyeEvent => {
  const s = i % SESSIONS;
  const second = Math.floor(i / SESSIONS);
  const time = new Date(Date.UTC(2021, 0, 1, 9, 0, 0) + second * 1000)
    .toISOString()
    .slice(0, 19)
    .replace('T', ' ');
  return {
    session_id: `bench-session-${s}`,
    category: 'page interaction',
    name: i % 3 === 0 ? 'cta click' : 'pageview',
    data:
      i % 3 === 0
        ? { host: 'bench.example', path: `/p/${i}`, element: 'buy' }
        : { host: 'bench.example', path: `/p/${i}` },
    timestamp: `${time}.${String(i % 1_000_000).padStart(6, '0')}`,
    id: `bench-${i}`,
  };
};

export const run = async (): Promise<BenchOutcome> => {
  // The authorizer caches key look-ups as deployed (60 s); locally the default is 0, for at-once revocation.
  const stack = await startTestStack({ AUTH_CACHE_TTL_SECONDS: '60' });
  try {
    const app = await createApp(stack, ['events'], 'bench');
    const latencies: number[] = [];
    const client = new EyeClient({
      baseUrl: stack.url,
      apiKey: app.apiKey,
      maxBatchEvents: 100,
      maxInFlight: 4,
      onResponse: ({ ms }) => latencies.push(ms),
    });
    const started = performance.now();
    const results: Promise<unknown>[] = [];
    for (let i = 0; i < TOTAL; i++) {
      results.push(client.send(makeEvent(i)));
      // Yield now and then so batches go out while events are being produced.
      if (i % 1000 === 999) {
        await new Promise((r) => setImmediate(r));
        process.stderr.write(`\r  sent ${i + 1}/${TOTAL}`);
      }
    }
    await client.close();
    const settled = await Promise.allSettled(results);
    const acceptedMs = performance.now() - started;
    const accepted = settled.filter(
      (r) => r.status === 'fulfilled' && (r.value as { status: string }).status === 'accepted',
    ).length;
    process.stderr.write(
      `\r  accepted ${accepted}/${TOTAL} in ${(acceptedMs / 1000).toFixed(2)} s; draining…\n`,
    );

    const countSession = async (s: number) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { id: string }[]; next_cursor: string | null } } = await stack.request(
          'GET',
          `/events?session_id=bench-session-${s}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          { token: app.apiKey },
        );
        ids.push(...page.body.items.map((e) => e.id));
        cursor = page.body.next_cursor;
      } while (cursor);
      return ids;
    };
    let stored: string[] = [];
    const deadline = Date.now() + 120_000;
    for (;;) {
      // Poll the last session first: cheap, and it fills last.
      if (
        (await countSession(SESSIONS - 1)).length >=
        Math.floor((TOTAL - 1 - (SESSIONS - 1)) / SESSIONS) + 1
      ) {
        stored = (await Promise.all(Array.from({ length: SESSIONS }, (_, s) => countSession(s)))).flat();
        if (stored.length >= TOTAL || Date.now() > deadline) break;
      }
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const queryableMs = performance.now() - started;

    // Steady state at the target rate on the drained stack: 2,000 events/s, paced, for STEADY_SECONDS,
    // while the consumer stores them — the latency a client sees when the stack is not saturated.
    const steadyLatencies: number[] = [];
    const steady = new EyeClient({
      baseUrl: stack.url,
      apiKey: app.apiKey,
      maxBatchEvents: 100,
      maxInFlight: 4,
      onResponse: ({ ms }) => steadyLatencies.push(ms),
    });
    const steadyStarted = performance.now();
    const steadyResults: Promise<unknown>[] = [];
    for (let tick = 0; tick < STEADY_SECONDS * 20; tick++) {
      for (let j = 0; j < 100; j++) {
        steadyResults.push(steady.send({ ...makeEvent(tick * 100 + j), id: `steady-${tick}-${j}` }));
      }
      await steady.flush();
      const due = steadyStarted + (tick + 1) * 50;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    }
    await steady.close();
    await Promise.allSettled(steadyResults);
    const steadySeconds = (performance.now() - steadyStarted) / 1000;
    steadyLatencies.sort((a, b) => a - b);
    const unique = new Set(stored);
    const lost = TOTAL - unique.size;
    const duplicates = stored.length - unique.size;
    latencies.sort((a, b) => a - b);
    const metrics = {
      events: TOTAL,
      accepted_events_per_s: Math.round((accepted / acceptedMs) * 1000),
      post_p50_ms: Number(percentile(latencies, 0.5).toFixed(1)),
      post_p99_ms: Number(percentile(latencies, 0.99).toFixed(1)),
      steady_events_per_s: Math.round((steadyResults.length / steadySeconds) * 10) / 10,
      steady_post_p50_ms: Number(percentile(steadyLatencies, 0.5).toFixed(1)),
      steady_post_p99_ms: Number(percentile(steadyLatencies, 0.99).toFixed(1)),
      all_queryable_after_s: Number((queryableMs / 1000).toFixed(2)),
      events_lost: lost,
      duplicates,
    };
    return {
      metrics,
      ratios: {},
      table: Object.entries(metrics).map(([metric, value]) => ({ metric, value })),
      notes: [
        `${TOTAL} events in batches of 100 (4 requests in flight) against a fresh local stack ` +
          '(authorizer key cache 60 s, as deployed), as fast as ' +
          `it accepts (post_*: the stack saturated by its own consumer); then ${STEADY_SECONDS} s paced at ` +
          '2,000 events/s on the drained stack (steady_*). Target ≥ 2000 events/s accepted, p99 < 50 ms, ' +
          `0 lost, 0 duplicates (${PER_SESSION} per session).`,
      ],
    };
  } finally {
    await stack.stop();
  }
};
