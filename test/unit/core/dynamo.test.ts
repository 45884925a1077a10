import { DeleteCommand, DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, test } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { deleteIfExists, queryAll, updateIfExists } from '../../../shared/core/dynamo.ts';
import { conditionFailed } from '../helpers/aws-errors.ts';

const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => {
  ddb.reset();
});

describe('core DynamoDB helpers', () => {
  test('queryAll follows LastEvaluatedKey to the last page', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ n: 1 }], LastEvaluatedKey: { pk: 'a' } })
      .resolvesOnce({ Items: [{ n: 2 }, { n: 3 }], LastEvaluatedKey: { pk: 'b' } })
      .resolvesOnce({ Items: [] });
    expect(await queryAll({ TableName: 't', KeyConditionExpression: 'pk = :pk' })).toEqual([
      { n: 1 },
      { n: 2 },
      { n: 3 },
    ]);
    // The paginator reuses one input object for every page, so the calls can only be counted.
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(3);
  });

  test('queryAll with want stops reading once it has kept that many items', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ n: 1 }, { n: 2 }], LastEvaluatedKey: { pk: 'a' } })
      .resolvesOnce({ Items: [{ n: 3 }, { n: 4 }, { n: 5 }], LastEvaluatedKey: { pk: 'b' } })
      .resolvesOnce({ Items: [{ n: 6 }] });
    const odd = (item: Record<string, unknown>) => (item.n as number) % 2 === 1;
    const items = await queryAll(
      { TableName: 't', KeyConditionExpression: 'pk = :pk' },
      { want: 2, keep: odd },
    );
    expect(items).toEqual([{ n: 1 }, { n: 3 }]);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(2);
  });

  test('updateIfExists adds the existence condition to the caller’s own and returns the new item', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { pk: 'x', v: 2 } });
    const out = await updateIfExists({
      TableName: 't',
      Key: { pk: 'x' },
      UpdateExpression: 'SET v = :v',
      ConditionExpression: 'v < :v',
      ExpressionAttributeValues: { ':v': 2 },
    });
    expect(out).toEqual({ pk: 'x', v: 2 });
    const input = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.ConditionExpression).toBe('attribute_exists(pk) AND (v < :v)');
    expect(input.ReturnValues).toBe('ALL_NEW');
  });

  test('no such item: undefined from an update, false from a delete; other errors pass through', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(DeleteCommand).rejectsOnce(conditionFailed()).rejects(new Error('throttled'));
    expect(await updateIfExists({ TableName: 't', Key: { pk: 'x' }, UpdateExpression: 'SET v = :v' })).toBe(
      undefined,
    );
    expect(await deleteIfExists({ TableName: 't', Key: { pk: 'x' } })).toBe(false);
    await expect(deleteIfExists({ TableName: 't', Key: { pk: 'x' } })).rejects.toThrow('throttled');
  });
});
