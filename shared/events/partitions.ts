import { queryAll } from '../core/dynamo.ts';
import { table } from './record-keys.ts';

// Reading the listings' GSI partitions: a key range of one partition (past filtered pages), or of
// several with the same key order merged into one page.

export interface KeyRange {
  /** Inclusive lower bound. */
  gte?: string;
  /** Exclusive lower bound (a cursor position when reading forward). */
  gt?: string;
  /** Exclusive upper bound. */
  lt?: string;
}

export interface Partition {
  index: 'gsi1' | 'gsi2' | 'gsi3';
  pk: string;
  filter?: Record<string, string>;
}

// DynamoDB has one range condition per query; BETWEEN is inclusive, so the exclusive ends are
// dropped afterwards (an `lt` from a `to` bound never equals a key: keys carry a `#…` suffix).
const keyCondition = (sk: string, range: KeyRange) => {
  const lower = range.gt ?? range.gte;
  if (lower !== undefined && range.lt !== undefined) {
    return { expression: `${sk} BETWEEN :lo AND :hi`, values: { ':lo': lower, ':hi': range.lt } };
  }
  if (lower !== undefined) {
    return { expression: `${sk} ${range.gt !== undefined ? '>' : '>='} :lo`, values: { ':lo': lower } };
  }
  if (range.lt !== undefined) return { expression: `${sk} < :hi`, values: { ':hi': range.lt } };
  return { expression: undefined, values: {} };
};

/** Up to `want` items of one partition within the range, in key order, reading past filtered pages. */
export const collect = async (
  partition: Partition,
  range: KeyRange,
  forward: boolean,
  want: number,
): Promise<Record<string, unknown>[]> => {
  const sk = `${partition.index}sk`;
  const pkName = `${partition.index}pk`;
  const condition = keyCondition(sk, range);
  const filterEntries = Object.entries(partition.filter ?? {});
  const names: Record<string, string> = Object.fromEntries(
    filterEntries.map(([field], i) => [`#f${i}`, field]),
  );
  const filterValues = Object.fromEntries(filterEntries.map(([, value], i) => [`:f${i}`, value]));
  return queryAll(
    {
      TableName: table(),
      IndexName: partition.index,
      KeyConditionExpression: `${pkName} = :pk${condition.expression ? ` AND ${condition.expression}` : ''}`,
      FilterExpression: filterEntries.length
        ? filterEntries.map((_, i) => `#f${i} = :f${i}`).join(' AND ')
        : undefined,
      ExpressionAttributeNames: filterEntries.length ? names : undefined,
      ExpressionAttributeValues: { ':pk': partition.pk, ...condition.values, ...filterValues },
      ScanIndexForward: forward,
      Limit: Math.max(want, 25),
    },
    // The bounds of an exclusive range (a cursor's own item) are read by BETWEEN and dropped here.
    { want, keep: (item) => item[sk] !== range.gt && item[sk] !== range.lt },
  );
};

/** Reads several partitions of the same key order as one list (a category spans its types). */
export const mergedPage = async (
  partitions: Partition[],
  range: KeyRange,
  forward: boolean,
  limit: number,
): Promise<{ items: Record<string, unknown>[]; last: string | undefined }> => {
  const parts = await Promise.all(partitions.map((p) => collect(p, range, forward, limit + 1)));
  const sortKey = (item: Record<string, unknown>) => item[`${partitions[0]?.index}sk`] as string;
  const merged = parts.flat().sort((a, b) => {
    const order = sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0;
    return forward ? order : -order;
  });
  const items = merged.slice(0, limit);
  const lastItem = items[items.length - 1];
  return { items, last: merged.length > limit && lastItem ? sortKey(lastItem) : undefined };
};
