import { describe, expect, test } from '@jest/globals';
import { isTransient, UpstreamError } from '../../../shared/bus/upstream.ts';
import { withRetries } from '../../../shared/core/retry.ts';

const policy = { attempts: 4, baseMs: 1, capMs: 3 };

describe('upstream retries', () => {
  test('transient upstream failures are retried until one attempt succeeds', async () => {
    let calls = 0;
    const result = await withRetries(
      policy,
      async () => {
        calls++;
        if (calls < 4) throw new UpstreamError('boom', 503);
        return 'ok';
      },
      isTransient,
    );
    expect(result).toBe('ok');
    expect(calls).toBe(4);
  });

  test('gives up after the last attempt and does not retry a 404', async () => {
    let calls = 0;
    const fail = (status: number) => () => {
      calls++;
      return Promise.reject(new UpstreamError('no', status));
    };
    await expect(withRetries(policy, fail(500), isTransient)).rejects.toThrow('no');
    expect(calls).toBe(4);
    calls = 0;
    await expect(withRetries(policy, fail(404), isTransient)).rejects.toThrow('no');
    expect(calls).toBe(1);
  });

  test('timeouts, resets and 429 are transient; client errors and bad data are not', () => {
    expect(isTransient(Object.assign(new Error('t'), { name: 'TimeoutError' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('r'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransient(new UpstreamError('busy', 429))).toBe(true);
    expect(isTransient(new UpstreamError('bad', 400))).toBe(false);
    expect(isTransient(new Error('invalid departures'))).toBe(false);
  });
});
