import { setTimeout as sleep } from 'node:timers/promises';
import { BatchGetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from './aws/dynamo.ts';

/** A conditional write lost: the item already exists / no longer matches. Expected, not a failure. */
export const isConditionFailure = (err: unknown): boolean =>
  (err as Error | undefined)?.name === 'ConditionalCheckFailedException';

/** Puts the item unless one with its key exists: true if it was written, false if it was already there. */
export const putIfAbsent = async (tableName: string, item: Record<string, unknown>): Promise<boolean> => {
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

const BATCH_GET_MAX_KEYS = 100;

/**
 * Every item of `keys` that exists, strongly consistent. BatchGetItem takes at most 100 keys and may
 * hand back some unprocessed under load: those are asked for again, with backoff.
 */
export const batchGetAll = async (
  tableName: string,
  keys: Record<string, unknown>[],
): Promise<Record<string, unknown>[]> => {
  const found: Record<string, unknown>[] = [];
  for (let start = 0; start < keys.length; start += BATCH_GET_MAX_KEYS) {
    let pending = keys.slice(start, start + BATCH_GET_MAX_KEYS);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt * Math.random()));
      const out = await dynamo.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      found.push(...(out.Responses?.[tableName] ?? []));
      pending = (out.UnprocessedKeys?.[tableName]?.Keys as Record<string, unknown>[] | undefined) ?? [];
    }
  }
  return found;
};
