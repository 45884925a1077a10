import { describe, expect, test } from '@jest/globals';
import { mergeShards, type Position, type ReadShard } from '../../../shared/advisors/sharded-page.ts';

/** Shards held in memory, read the way a Query with Limit reads them; counts what was read. */
const shardsOf = (shards: string[][]) => {
  const sorted = shards.map((s) => [...s].sort());
  const reads = { calls: 0, items: 0 };
  const read: ReadShard<string> = async (shard, limit, start) => {
    const from = (start?.at as number | undefined) ?? 0;
    const items = sorted[shard]!.slice(from, from + limit);
    reads.calls++;
    reads.items += items.length;
    const next: Position | undefined =
      from + limit < sorted[shard]!.length || items.length === limit
        ? { at: from + items.length }
        : undefined;
    return { items, next };
  };
  return { read, reads };
};

const names = (n: number) => Array.from({ length: n }, (_, i) => `name${String(i).padStart(5, '0')}`);
/** Deals names over shards the way a hash would: unevenly, but deterministically. */
const deal = (all: string[], shards: number) => {
  const out: string[][] = Array.from({ length: shards }, () => []);
  all.forEach((name, i) => {
    out[(i * 7 + (i >> 3)) % shards]!.push(name);
  });
  return out;
};
const identity = (s: string) => s;

describe('a page merged from shards', () => {
  test('holds the first items of every shard together, in order', async () => {
    const all = names(50);
    const { read } = shardsOf(deal(all, 4));
    const page = await mergeShards(4, 20, identity, read);
    expect(page.items).toEqual(all.slice(0, 20));
    expect(page.more).toBe(true);
  });

  test('ends with nothing more once every shard is read to its end', async () => {
    const all = names(9);
    const { read } = shardsOf(deal(all, 4));
    expect(await mergeShards(4, 20, identity, read)).toEqual({ items: all, more: false });
  });

  test('orders by UTF-8 bytes, as DynamoDB orders sort keys', async () => {
    // U+FF5E sorts below U+1F600 in UTF-8 but above it in UTF-16 units.
    const { read } = shardsOf([['\u{1F600}'], ['\uFF5E']]);
    expect((await mergeShards(2, 2, identity, read)).items).toEqual(['\uFF5E', '\u{1F600}']);
  });

  test('reads about one page from the shards whether 100 or 100,000 items lie behind them', async () => {
    const small = shardsOf(deal(names(100), 8));
    const large = shardsOf(deal(names(100_000), 8));
    await mergeShards(8, 50, identity, small.read);
    await mergeShards(8, 50, identity, large.read);
    expect(large.reads.items).toBeLessThanOrEqual(50 + 8 * 3);
    expect(large.reads.calls).toBeLessThanOrEqual(8 * 3);
  });

  test('a shard far fuller than the others is read further until the page is whole', async () => {
    const all = names(40);
    const { read } = shardsOf([all.slice(0, 37), all.slice(37, 38), all.slice(38, 39), all.slice(39)]);
    expect((await mergeShards(4, 30, identity, read)).items).toEqual(all.slice(0, 30));
  });
});
