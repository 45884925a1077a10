import { describe, expect, test } from '@jest/globals';
import { dynamodbAuthorizations, partiqlAuthorization } from '../../../../local/iam/actions-dynamodb.ts';

const table = (name: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`;
const checks = (operation: string, input: Record<string, unknown>) =>
  dynamodbAuthorizations(operation, input)?.map(({ action, resource }) => [action, resource]);

describe('the IAM checks of a DynamoDB request (as AWS makes them)', () => {
  test('an item operation is its own action on the table', () => {
    for (const operation of ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'])
      expect(checks(operation, { TableName: 'eye-bus' })).toEqual([
        [`dynamodb:${operation}`, table('eye-bus')],
      ]);
  });

  test('Query and Scan are checked on the index they read, when they name one', () => {
    expect(checks('Query', { TableName: 't', IndexName: 'gsi1' })).toEqual([
      ['dynamodb:Query', `${table('t')}/index/gsi1`],
    ]);
    expect(checks('Scan', { TableName: 't' })).toEqual([['dynamodb:Scan', table('t')]]);
  });

  test('BatchWriteItem needs dynamodb:BatchWriteItem on every table, whatever its requests are', () => {
    expect(
      checks('BatchWriteItem', {
        RequestItems: { a: [{ PutRequest: { Item: {} } }], b: [{ DeleteRequest: { Key: {} } }] },
      }),
    ).toEqual([
      ['dynamodb:BatchWriteItem', table('a')],
      ['dynamodb:BatchWriteItem', table('b')],
    ]);
    expect(checks('BatchGetItem', { RequestItems: { a: { Keys: [] } } })).toEqual([
      ['dynamodb:BatchGetItem', table('a')],
    ]);
  });

  test('TransactWriteItems is checked per item as the write it stands for, on its table', () => {
    const authorizations = dynamodbAuthorizations('TransactWriteItems', {
      TransactItems: [
        { Put: { TableName: 'a', Item: {} } },
        { Update: { TableName: 'b', Key: {} } },
        { Delete: { TableName: 'a', Key: {} } },
        { ConditionCheck: { TableName: 'c', Key: {}, ConditionExpression: 'x' } },
      ],
    });
    expect(authorizations).toEqual([
      {
        action: 'dynamodb:PutItem',
        resource: table('a'),
        context: { 'dynamodb:EnclosingOperation': 'TransactWriteItems' },
      },
      {
        action: 'dynamodb:UpdateItem',
        resource: table('b'),
        context: { 'dynamodb:EnclosingOperation': 'TransactWriteItems' },
      },
      {
        action: 'dynamodb:DeleteItem',
        resource: table('a'),
        context: { 'dynamodb:EnclosingOperation': 'TransactWriteItems' },
      },
      { action: 'dynamodb:ConditionCheckItem', resource: table('c') },
    ]);
  });

  test('TransactGetItems is checked per item as GetItem', () => {
    expect(
      checks('TransactGetItems', {
        TransactItems: [{ Get: { TableName: 'a' } }, { Get: { TableName: 'b' } }],
      }),
    ).toEqual([
      ['dynamodb:GetItem', table('a')],
      ['dynamodb:GetItem', table('b')],
    ]);
  });

  test('request parameters that are condition keys go into the request context', () => {
    expect(
      dynamodbAuthorizations('PutItem', { TableName: 't', ReturnValues: 'ALL_OLD' })?.[0]?.context,
    ).toEqual({
      'dynamodb:ReturnValues': 'ALL_OLD',
    });
    expect(dynamodbAuthorizations('Query', { TableName: 't', Select: 'COUNT' })?.[0]?.context).toEqual({
      'dynamodb:Select': 'COUNT',
    });
  });

  test('a table named by ARN is checked on that ARN', () => {
    expect(checks('GetItem', { TableName: table('x') })).toEqual([['dynamodb:GetItem', table('x')]]);
  });

  test("the provisioner's control-plane calls are the action of the same name on the table", () => {
    for (const operation of [
      'CreateTable',
      'DescribeTable',
      'UpdateTimeToLive',
      'DescribeTimeToLive',
      'DeleteTable',
    ])
      expect(checks(operation, { TableName: 't' })).toEqual([[`dynamodb:${operation}`, table('t')]]);
    expect(checks('ListTagsOfResource', { ResourceArn: table('t') })).toEqual([
      ['dynamodb:ListTagsOfResource', table('t')],
    ]);
  });

  test("ListTables names no table: a wildcard-only action, reported on the account's tables", () => {
    expect(dynamodbAuthorizations('ListTables', {})).toEqual([
      { action: 'dynamodb:ListTables', resource: '*', shownResource: table('*') },
    ]);
  });

  test('PartiQL statements need the PartiQL action of their verb on the table or index they name', () => {
    expect(partiqlAuthorization('SELECT * FROM "eye-bus" WHERE pk = ?')).toEqual({
      action: 'dynamodb:PartiQLSelect',
      resource: table('eye-bus'),
    });
    expect(partiqlAuthorization('select a from "t"."gsi1" where b = 1')?.resource).toBe(
      `${table('t')}/index/gsi1`,
    );
    expect(partiqlAuthorization("INSERT INTO t VALUE {'pk': 'a'}")?.action).toBe('dynamodb:PartiQLInsert');
    expect(partiqlAuthorization('UPDATE "t" SET a = 1 WHERE pk = \'a\'')?.action).toBe(
      'dynamodb:PartiQLUpdate',
    );
    expect(partiqlAuthorization("DELETE FROM t WHERE pk = 'a'")?.action).toBe('dynamodb:PartiQLDelete');
    expect(
      checks('BatchExecuteStatement', {
        Statements: [{ Statement: 'SELECT * FROM a' }, { Statement: 'DELETE FROM b WHERE pk = 1' }],
      }),
    ).toEqual([
      ['dynamodb:PartiQLSelect', table('a')],
      ['dynamodb:PartiQLDelete', table('b')],
    ]);
  });

  test('an operation it cannot tie to a table is left unmapped rather than guessed', () => {
    expect(dynamodbAuthorizations('SomethingNew', {})).toBeUndefined();
    expect(dynamodbAuthorizations('ExecuteStatement', { Statement: 'nonsense' })).toBeUndefined();
  });
});
