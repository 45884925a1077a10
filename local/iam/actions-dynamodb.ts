import { type Authorization, LOCAL_AWS } from './aws-account.ts';

// How DynamoDB authorizes each operation (Service Authorization Reference, "API operations defined by
// Amazon DynamoDB", and the developer guide's "Using IAM with DynamoDB transactions"):
// - item operations are checked on the table, Query and Scan with IndexName on table/<t>/index/<i>;
// - BatchGetItem / BatchWriteItem are their own actions, checked on every table of RequestItems
//   (a PutRequest inside BatchWriteItem needs dynamodb:BatchWriteItem, not dynamodb:PutItem);
// - TransactWriteItems and TransactGetItems have no action of their own: each item is checked as the
//   PutItem/UpdateItem/DeleteItem/ConditionCheckItem/GetItem it stands for, with
//   dynamodb:EnclosingOperation set to the transaction;
// - PartiQL statements need dynamodb:PartiQLSelect/Insert/Update/Delete on the table (or index);
// - control-plane operations are the action of the same name on TableName (or ResourceArn), and the
//   list operations, which name no table, are wildcard-only actions.

type Input = Record<string, unknown>;

const tableArn = (nameOrArn: string) =>
  nameOrArn.startsWith('arn:')
    ? nameOrArn
    : `arn:${LOCAL_AWS.partition}:dynamodb:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:table/${nameOrArn}`;

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** The condition keys DynamoDB sets from request parameters that are present. */
const requestKeys = (input: Input, keys: string[]) => {
  const context: Record<string, string> = {};
  for (const key of keys) {
    const value = str(input[key]);
    if (value !== undefined) context[`dynamodb:${key}`] = value;
  }
  return context;
};

const onTable = (action: string, table: string, context: Record<string, string> = {}): Authorization => ({
  action: `dynamodb:${action}`,
  resource: tableArn(table),
  ...(Object.keys(context).length ? { context } : {}),
});

const tableOrIndex = (action: string, input: Input, context: Record<string, string>): Authorization => {
  const table = str(input.TableName) ?? '';
  const index = str(input.IndexName);
  const authorization = onTable(action, table, context);
  return index ? { ...authorization, resource: `${authorization.resource}/index/${index}` } : authorization;
};

const TRANSACT_WRITE_ACTIONS = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
} as const;

const transactWrite = (input: Input): Authorization[] =>
  ((input.TransactItems as Input[] | undefined) ?? []).flatMap((item) =>
    Object.entries(TRANSACT_WRITE_ACTIONS)
      .filter(([kind]) => item[kind])
      .map(([kind, action]) =>
        onTable(
          action,
          str((item[kind] as Input).TableName) ?? '',
          // ConditionCheckItem has no dynamodb:EnclosingOperation key (Service Authorization Reference).
          action === 'ConditionCheckItem' ? {} : { 'dynamodb:EnclosingOperation': 'TransactWriteItems' },
        ),
      ),
  );

const transactGet = (input: Input): Authorization[] =>
  ((input.TransactItems as Input[] | undefined) ?? []).map((item) =>
    onTable('GetItem', str((item.Get as Input | undefined)?.TableName) ?? '', {
      'dynamodb:EnclosingOperation': 'TransactGetItems',
    }),
  );

const PARTIQL_ACTIONS: Record<string, string> = {
  SELECT: 'PartiQLSelect',
  EXISTS: 'PartiQLSelect',
  INSERT: 'PartiQLInsert',
  UPDATE: 'PartiQLUpdate',
  DELETE: 'PartiQLDelete',
};

// The first table a statement names: SELECT … FROM t, INSERT INTO t, UPDATE t, DELETE FROM t, with
// "quoted" names and an optional ."index" (SELECT from an index is checked on the index).
const PARTIQL_TARGET =
  /^\s*(?:EXISTS\s*\(\s*)?(SELECT\b[\s\S]*?\bFROM|INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+("(?:[^"]|"")+"|[A-Za-z0-9_.-]+)(?:\s*\.\s*("(?:[^"]|"")+"|[A-Za-z0-9_.-]+))?/i;

const unquote = (name: string) => (name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name);

export const partiqlAuthorization = (statement: string): Authorization | undefined => {
  const match = PARTIQL_TARGET.exec(statement);
  if (!match) return undefined;
  const verb = /^\s*EXISTS/i.test(statement) ? 'EXISTS' : match[1]!.split(/\s/)[0]!.toUpperCase();
  const table = unquote(match[2]!);
  const index = match[3] ? unquote(match[3]) : undefined;
  const authorization = onTable(PARTIQL_ACTIONS[verb]!, table);
  return index ? { ...authorization, resource: `${authorization.resource}/index/${index}` } : authorization;
};

const statements = (operation: string, input: Input): string[] => {
  if (operation === 'ExecuteStatement') return [str(input.Statement) ?? ''];
  const list = (operation === 'BatchExecuteStatement' ? input.Statements : input.TransactStatements) as
    | Input[]
    | undefined;
  return (list ?? []).map((s) => str(s.Statement) ?? '');
};

/** Operations that name no table: wildcard-only actions. */
const ACCOUNT_OPERATIONS = new Set([
  'ListTables',
  'DescribeLimits',
  'DescribeEndpoints',
  'ListBackups',
  'ListGlobalTables',
  'ListExports',
  'ListImports',
  'ListContributorInsights',
  'DescribeReservedCapacity',
  'DescribeReservedCapacityOfferings',
]);

/**
 * The IAM checks one DynamoDB request needs, from its X-Amz-Target operation and JSON input; undefined
 * when the operation is not one the gate knows how AWS authorizes.
 */
export const dynamodbAuthorizations = (operation: string, input: Input): Authorization[] | undefined => {
  switch (operation) {
    case 'GetItem':
      return [onTable(operation, str(input.TableName) ?? '', requestKeys(input, ['ReturnConsumedCapacity']))];
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return [
        onTable(
          operation,
          str(input.TableName) ?? '',
          requestKeys(input, ['ReturnValues', 'ReturnConsumedCapacity']),
        ),
      ];
    case 'Query':
    case 'Scan':
      return [tableOrIndex(operation, input, requestKeys(input, ['Select', 'ReturnConsumedCapacity']))];
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return Object.keys((input.RequestItems as Input | undefined) ?? {}).map((table) =>
        onTable(operation, table, requestKeys(input, ['ReturnConsumedCapacity'])),
      );
    case 'TransactWriteItems':
      return transactWrite(input);
    case 'TransactGetItems':
      return transactGet(input);
    case 'ExecuteStatement':
    case 'BatchExecuteStatement':
    case 'ExecuteTransaction': {
      const checks = statements(operation, input).map(partiqlAuthorization);
      return checks.every((check) => check !== undefined) ? (checks as Authorization[]) : undefined;
    }
  }
  if (ACCOUNT_OPERATIONS.has(operation))
    // AWS names the account's tables in the message: "… on resource: arn:…:table/*".
    return [{ action: `dynamodb:${operation}`, resource: '*', shownResource: tableArn('*') }];
  const table = str(input.TableName) ?? str(input.ResourceArn);
  return table ? [onTable(operation, table)] : undefined;
};
