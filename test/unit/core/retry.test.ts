import { describe, expect, jest, test } from '@jest/globals';
import { Unprocessed, untilNoneLeft, withRetries } from '../../../shared/core/retry.ts';

const fast = { attempts: 4, baseMs: 1, capMs: 4 };

describe('withRetries', () => {
  test('calls again until the attempt resolves, numbering the attempts', async () => {
    const seen: number[] = [];
    const result = await withRetries(fast, async (n) => {
      seen.push(n);
      if (n < 3) throw new Error('transient');
      return 'done';
    });
    expect(result).toBe('done');
    expect(seen).toEqual([1, 2, 3]);
  });

  test('gives up after the policy attempts with the last error', async () => {
    const attempt = jest.fn(async (n: number) => {
      throw new Error(`failure ${n}`);
    });
    await expect(withRetries(fast, attempt)).rejects.toThrow('failure 4');
    expect(attempt).toHaveBeenCalledTimes(4);
  });

  test('does not retry what the caller calls permanent', async () => {
    const attempt = jest.fn(async () => {
      throw new Error('permanent');
    });
    await expect(withRetries(fast, attempt, () => false)).rejects.toThrow('permanent');
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  test('waits at most the cap between attempts', async () => {
    const started = Date.now();
    await expect(
      withRetries({ attempts: 6, baseMs: 5, capMs: 10 }, async () => {
        throw new Error('x');
      }),
    ).rejects.toThrow('x');
    // Five waits of at most 10 ms each (timers may run a little late on a busy machine).
    expect(Date.now() - started).toBeLessThan(500);
  });
});

describe('untilNoneLeft', () => {
  test('sends the remainder again until nothing is left', async () => {
    const calls: number[][] = [];
    await untilNoneLeft(
      fast,
      [1, 2, 3, 4],
      async (pending) => {
        calls.push(pending);
        return pending.slice(1);
      },
      'items',
    );
    expect(calls).toEqual([[1, 2, 3, 4], [2, 3, 4], [3, 4], [4]]);
  });

  test('throws Unprocessed with what is left after the attempts', async () => {
    const error = await untilNoneLeft(fast, ['a', 'b'], async (pending) => pending, 'messages').catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(Unprocessed);
    expect(error.items).toEqual(['a', 'b']);
    expect(error.message).toBe('2 messages still unprocessed');
  });

  test('an error of the call itself is not retried', async () => {
    const send = jest.fn(async () => {
      throw new Error('AccessDenied');
    });
    await expect(untilNoneLeft(fast, [1], send, 'items')).rejects.toThrow('AccessDenied');
    expect(send).toHaveBeenCalledTimes(1);
  });

  test('nothing to send is no call', async () => {
    const send = jest.fn(async (pending: number[]) => pending);
    await untilNoneLeft(fast, [], send, 'items');
    expect(send).not.toHaveBeenCalled();
  });
});
