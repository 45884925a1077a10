import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { TABLES } from '../../lib/resources.ts';
import { localNames } from '../../local/provision.ts';
import { startTestStack, type TestStack } from './harness.ts';

// The local DynamoDB is Amazon DynamoDB Local: tables as the stateful stack makes them, state on disk.

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

// Its endpoint changes on restart, so a client is made for each call.
const dynamo = () =>
  new DynamoDBClient({
    region: 'us-east-1',
    endpoint: stack.endpoints.dynamodb,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

test('every table expires items by expires_at, as the stateful stack configures it', async () => {
  for (const key of TABLES) {
    const ttl = await dynamo().send(new DescribeTimeToLiveCommand({ TableName: localNames.table(key) }));
    expect(ttl.TimeToLiveDescription).toEqual({ AttributeName: 'expires_at', TimeToLiveStatus: 'ENABLED' });
  }
});

test('an item survives a restart, kept under DATA_DIR/dynamodb', async () => {
  const TableName = localNames.table('events');
  const Key = { pk: { S: 'restart-check' }, sk: { S: 'item' } };
  await dynamo().send(new PutItemCommand({ TableName, Item: { ...Key, value: { N: '42' } } }));
  await stack.restart();
  const after = await dynamo().send(new GetItemCommand({ TableName, Key, ConsistentRead: true }));
  expect(after.Item?.value).toEqual({ N: '42' });
  // -sharedDb: one database for every access key and region, in one file.
  expect(existsSync(join(stack.dataDir, 'dynamodb', 'shared-local-instance.db'))).toBe(true);
});
