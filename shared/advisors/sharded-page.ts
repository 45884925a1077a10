// One page of a listing spread over shards, in sort key order: a lazy k-way merge. Each shard is read
// only as far as the page needs (about limit / shards items each, plus one to know its next key), so a
// page costs O(limit + shards) items whatever lies behind it.

/** A DynamoDB position to continue a shard's Query from. */
export type Position = Record<string, unknown>;

interface ShardRead<T> {
  items: T[];
  /** Where the shard's Query stopped; absent when the shard has nothing more. */
  next?: Position;
}

/** Reads up to `limit` items of `shard` in order, from `start` (its first item when absent). */
export type ReadShard<T> = (shard: number, limit: number, start?: Position) => Promise<ShardRead<T>>;

interface Source<T> {
  shard: number;
  items: T[];
  at: number;
  next?: Position;
  done: boolean;
}

// DynamoDB orders string sort keys by their UTF-8 bytes, which JavaScript's < does not do for every
// character (it compares UTF-16 units), so the merge compares bytes too.
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

export const mergeShards = async <T>(
  shards: number,
  limit: number,
  sortKey: (item: T) => string,
  read: ReadShard<T>,
): Promise<{ items: T[]; more: boolean }> => {
  const sources: Source<T>[] = Array.from({ length: shards }, (_, shard) => ({
    shard,
    items: [],
    at: 0,
    done: false,
  }));
  const page: T[] = [];
  const fill = async (source: Source<T>, count: number) => {
    const out = await read(source.shard, count, source.next);
    source.items = out.items;
    source.at = 0;
    source.next = out.next;
    source.done = out.next === undefined;
  };
  while (page.length < limit) {
    // A shard with nothing buffered may hold the next item: read it before choosing.
    const drained = sources.filter((s) => !s.done && s.at === s.items.length);
    if (drained.length > 0) {
      const count = Math.ceil((limit - page.length) / shards) + 1;
      await Promise.all(drained.map((s) => fill(s, count)));
      continue;
    }
    let first: Source<T> | undefined;
    for (const source of sources) {
      if (source.at === source.items.length) continue;
      if (!first || byteOrder(sortKey(source.items[source.at]!), sortKey(first.items[first.at]!)) < 0) {
        first = source;
      }
    }
    if (!first) break;
    page.push(first.items[first.at++]!);
  }
  return { items: page, more: sources.some((s) => !s.done || s.at < s.items.length) };
};
