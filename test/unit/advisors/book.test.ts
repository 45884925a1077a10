import { describe, expect, test } from '@jest/globals';
import { type ClientUpdate, updateBatches } from '../../../shared/advisors/book.ts';

const update = (
  id: string,
  was: { advisor_id?: string; total_cents: number },
  total: number,
): ClientUpdate => ({
  record: { id, first_name: 'F', last_name: id, accounts: [], total_cents: total, name_key: id },
  was,
});

describe('content updates packed into transactions', () => {
  test('a book gains the sum of its clients’ changes, once per transaction', () => {
    const batches = updateBatches([
      update('a', { advisor_id: 'adv_1', total_cents: 100 }, 150),
      update('b', { advisor_id: 'adv_1', total_cents: 10 }, 0),
      update('c', { total_cents: 5 }, 7),
      update('d', { advisor_id: 'adv_2', total_cents: 3 }, 3),
    ]);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.updates.map((u) => u.record.id).sort()).toEqual(['a', 'b', 'c', 'd']);
    // adv_1: +50 - 10; adv_2 unchanged; c has no advisor
    expect(batches[0]!.books).toEqual([{ advisorId: 'adv_1', cents: 40 }]);
  });

  test('no transaction holds more than 100 actions, books included', () => {
    const updates = Array.from({ length: 250 }, (_, i) =>
      update(`c${i}`, { advisor_id: `adv_${i % 3}`, total_cents: 0 }, 1),
    );
    const batches = updateBatches(updates);
    for (const batch of batches) expect(batch.updates.length + batch.books.length).toBeLessThanOrEqual(100);
    expect(batches.flatMap((b) => b.updates)).toHaveLength(250);
    const gained = new Map<string, number>();
    for (const { advisorId, cents } of batches.flatMap((b) => b.books)) {
      gained.set(advisorId, (gained.get(advisorId) ?? 0) + cents);
    }
    // 250 clients dealt over 3 advisors: 84, 83, 83
    expect(Object.fromEntries(gained)).toEqual({ adv_0: 84, adv_1: 83, adv_2: 83 });
  });
});
