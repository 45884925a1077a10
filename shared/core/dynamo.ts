import { PutCommand } from '@aws-sdk/lib-dynamodb';
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
