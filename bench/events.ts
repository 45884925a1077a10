import { EyeClient, type EyeEvent } from '../client/index.ts';
import { mapBounded } from '../shared/core/concurrency.ts';
import { BUILTIN_JSON_SCHEMAS, builtinValidator, compileSchema } from '../shared/events/types.ts';
import { createApp, startTestStack } from '../test/integration/harness.ts';
import { percentile } from './load.ts';
import type { BenchOutcome } from './run.ts';

// Amazon DynamoDB Local stores a few hundred conditional writes a second (dynalite stored ~900), so a
// backlog of tens of thousands of events takes minutes to drain locally; deployed it takes seconds.
const DRAIN_DEADLINE_MS = 600_000;

// Drives a fresh local stack with the client: how fast POST /events accepts, how long until all of
// it is queryable, and that nothing was lost or stored twice. EVENTS_BENCH_N sets the event count.

const TOTAL = Number(process.env.EVENTS_BENCH_N ?? 30_000);
const SESSIONS = 300;
const PER_SESSION = Math.ceil(TOTAL / SESSIONS);
const STEADY_SECONDS = Number(process.env.EVENTS_BENCH_STEADY_S ?? 15);
// Events per variant when the consumer's two validation paths are compared end to end.
const TYPES_N = Number(process.env.EVENTS_BENCH_TYPES_N ?? 6000);
const VALIDATE_N = 200_000;

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

/** CPU per event of each validation path, in this process: the built-ins' zod schemas and the same as JSON Schema (Ajv). */
const validationRates = () => {
  const events = Array.from({ length: 1000 }, (_, i) => makeEvent(i) as unknown as Record<string, unknown>);
  const rate = (validate: (e: Record<string, unknown>) => unknown[]) => {
    let best = 0;
    for (let round = 0; round < 5; round++) {
      const started = performance.now();
      for (let i = 0; i < VALIDATE_N; i++) {
        const event = events[i % events.length]!;
        if (validate(event).length > 0) throw new Error('a bench event failed validation');
      }
      best = Math.max(best, VALIDATE_N / ((performance.now() - started) / 1000));
    }
    return Math.round(best);
  };
  const byType = (make: (category: string, name: string) => (e: Record<string, unknown>) => unknown[]) => {
    const cache = new Map<string, (e: Record<string, unknown>) => unknown[]>();
    return (e: Record<string, unknown>) => {
      const key = `${e.category}\u0000${e.name}`;
      let validate = cache.get(key);
      if (!validate) {
        validate = make(e.category as string, e.name as string);
        cache.set(key, validate);
      }
      return validate(e);
    };
  };
  return {
    zod: rate(byType((c, n) => builtinValidator(c, n)!)),
    jsonSchema: rate(byType((c, n) => compileSchema(BUILTIN_JSON_SCHEMAS[c]![n]))),
  };
};

/** Sends `n` events as one application and returns how many per second were stored, from the first send to the last stored. */
const drainRate = async (
  stack: Awaited<ReturnType<typeof startTestStack>>,
  apiKey: string,
  n: number,
  round: number,
) => {
  // Fresh ids and sessions each round: repeated ids would be duplicates, stored at once.
  const session = (s: number) => `drain-${round}-${s}`;
  const client = new EyeClient({ baseUrl: stack.url, apiKey, maxBatchEvents: 100, maxInFlight: 4 });
  const started = performance.now();
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++)
    sends.push(client.send({ ...makeEvent(i), session_id: session(i % 10), id: `drain-${round}-${i}` }));
  await client.close();
  await Promise.all(sends);
  const count = async () => {
    let total = 0;
    for (let s = 0; s < 10; s++) {
      let cursor: string | null = null;
      do {
        const page: { body: { items: unknown[]; next_cursor: string | null } } = await stack.request(
          'GET',
          `/events?session_id=${session(s)}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          { token: apiKey },
        );
        total += page.body.items.length;
        cursor = page.body.next_cursor;
      } while (cursor);
    }
    return total;
  };
  const deadline = Date.now() + DRAIN_DEADLINE_MS;
  while ((await count()) < n) {
    if (Date.now() > deadline) throw new Error(`events not stored within ${DRAIN_DEADLINE_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return Math.round(n / ((performance.now() - started) / 1000));
};

/** The consumer end to end: the built-ins (zod) against the same three registered by an application as JSON Schemas. */
const typesComparison = async (stack: Awaited<ReturnType<typeof startTestStack>>) => {
  const zodApp = await createApp(stack, ['events'], 'bench-zod');
  const schemaApp = await createApp(stack, ['events'], 'bench-json-schema');
  for (const [category, names] of Object.entries(BUILTIN_JSON_SCHEMAS)) {
    for (const [name, schema] of Object.entries(names)) {
      const res = await stack.request('POST', '/event-types', {
        token: schemaApp.apiKey,
        body: { category, name, schema },
      });
      if (res.status !== 201) throw new Error(`could not register ${category}/${name}: ${res.text}`);
    }
  }
  process.stderr.write(`  consumer: ${TYPES_N} events per validation path…\n`);
  // Interleaved, twice each, best kept: the cores are shared.
  const zod: number[] = [];
  const jsonSchema: number[] = [];
  for (let round = 0; round < 2; round++) {
    zod.push(await drainRate(stack, zodApp.apiKey, TYPES_N, round));
    jsonSchema.push(await drainRate(stack, schemaApp.apiKey, TYPES_N, round));
  }
  return { zod: Math.max(...zod), jsonSchema: Math.max(...jsonSchema) };
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
        const page: {
          status: number;
          text: string;
          body: { items: { id: string }[]; next_cursor: string | null };
        } = await stack.request(
          'GET',
          `/events?session_id=bench-session-${s}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          { token: app.apiKey },
        );
        if (page.status !== 200) throw new Error(`GET /events answered ${page.status}: ${page.text}`);
        ids.push(...page.body.items.map((e) => e.id));
        cursor = page.body.next_cursor;
      } while (cursor);
      return ids;
    };
    let stored: string[] = [];
    const deadline = Date.now() + DRAIN_DEADLINE_MS;
    for (;;) {
      // Poll the last session first: cheap, and it fills last.
      if (
        (await countSession(SESSIONS - 1)).length >=
        Math.floor((TOTAL - 1 - (SESSIONS - 1)) / SESSIONS) + 1
      ) {
        // A few sessions at a time: 300 queries at once outlast the API's 30 s limit on a busy machine.
        stored = (
          await mapBounded(
            Array.from({ length: SESSIONS }, (_, s) => s),
            8,
            countSession,
          )
        ).flat();
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
    const consumer = await typesComparison(stack);
    const validation = validationRates();
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
      consumer_zod_events_per_s: consumer.zod,
      consumer_json_schema_events_per_s: consumer.jsonSchema,
      validate_zod_events_per_s: validation.zod,
      validate_json_schema_events_per_s: validation.jsonSchema,
    };
    return {
      metrics,
      // Time per event of the JSON Schema path over the zod path's (< 1: JSON Schema is faster).
      ratios: {
        consumer_json_schema_vs_zod: Number((consumer.zod / consumer.jsonSchema).toFixed(3)),
        validate_json_schema_vs_zod: Number((validation.zod / validation.jsonSchema).toFixed(3)),
      },
      table: Object.entries(metrics).map(([metric, value]) => ({ metric, value })),
      notes: [
        `${TOTAL} events in batches of 100 (4 requests in flight) against a fresh local stack ` +
          '(authorizer key cache 60 s, as deployed), as fast as ' +
          `it accepts (post_*: the stack saturated by its own consumer); then ${STEADY_SECONDS} s paced at ` +
          '2,000 events/s on the drained stack (steady_*). Target ≥ 2000 events/s accepted, p99 < 50 ms, ' +
          `0 lost, 0 duplicates (${PER_SESSION} per session).`,
        `consumer_*: ${TYPES_N} events sent and stored end to end by one application judged by the built-in ` +
          'types (zod) and by another that registered the same three as JSON Schemas (Ajv, compiled once per ' +
          'version), interleaved, best of 2. validate_*: the validation alone in this process, ' +
          `${VALIDATE_N} events, best of 5.`,
      ],
    };
  } finally {
    await stack.stop();
  }
};
