import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { useSecrets } from '../helpers/secrets.ts';

const ddb = mockClient(DynamoDBDocumentClient);
beforeAll(() => {
  process.env.TABLE_ADVISORS = 'advisors';
  useSecrets({ CURSOR_KEY: 'test-cursor-key' });
});
beforeEach(() => {
  ddb.reset();
});
const repository = () => import('../../../shared/advisors/repository.ts');
const conditionFailed = Object.assign(new Error('no'), { name: 'ConditionalCheckFailedException' });
/** A TransactWriteItems cancellation as DynamoDB reports it: one reason per action, in order. */
const cancelled = (codes: string[]) =>
  Object.assign(new Error(`Transaction cancelled, please refer cancellation reasons [${codes.join(', ')}]`), {
    name: 'TransactionCanceledException',
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
const client = (i: number) => ({
  id: `cl_${i}`,
  first_name: 'A',
  last_name: `B${i}`,
  accounts: [],
  total_cents: 0,
  name_key: `b${i}\u0001a\u0001cl_${i}`,
});

describe('advisors repository', () => {
  test('assigns with one conditional write that moves the client into the advisor’s index partition', async () => {
    const { setClientAdvisor } = await repository();
    ddb.on(UpdateCommand).resolves({
      Attributes: {
        id: 'cl_1',
        first_name: 'Rue',
        last_name: 'Bennett',
        advisor_id: 'adv_1',
        total_cents: 115000,
      },
    });
    const client = await setClientAdvisor('cl_1', 'adv_1');
    expect(client).toEqual({
      id: 'cl_1',
      first_name: 'Rue',
      last_name: 'Bennett',
      advisor_id: 'adv_1',
      total_value: 1150,
    });
    const calls = ddb.calls();
    expect(calls).toHaveLength(1);
    const input = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.Key).toEqual({ pk: 'CLIENT#cl_1', sk: 'CLIENT' });
    expect(input.ConditionExpression).toBe('attribute_exists(pk)');
    expect(input.ExpressionAttributeValues).toEqual({ ':advisor': 'adv_1', ':pk': 'ADVISOR#adv_1' });
  });

  test('assigning an unknown client reports undefined', async () => {
    const { setClientAdvisor } = await repository();
    ddb.on(UpdateCommand).rejects(conditionFailed);
    expect(await setClientAdvisor('cl_x', 'adv_1')).toBeUndefined();
  });

  test('an import puts new entities only while absent, 100 per transaction, and updates existing ones without touching assignment or availability', async () => {
    const { saveImport } = await repository();
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    const advisor = { id: 'adv_1', name: 'N', focus_areas: [], name_key: 'n\u0001adv_1' };
    await saveImport({
      clients: { create: Array.from({ length: 230 }, (_, i) => client(i)), update: [client(999)] },
      advisors: { create: [advisor], update: [{ ...advisor, id: 'adv_2' }] },
    });
    const transactions = ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!);
    expect(transactions.map((t) => t.length).sort((x, y) => x - y)).toEqual([1, 30, 100, 100]);
    const puts = transactions.flat().map((action) => action.Put!);
    expect(new Set(puts.map((put) => put.Item!.id)).size).toBe(231);
    for (const put of puts) expect(put.ConditionExpression).toBe('attribute_not_exists(pk)');
    const newAdvisor = puts.find((p) => p.Item?.id === 'adv_1')!.Item!;
    expect(newAdvisor).toMatchObject({ available: true, gsi1pk: 'ADVISORS#available', gsi2pk: 'ADVISORS' });
    const updates = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates.map((u) => u.Key)).toEqual([
      { pk: 'CLIENT#cl_999', sk: 'CLIENT' },
      { pk: 'ADVISOR#adv_2', sk: 'ADVISOR' },
    ]);
    for (const update of updates) expect(update.UpdateExpression).not.toMatch(/advisor_id|gsi1|available/);
  });

  test('new clients that a concurrent import created meanwhile get the content update, so their assignment survives, and the rest are created again', async () => {
    const { saveImport } = await repository();
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(['None', 'ConditionalCheckFailed', 'None', 'ConditionalCheckFailed']))
      .resolves({});
    ddb.on(UpdateCommand).resolves({});
    await saveImport({
      clients: { create: [0, 1, 2, 3].map(client), update: [] },
      advisors: { create: [], update: [] },
    });
    const updates = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates.map((u) => u.Key)).toEqual([
      { pk: 'CLIENT#cl_1', sk: 'CLIENT' },
      { pk: 'CLIENT#cl_3', sk: 'CLIENT' },
    ]);
    for (const update of updates) expect(update.UpdateExpression).not.toMatch(/advisor_id|gsi1/);
    const retried = ddb.commandCalls(TransactWriteCommand)[1]!.args[0].input.TransactItems!;
    expect(retried.map((action) => action.Put!.Item!.id)).toEqual(['cl_0', 'cl_2']);
  });

  test('a transaction cancelled by a conflict goes again whole, without content updates', async () => {
    const { saveImport } = await repository();
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(['None', 'TransactionConflict']))
      .resolves({});
    await saveImport({
      clients: { create: [0, 1].map(client), update: [] },
      advisors: { create: [], update: [] },
    });
    const sent = ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!.length);
    expect(sent).toEqual([2, 2]);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  test('a transaction refused for a reason that another attempt cannot change fails the import', async () => {
    const { saveImport } = await repository();
    ddb.on(TransactWriteCommand).rejects(cancelled(['None', 'ValidationError']));
    await expect(
      saveImport({
        clients: { create: [0, 1].map(client), update: [] },
        advisors: { create: [], update: [] },
      }),
    ).rejects.toThrow('Transaction cancelled');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  test('contention that never passes fails the import after a bounded number of attempts', async () => {
    const { saveImport } = await repository();
    ddb.on(TransactWriteCommand).rejects(cancelled(['TransactionConflict']));
    await expect(
      saveImport({ clients: { create: [client(0)], update: [] }, advisors: { create: [], update: [] } }),
    ).rejects.toThrow('Transaction cancelled');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(6);
  });

  test('reads stored content in batches of 100 and retries unprocessed keys', async () => {
    const { loadStoredContent } = await repository();
    const ids = Array.from({ length: 150 }, (_, i) => `cl_${i}`);
    let first = true;
    ddb.on(BatchGetCommand).callsFake((input) => {
      const keys = input.RequestItems.advisors.Keys as { pk: string }[];
      const unprocessed = first ? keys.slice(0, 1) : [];
      first = false;
      const served = keys.filter((k) => !unprocessed.includes(k));
      return {
        Responses: {
          advisors: served.map((k) => ({
            id: k.pk.slice('CLIENT#'.length),
            first_name: 'x',
            last_name: 'y',
            accounts: [],
          })),
        },
        UnprocessedKeys: unprocessed.length ? { advisors: { Keys: unprocessed } } : {},
      };
    });
    const stored = await loadStoredContent(ids, []);
    expect(stored.clients.size).toBe(150);
    expect(
      ddb.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems!.advisors!.Keys!.length),
    ).toEqual(expect.arrayContaining([100, 50, 1]));
  });

  test('an advisor’s total covers every page of the index, not only the page returned', async () => {
    const { advisorClients } = await repository();
    ddb.on(GetCommand).resolves({ Item: { id: 'adv_1', name: 'Nick', focus_areas: [], available: true } });
    ddb.on(QueryCommand, { Limit: 1 }).resolves({
      Items: [
        {
          id: 'cl_1',
          first_name: 'Rue',
          last_name: 'Bennett',
          accounts: [{ type: 'ira', cents: 10 }],
          total_cents: 10,
        },
      ],
      LastEvaluatedKey: { pk: 'CLIENT#cl_1' },
    });
    ddb
      .on(QueryCommand, { ProjectionExpression: 'total_cents', ExclusiveStartKey: undefined })
      .resolves({ Items: [{ total_cents: 10 }], LastEvaluatedKey: { pk: 'CLIENT#cl_1' } })
      .on(QueryCommand, { ProjectionExpression: 'total_cents', ExclusiveStartKey: { pk: 'CLIENT#cl_1' } })
      .resolves({ Items: [{ total_cents: 20 }] });
    const page = await advisorClients('adv_1', 1);
    expect(page?.total_value).toBe(0.3);
    expect(page?.advisor.client_count).toBe(2);
    expect(page?.items).toEqual([
      {
        id: 'cl_1',
        first_name: 'Rue',
        last_name: 'Bennett',
        accounts: [{ type: 'ira', value: 0.1 }],
        total_value: 0.1,
      },
    ]);
    expect(page?.next_cursor).toEqual(expect.any(String));
  });

  test('an unknown advisor has no client page', async () => {
    const { advisorClients } = await repository();
    ddb.on(GetCommand).resolves({});
    expect(await advisorClients('adv_x', 10)).toBeUndefined();
  });
});
