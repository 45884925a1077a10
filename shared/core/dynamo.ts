import {
  BatchGetCommand,
  DeleteCommand,
  type DeleteCommandInput,
  type NativeAttributeValue,
  PutCommand,
  paginateQuery,
  type QueryCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from './aws/dynamo.ts';
import { type RetryPolicy, untilNoneLeft } from './retry.ts';

type Item = Record<string, NativeAttributeValue>;

/** A conditional write lost: the item already exists / no longer matches. Expected, not a failure. */
export const isConditionFailure = (err: unknown): boolean =>
  (err as Error | undefined)?.name === 'ConditionalCheckFailedException';

/**
 * Each action's cancellation code, in order (`None` for an action that was fine), if `err` is a
 * cancelled transaction; undefined for any other error.
 */
export const cancellationCodes = (err: unknown): string[] | undefined => {
  const { name, CancellationReasons } = err as { name?: string; CancellationReasons?: { Code?: string }[] };
  return name === 'TransactionCanceledException'
    ? (CancellationReasons ?? []).map((reason) => reason.Code ?? 'None')
    : undefined;
};

/** Puts the item unless one with its key exists: true if it was written, false if it was already there. */
export const putIfAbsent = async (tableName: string, item: Item): Promise<boolean> => {
  try {
    await dynamo.send(
      new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
};

const existing = (condition: string | undefined) =>
  condition ? `attribute_exists(pk) AND (${condition})` : 'attribute_exists(pk)';

/**
 * Updates the item only if it exists (and meets the input's own condition): its attributes as
 * `ReturnValues` asks (`ALL_NEW` by default), undefined when there is no such item. A repository
 * returns that undefined; the use case turns it into its 404.
 */
export const updateIfExists = async (input: UpdateCommandInput): Promise<Item | undefined> => {
  try {
    const out = await dynamo.send(
      new UpdateCommand({
        ReturnValues: 'ALL_NEW',
        ...input,
        ConditionExpression: existing(input.ConditionExpression),
      }),
    );
    return out.Attributes ?? {};
  } catch (err) {
    if (isConditionFailure(err)) return undefined;
    throw err;
  }
};

/** Deletes the item if it exists: false when there was none. */
export const deleteIfExists = async (input: DeleteCommandInput): Promise<boolean> => {
  try {
    await dynamo.send(
      new DeleteCommand({ ...input, ConditionExpression: existing(input.ConditionExpression) }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
};

/**
 * The items a query matches, page after page (lib-dynamodb's paginator), that `keep` keeps; with
 * `want`, it stops reading once it has that many (one page of a listing whose filter drops items).
 * Whole reads only where bounded by their key (one user-minute, one job): request paths read one
 * page and hand out a cursor instead.
 */
export const queryAll = async (
  input: QueryCommandInput,
  options: { want?: number; keep?: (item: Item) => boolean } = {},
): Promise<Item[]> => {
  const { want, keep } = options;
  const items: Item[] = [];
  for await (const page of paginateQuery({ client: dynamo }, input)) {
    for (const item of page.Items ?? []) if (!keep || keep(item)) items.push(item);
    if (want !== undefined && items.length >= want) return items.slice(0, want);
  }
  return items;
};

const BATCH_GET_MAX_KEYS = 100;
const UNPROCESSED: RetryPolicy = { attempts: 8, baseMs: 25, capMs: 1000 };

/**
 * Every item of `keys` that exists, strongly consistent. BatchGetItem takes at most 100 keys and may
 * hand back some unprocessed under load: those are asked for again, with backoff.
 */
export const batchGetAll = async (tableName: string, keys: Item[]): Promise<Item[]> => {
  const found: Item[] = [];
  for (let start = 0; start < keys.length; start += BATCH_GET_MAX_KEYS) {
    await untilNoneLeft(
      UNPROCESSED,
      keys.slice(start, start + BATCH_GET_MAX_KEYS),
      async (pending) => {
        const out = await dynamo.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
        );
        found.push(...(out.Responses?.[tableName] ?? []));
        return (out.UnprocessedKeys?.[tableName]?.Keys as Item[] | undefined) ?? [];
      },
      'keys',
    );
  }
  return found;
};
