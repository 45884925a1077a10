import type { TableKey } from '../../lib/resources.ts';
import { localNames } from '../../local/provision.ts';
import { OPERATOR_CREDENTIALS, type TestStack } from './harness.ts';

// What one page costs DynamoDB, measured on the listings themselves (the repository, in the test's
// process, against the stack's DynamoDB Local with the operator's credentials): every call asks for
// ReturnConsumedCapacity, and a page's cost is the calls, capacity units and items DynamoDB read for it.

export interface Cost {
  calls: number;
  rcu: number;
  itemsRead: number;
  ms: number;
}

/** Points this process's repositories at the stack and meters every DynamoDB call they make. */
export const meterDynamo = async (stack: TestStack, tables: TableKey[]) => {
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: OPERATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: OPERATOR_CREDENTIALS.secretAccessKey,
    DYNAMODB_ENDPOINT: stack.endpoints.dynamodb,
    SECRETS_MANAGER_ENDPOINT: stack.endpoints.secretsmanager,
    CURSOR_KEY_SECRET_ID: localNames.secret('CURSOR_KEY'),
    ...Object.fromEntries(tables.map((t) => [`TABLE_${t.toUpperCase()}`, localNames.table(t)])),
  });
  const { dynamo } = await import('../../shared/core/aws/dynamo.ts');
  let current: Cost | undefined;
  const send = dynamo.send.bind(dynamo) as (command: unknown) => Promise<any>;
  (dynamo as { send: unknown }).send = async (command: { input: Record<string, unknown> }) => {
    command.input.ReturnConsumedCapacity = 'TOTAL';
    const out = await send(command);
    if (current) {
      current.calls++;
      const consumed = [out.ConsumedCapacity ?? []].flat() as { CapacityUnits?: number }[];
      current.rcu += consumed.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
      current.itemsRead +=
        out.ScannedCount ??
        (out.Item ? 1 : 0) +
          Object.values((out.Responses ?? {}) as Record<string, unknown[]>).reduce((n, r) => n + r.length, 0);
    }
    return out;
  };
  return async (page: () => Promise<unknown>): Promise<Cost> => {
    current = { calls: 0, rcu: 0, itemsRead: 0, ms: 0 };
    const started = performance.now();
    await page();
    const cost = { ...current, ms: Math.round(performance.now() - started) };
    current = undefined;
    return cost;
  };
};
