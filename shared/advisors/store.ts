import { BatchGetCommand, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/aws/dynamo.ts';
import { chunks, mapBounded } from '../core/concurrency.ts';
import { cancellationCodes } from '../core/dynamo.ts';
import { type RetryPolicy, untilNoneLeft } from '../core/retry.ts';
import { keys, table } from './keys.ts';

// The DynamoDB plumbing the feature's writes and reads share: one retry policy, what a cancelled
// transaction says, BatchGetItem, and the one write that changes a book.

export type Item = Record<string, NativeAttributeValue>;

/**
 * The feature's one retry policy, for what another attempt can fix: transactions cancelled by
 * contention or throttling, conditions that lost to a concurrent write, keys BatchGetItem left
 * unprocessed. Every loop that rereads and goes again runs under it through shared/core/retry.ts.
 */
export const CONTENTION: RetryPolicy = { attempts: 10, baseMs: 20, capMs: 1000 };

/** The cancellation code of an action whose condition failed. */
export const CONDITION_FAILED = 'ConditionalCheckFailed';
/** Why an action of a cancelled transaction may go again: none of its own, or contention that passes. */
const TRANSIENT = new Set(['None', 'TransactionConflict', 'ThrottlingError']);
const isTransient = (code: string) => TRANSIENT.has(code);

/**
 * Each action's cancellation code when another attempt of the transaction may succeed (every code is
 * a lost condition or transient); any other error, or a cancellation for another reason, is thrown.
 */
export const retryableCodes = (err: unknown): string[] => {
  const codes = cancellationCodes(err);
  if (!codes?.every((code) => code === CONDITION_FAILED || isTransient(code))) throw err;
  return codes;
};

// BatchGetItem takes at most 100 keys and may hand back some unprocessed under load.
export const batchGet = async (
  itemKeys: Item[],
  options: { projection?: string; names?: Record<string, string>; consistent: boolean },
): Promise<Item[]> => {
  const found: Item[] = [];
  await mapBounded(chunks(itemKeys, 100), 8, (batch) =>
    untilNoneLeft(
      CONTENTION,
      batch,
      async (pending) => {
        const out = await dynamo.send(
          new BatchGetCommand({
            RequestItems: {
              [table()]: {
                Keys: pending,
                ConsistentRead: options.consistent,
                ProjectionExpression: options.projection,
                ExpressionAttributeNames: options.names,
              },
            },
          }),
        );
        found.push(...(out.Responses?.[table()] ?? []));
        return (out.UnprocessedKeys?.[table()]?.Keys as Item[] | undefined) ?? [];
      },
      'keys of a BatchGetItem',
    ),
  );
  return found;
};

/** A transaction action moving `clients` clients and `cents` into (negative: out of) an advisor's book. */
export const bookChange = (advisorId: string, clients: number, cents: number) => ({
  Update: {
    TableName: table(),
    Key: keys.book(advisorId),
    UpdateExpression: 'ADD client_count :clients, total_cents :cents',
    ExpressionAttributeValues: { ':clients': clients, ':cents': cents },
  },
});
