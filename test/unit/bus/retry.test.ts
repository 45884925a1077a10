import { describe, expect, test } from '@jest/globals';
import { backoffMs, isTransient, UpstreamError, withRetries } from '../../../shared/bus/retry.ts';

const policy = { attempts: 4, baseMs: 100, capMs: 300 };

describe('withRetries', () => {
  test('retries transient failures with growing, capped waits until one attempt succeeds', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withRetries(
      policy,
      async () => {
        calls++;
        if (calls < 4) throw new UpstreamError('boom', 503);
        return 'ok';
      },
      async (ms) => {
        waits.push(ms);
      },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(4);
    expect(waits).toHaveLength(3);
    expect(waits.every((w, i) => w <= [100, 200, 300][i]!)).toBe(true);
  });

  test('gives up after the last attempt and does not retry a 404', async () => {
    let calls = 0;
    const fail = (status: number) => () => {
      calls++;
      return Promise.reject(new UpstreamError('no', status));
    };
    await expect(withRetries(policy, fail(500), async () => {})).rejects.toThrow('no');
    expect(calls).toBe(4);
    calls = 0;
    await expect(withRetries(policy, fail(404), async () => {})).rejects.toThrow('no');
    expect(calls).toBe(1);
  });

  test('timeouts, resets and 429 are transient; client errors and bad data are not', () => {
    expect(isTransient(Object.assign(new Error('t'), { name: 'TimeoutError' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('r'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransient(new UpstreamError('busy', 429))).toBe(true);
    expect(isTransient(new UpstreamError('bad', 400))).toBe(false);
    expect(isTransient(new Error('invalid departures'))).toBe(false);
  });

  test('the full-jitter wait spans zero to the capped exponential bound', () => {
    expect(backoffMs(policy, 1, () => 0.999)).toBe(99);
    expect(backoffMs(policy, 3, () => 0.5)).toBe(150);
    expect(backoffMs(policy, 10, () => 0.999)).toBe(299);
    expect(backoffMs(policy, 2, () => 0)).toBe(0);
  });
});
