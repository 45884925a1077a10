import {
  BatchExecuteStatementCommand,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ExecuteStatementCommand,
  ExecuteTransactionCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type IamGate, startIamGate } from '../../../../local/iam/gate.ts';
import { allow, credentialsOf, OPERATOR, outcome, principal, recordingUpstream } from './fixtures.ts';

// Every DynamoDB operation the SDK has that names tables, signed by a real client, through the gate
// to an upstream that only records what reaches it: each needs exactly the checks listed (hand-written
// from AWS's documentation), and is refused when any one of them is missing.

const T = (name: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`;
const key = { pk: { S: 'a' }, sk: { S: 'b' } };

type Case = [name: string, command: () => object, checks: [action: string, resource: string][]];
const CASES: Case[] = [
  ['GetItem', () => new GetItemCommand({ TableName: 'a', Key: key }), [['dynamodb:GetItem', T('a')]]],
  ['PutItem', () => new PutItemCommand({ TableName: 'a', Item: key }), [['dynamodb:PutItem', T('a')]]],
  [
    'UpdateItem',
    () =>
      new UpdateItemCommand({
        TableName: 'a',
        Key: key,
        UpdateExpression: 'SET x = :x',
        ExpressionAttributeValues: { ':x': { N: '1' } },
      }),
    [['dynamodb:UpdateItem', T('a')]],
  ],
  [
    'DeleteItem',
    () => new DeleteItemCommand({ TableName: 'a', Key: key }),
    [['dynamodb:DeleteItem', T('a')]],
  ],
  [
    'Query on the table',
    () =>
      new QueryCommand({
        TableName: 'a',
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': { S: 'a' } },
      }),
    [['dynamodb:Query', T('a')]],
  ],
  [
    'Query on an index',
    () =>
      new QueryCommand({
        TableName: 'a',
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': { S: 'a' } },
      }),
    [['dynamodb:Query', `${T('a')}/index/gsi1`]],
  ],
  ['Scan', () => new ScanCommand({ TableName: 'a' }), [['dynamodb:Scan', T('a')]]],
  [
    'Scan on an index',
    () => new ScanCommand({ TableName: 'a', IndexName: 'gsi2' }),
    [['dynamodb:Scan', `${T('a')}/index/gsi2`]],
  ],
  [
    'BatchGetItem',
    () => new BatchGetItemCommand({ RequestItems: { a: { Keys: [key] }, b: { Keys: [key] } } }),
    [
      ['dynamodb:BatchGetItem', T('a')],
      ['dynamodb:BatchGetItem', T('b')],
    ],
  ],
  [
    'BatchWriteItem',
    () =>
      new BatchWriteItemCommand({
        RequestItems: { a: [{ PutRequest: { Item: key } }], b: [{ DeleteRequest: { Key: key } }] },
      }),
    [
      ['dynamodb:BatchWriteItem', T('a')],
      ['dynamodb:BatchWriteItem', T('b')],
    ],
  ],
  [
    'TransactWriteItems',
    () =>
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: 'a', Item: key } },
          {
            Update: {
              TableName: 'b',
              Key: key,
              UpdateExpression: 'SET x = :x',
              ExpressionAttributeValues: { ':x': { N: '1' } },
            },
          },
          { Delete: { TableName: 'c', Key: key } },
          { ConditionCheck: { TableName: 'd', Key: key, ConditionExpression: 'attribute_exists(pk)' } },
        ],
      }),
    [
      ['dynamodb:PutItem', T('a')],
      ['dynamodb:UpdateItem', T('b')],
      ['dynamodb:DeleteItem', T('c')],
      ['dynamodb:ConditionCheckItem', T('d')],
    ],
  ],
  [
    'TransactGetItems',
    () =>
      new TransactGetItemsCommand({
        TransactItems: [{ Get: { TableName: 'a', Key: key } }, { Get: { TableName: 'b', Key: key } }],
      }),
    [
      ['dynamodb:GetItem', T('a')],
      ['dynamodb:GetItem', T('b')],
    ],
  ],
  [
    'ExecuteStatement',
    () => new ExecuteStatementCommand({ Statement: 'SELECT * FROM "a" WHERE pk = \'a\'' }),
    [['dynamodb:PartiQLSelect', T('a')]],
  ],
  [
    'BatchExecuteStatement',
    () =>
      new BatchExecuteStatementCommand({
        Statements: [
          { Statement: 'UPDATE "a" SET x = 1 WHERE pk = \'a\'' },
          { Statement: 'DELETE FROM "b" WHERE pk = \'a\'' },
        ],
      }),
    [
      ['dynamodb:PartiQLUpdate', T('a')],
      ['dynamodb:PartiQLDelete', T('b')],
    ],
  ],
  [
    'ExecuteTransaction',
    () =>
      new ExecuteTransactionCommand({
        TransactStatements: [{ Statement: "INSERT INTO \"a\" VALUE {'pk': 'a'}" }],
      }),
    [['dynamodb:PartiQLInsert', T('a')]],
  ],
  [
    'CreateTable',
    () =>
      new CreateTableCommand({
        TableName: 'a',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      }),
    [['dynamodb:CreateTable', T('a')]],
  ],
  ['DescribeTable', () => new DescribeTableCommand({ TableName: 'a' }), [['dynamodb:DescribeTable', T('a')]]],
  ['ListTables', () => new ListTablesCommand({}), [['dynamodb:ListTables', '*']]],
  [
    'UpdateTimeToLive',
    () =>
      new UpdateTimeToLiveCommand({
        TableName: 'a',
        TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
      }),
    [['dynamodb:UpdateTimeToLive', T('a')]],
  ],
  [
    'DescribeTimeToLive',
    () => new DescribeTimeToLiveCommand({ TableName: 'a' }),
    [['dynamodb:DescribeTimeToLive', T('a')]],
  ],
];

let upstream: Awaited<ReturnType<typeof recordingUpstream>>;
let gate: IamGate;

beforeAll(async () => {
  upstream = await recordingUpstream();
  gate = await startIamGate({ service: 'dynamodb', upstream: upstream.url, principals: [] });
});
afterAll(async () => {
  await gate.stop();
  await upstream.stop();
});

const client = (credentials: { accessKeyId: string; secretAccessKey: string }, region = 'us-east-1') =>
  new DynamoDBClient({ region, endpoint: gate.endpoint, credentials, maxAttempts: 1 });

const run = (p: ReturnType<typeof principal>, command: object) =>
  outcome(client(credentialsOf(p)).send(command as any));

describe('the DynamoDB gate authorizes each operation as AWS does', () => {
  test.each(CASES)('%s passes with exactly its checks granted', async (_, command, checks) => {
    const fn = principal(
      'fn',
      checks.map(([action, resource]) => allow(action, resource)),
    );
    gate.setPrincipals([fn]);
    const before = upstream.received.length;
    expect((await run(fn, command())).name).toBe('ok');
    expect(upstream.received.length).toBe(before + 1);
  });

  test.each(CASES)('%s is refused when any one check is not granted', async (_, command, checks) => {
    for (const [i, [action, resource]] of checks.entries()) {
      const others = checks.filter((__, j) => j !== i).map(([a, r]) => allow(a, r));
      // A policy with no statement at all is not a valid policy: keep one that grants nothing here.
      const fn = principal('fn', [...others, allow('dynamodb:DescribeLimits', '*')]);
      gate.setPrincipals([fn]);
      const result = await run(fn, command());
      expect(result.name).toBe('AccessDeniedException');
      expect(result.status).toBe(400);
      const shown = resource === '*' ? T('*') : resource;
      expect(result.message).toBe(
        `User: ${fn.arn} is not authorized to perform: ${action} on resource: ${shown} because no identity-based policy allows the ${action} action`,
      );
    }
  });

  test('the table ARNs CDK grants with /index/* cover every index', async () => {
    const fn = principal('fn', [allow('dynamodb:Query', [T('a'), `${T('a')}/index/*`])]);
    gate.setPrincipals([fn]);
    const query = (IndexName?: string) =>
      new QueryCommand({
        TableName: 'a',
        IndexName,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': { S: 'a' } },
      });
    expect((await run(fn, query())).name).toBe('ok');
    expect((await run(fn, query('gsi3'))).name).toBe('ok');
    expect(
      (
        await run(
          fn,
          new QueryCommand({
            TableName: 'b',
            KeyConditionExpression: 'pk = :p',
            ExpressionAttributeValues: { ':p': { S: 'a' } },
          }),
        )
      ).name,
    ).toBe('AccessDeniedException');
  });

  test('an explicit deny wins over an allow, with AWS’s wording', async () => {
    const fn = principal('fn', [
      allow('dynamodb:*', '*'),
      { Effect: 'Deny', Action: 'dynamodb:DeleteItem', Resource: T('a') },
    ]);
    gate.setPrincipals([fn]);
    const result = await run(fn, new DeleteItemCommand({ TableName: 'a', Key: key }));
    expect(result.message).toBe(
      `User: ${fn.arn} is not authorized to perform: dynamodb:DeleteItem on resource: ${T('a')} with an explicit deny in an identity-based policy`,
    );
  });
});

describe('the DynamoDB gate authenticates callers as AWS does', () => {
  const getItem = () => new GetItemCommand({ TableName: 'a', Key: key });

  test('the operator may do anything', async () => {
    expect(
      (await outcome(client(OPERATOR).send(new DeleteItemCommand({ TableName: 'any', Key: key })))).name,
    ).toBe('ok');
  });

  test('an unknown access key is an UnrecognizedClientException', async () => {
    const result = await outcome(client({ accessKeyId: 'AKIANOBODY', secretAccessKey: 'x' }).send(getItem()));
    expect(result).toEqual({
      name: 'UnrecognizedClientException',
      status: 400,
      message: 'The security token included in the request is invalid.',
    });
  });

  test('a known key with the wrong secret is an InvalidSignatureException', async () => {
    const fn = principal('fn', [allow('dynamodb:*', '*')]);
    gate.setPrincipals([fn]);
    const result = await outcome(
      client({ accessKeyId: fn.accessKeyId, secretAccessKey: 'wrong' }).send(getItem()),
    );
    expect(result.name).toBe('InvalidSignatureException');
    expect(result.status).toBe(400);
    const wrongRegion = await outcome(client(credentialsOf(fn), 'eu-west-1').send(getItem()));
    expect(wrongRegion.name).toBe('InvalidSignatureException');
  });

  test('a body changed after signing is refused', async () => {
    const signed = client(OPERATOR);
    signed.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body: string };
        request.body = request.body.replace('"a"', '"b"');
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'tamper' },
    );
    expect((await outcome(signed.send(getItem()))).name).toBe('InvalidSignatureException');
  });

  test('an unsigned request is a MissingAuthenticationTokenException', async () => {
    const response = await fetch(gate.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
      },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { __type: string }).__type).toBe(
      'com.amazon.coral.service#MissingAuthenticationTokenException',
    );
  });
});
