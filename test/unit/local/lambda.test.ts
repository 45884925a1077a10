import { join } from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import { type FunctionConfig, InvocationError, LambdaFunction } from '../../../local/lambda.ts';

// The local Lambda runtime: each function in environments of its own (worker threads), as isolated,
// timed and discarded as Lambda's sandboxes are.
const PROBE = join(import.meta.dirname, '..', '..', 'fixtures', 'handlers', 'probe.ts');
const started: LambdaFunction[] = [];
const lambda = (overrides: Partial<FunctionConfig> = {}) => {
  const fn = new LambdaFunction({
    name: 'probe',
    file: PROBE,
    env: { PROBE_ONLY: 'mine' },
    timeoutSeconds: 5,
    memoryMb: 256,
    maxContainers: 2,
    ...overrides,
  });
  started.push(fn);
  return fn;
};
type Probe = {
  invocations: number;
  remainingMs: number;
  env: Record<string, string | null>;
  globalMark: string | null;
};

afterEach(async () => {
  await Promise.all(started.splice(0).map((fn) => fn.stop()));
});

describe('a local Lambda function', () => {
  test('sees only its own environment, not the runtime process env nor another function’s', async () => {
    process.env.RUNTIME_SECRET = 'not-for-functions';
    const a = lambda({ env: { ONLY_A: 'a' } });
    const b = lambda({ env: { ONLY_B: 'b' } });
    const names = ['ONLY_A', 'ONLY_B', 'RUNTIME_SECRET'];
    expect(((await a.invoke({ env: names })) as Probe).env).toEqual({
      ONLY_A: 'a',
      ONLY_B: null,
      RUNTIME_SECRET: null,
    });
    expect(((await b.invoke({ env: names })) as Probe).env).toEqual({
      ONLY_A: null,
      ONLY_B: 'b',
      RUNTIME_SECRET: null,
    });
  });

  test('an init past Lambda’s init bound goes on, and its overrun comes out of the first invocation', async () => {
    const fn = lambda({ initTimeoutMs: 200, timeoutSeconds: 2, env: { PROBE_INIT_DELAY_MS: '900' } });
    const first = (await fn.invoke({})) as Probe;
    expect(first.remainingMs).toBeLessThanOrEqual(2000 - 600);
    expect(((await fn.invoke({})) as Probe).remainingMs).toBeGreaterThan(1500);
  });

  test('an init that outlasts the bound and the function timeout together fails the invocation', async () => {
    const fn = lambda({ initTimeoutMs: 100, timeoutSeconds: 1, env: { PROBE_INIT_DELAY_MS: '3000' } });
    await expect(fn.invoke({})).rejects.toThrow('init timed out after 1100 ms');
  });

  test('keeps module state across warm invocations, and never shares it with another function', async () => {
    const a = lambda();
    const b = lambda();
    await a.invoke({ mark: 'set-by-a' });
    const warm = (await a.invoke({})) as Probe;
    expect(warm).toMatchObject({ invocations: 2, globalMark: 'set-by-a' });
    expect(await b.invoke({})).toMatchObject({ invocations: 1, globalMark: null });
  });

  test('logs a cold start with its duration on the first invocation only', async () => {
    const lines: string[] = [];
    const fn = lambda({ log: (line) => lines.push(line) });
    await fn.invoke({});
    await fn.invoke({});
    expect(lines.filter((l) => /^probe: cold start \d+ ms$/.test(l))).toHaveLength(1);
  });

  test('runs concurrent invocations in separate environments, at most maxContainers of them', async () => {
    const fn = lambda({ maxContainers: 2 });
    const results = (await Promise.all([0, 1, 2].map(() => fn.invoke({ sleepMs: 200 })))) as Probe[];
    // Two environments served three invocations: one of them ran twice.
    expect(results.map((r) => r.invocations).sort()).toEqual([1, 1, 2]);
  });

  test('fails an invocation past its timeout as Lambda does, and starts a fresh environment after', async () => {
    const fn = lambda({ timeoutSeconds: 1 });
    await fn.invoke({ mark: 'before-timeout' });
    const started = Date.now();
    const failure = await fn.invoke({ sleepMs: 5_000 }).catch((err) => err);
    expect(failure).toBeInstanceOf(InvocationError);
    expect(failure).toMatchObject({ kind: 'timeout', message: 'Task timed out after 1.00 seconds' });
    expect(Date.now() - started).toBeLessThan(3_000);
    // The timed-out sandbox is gone: module state starts over.
    expect(await fn.invoke({})).toMatchObject({ invocations: 1, globalMark: null });
  });

  test('hands the deadline to the handler through the context', async () => {
    const fn = lambda({ timeoutSeconds: 3 });
    const { remainingMs } = (await fn.invoke({})) as Probe;
    expect(remainingMs).toBeGreaterThan(2_000);
    expect(remainingMs).toBeLessThanOrEqual(3_000);
  });

  test('reports a thrown handler error and keeps the environment warm', async () => {
    const fn = lambda();
    await expect(fn.invoke({ throw: 'boom' })).rejects.toMatchObject({ kind: 'handler', message: 'boom' });
    expect(await fn.invoke({})).toMatchObject({ invocations: 2 });
  });

  test('an environment that crashes fails its invocation and is replaced', async () => {
    const fn = lambda();
    await expect(fn.invoke({ crash: true })).rejects.toMatchObject({ kind: 'crash' });
    expect(await fn.invoke({})).toMatchObject({ invocations: 1 });
  });

  test('an invocation that needs more memory than the function has fails as a crash', async () => {
    const fn = lambda({ memoryMb: 64 });
    await expect(fn.invoke({ allocateMb: 400 })).rejects.toMatchObject({ kind: 'crash' });
  });

  test('a handler module that fails to load fails the invocation', async () => {
    const fn = lambda({ file: join(import.meta.dirname, 'no-such-handler.ts') });
    await expect(fn.invoke({})).rejects.toMatchObject({ kind: 'crash' });
  });
});
