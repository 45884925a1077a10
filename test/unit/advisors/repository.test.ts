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
import { conditionFailed, transactionCanceled } from '../helpers/aws-errors.ts';
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
const importStore = () => import('../../../shared/advisors/import-store.ts');
const client = (i: number, total_cents = 0) => ({
  id: `cl_${i}`,
  first_name: 'A',
  last_name: `B${i}`,
  accounts: total_cents ? [{ type: 'ira', cents: total_cents }] : [],
  total_cents,
  name_key: `b${i}\u0001a\u0001cl_${i}`,
});
const stored = (c: ReturnType<typeof client>, advisor_id?: string, total_cents = c.total_cents) => ({
  id: c.id,
  first_name: c.first_name,
  last_name: c.last_name,
  accounts: [],
  total_cents,
  ...(advisor_id ? { advisor_id } : {}),
});
const noStored = { clients: new Map(), advisors: new Map() };
const transactions = () => ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!);

describe('moving a client between advisors', () => {
  const clientItem = { id: 'cl_1', first_name: 'Rue', last_name: 'Bennett', total_cents: 115000 };

  test('assigns in one transaction: the client as read, the advisor still available, both books by one client and its total', async () => {
    const { moveClient } = await repository();
    ddb.on(GetCommand).resolves({ Item: { ...clientItem, advisor_id: 'adv_old' } });
    ddb.on(TransactWriteCommand).resolves({});
    const move = await moveClient('cl_1', 'adv_1');
    expect(move).toEqual({
      client: { id: 'cl_1', first_name: 'Rue', last_name: 'Bennett', advisor_id: 'adv_1', total_value: 1150 },
    });
    const [actions] = transactions();
    expect(actions![0]!.Update).toMatchObject({
      Key: { pk: 'CLIENT#cl_1', sk: 'CLIENT' },
      ConditionExpression: 'total_cents = :cents AND advisor_id = :from',
      ExpressionAttributeValues: {
        ':cents': 115000,
        ':from': 'adv_old',
        ':to': 'adv_1',
        ':pk': 'ADVISOR#adv_1',
      },
    });
    expect(actions![1]!.ConditionCheck).toMatchObject({
      Key: { pk: 'ADVISOR#adv_1', sk: 'ADVISOR' },
      ConditionExpression: 'available = :yes',
    });
    expect(actions!.slice(2).map((a) => [a.Update!.Key, a.Update!.ExpressionAttributeValues])).toEqual([
      [
        { pk: 'ADVISOR#adv_1', sk: 'BOOK' },
        { ':clients': 1, ':cents': 115000 },
      ],
      [
        { pk: 'ADVISOR#adv_old', sk: 'BOOK' },
        { ':clients': -1, ':cents': -115000 },
      ],
    ]);
  });

  test('unassigning takes the client and its total out of its advisor’s book', async () => {
    const { moveClient } = await repository();
    ddb.on(GetCommand).resolves({ Item: { ...clientItem, advisor_id: 'adv_1' } });
    ddb.on(TransactWriteCommand).resolves({});
    expect(await moveClient('cl_1', undefined)).toMatchObject({ client: { advisor_id: null } });
    const [actions] = transactions();
    expect(actions).toHaveLength(2);
    expect(actions![0]!.Update!.UpdateExpression).toBe('REMOVE advisor_id, gsi1pk, gsi1sk');
    expect(actions![1]!.Update!.ExpressionAttributeValues).toEqual({ ':clients': -1, ':cents': -115000 });
  });

  test('a client already with the advisor is left alone, so a repeated request changes nothing', async () => {
    const { moveClient } = await repository();
    ddb.on(GetCommand).resolves({ Item: { ...clientItem, advisor_id: 'adv_1' } });
    expect(await moveClient('cl_1', 'adv_1')).toMatchObject({ client: { advisor_id: 'adv_1' } });
    expect(await moveClient('cl_1', 'adv_1')).toMatchObject({ client: { advisor_id: 'adv_1' } });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  test('an unknown client is refused', async () => {
    const { moveClient } = await repository();
    ddb.on(GetCommand).resolves({});
    expect(await moveClient('cl_x', 'adv_1')).toEqual({ refused: 'no-client' });
  });

  test('a client moved meanwhile by someone else is read again and moved from where they left it', async () => {
    const { moveClient } = await repository();
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: { ...clientItem } })
      .resolves({ Item: { ...clientItem, advisor_id: 'adv_2' } });
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(transactionCanceled(['ConditionalCheckFailed', 'None', 'None']))
      .resolves({});
    expect(await moveClient('cl_1', 'adv_1')).toMatchObject({ client: { advisor_id: 'adv_1' } });
    const [first, second] = transactions();
    expect(first).toHaveLength(3);
    expect(second!.at(-1)!.Update).toMatchObject({
      Key: { pk: 'ADVISOR#adv_2', sk: 'BOOK' },
      ExpressionAttributeValues: { ':clients': -1, ':cents': -115000 },
    });
  });

  test('an advisor made unavailable after the check is refused inside the transaction', async () => {
    const { moveClient } = await repository();
    ddb.on(GetCommand).resolves({ Item: { ...clientItem } });
    ddb.on(TransactWriteCommand).rejects(transactionCanceled(['None', 'ConditionalCheckFailed', 'None']));
    expect(await moveClient('cl_1', 'adv_1')).toEqual({ refused: 'unavailable' });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  test('a transaction conflict goes again; contention that never passes ends after a bounded number of attempts', async () => {
    const { moveClient } = await repository();
    const { CONTENTION } = await import('../../../shared/advisors/store.ts');
    ddb.on(GetCommand).resolves({ Item: { ...clientItem } });
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(transactionCanceled(['TransactionConflict', 'None', 'None']))
      .resolves({});
    expect(await moveClient('cl_1', 'adv_1')).toMatchObject({ client: { advisor_id: 'adv_1' } });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(2);

    ddb.reset();
    ddb.on(GetCommand).resolves({ Item: { ...clientItem } });
    ddb.on(TransactWriteCommand).rejects(transactionCanceled(['TransactionConflict', 'None', 'None']));
    expect(await moveClient('cl_1', 'adv_1')).toEqual({ refused: 'contended' });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(CONTENTION.attempts);
  }, 30_000);

  test('a transaction refused for a reason another attempt cannot change is an error', async () => {
    const { moveClient } = await repository();
    ddb.on(GetCommand).resolves({ Item: { ...clientItem } });
    ddb.on(TransactWriteCommand).rejects(transactionCanceled(['ValidationError', 'None', 'None']));
    await expect(moveClient('cl_1', 'adv_1')).rejects.toThrow('Transaction cancelled');
  });
});

describe('imports', () => {
  test('puts new entities only while absent, 100 per transaction, each client in its listing shard', async () => {
    const { saveImport } = await importStore();
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    const advisor = { id: 'adv_1', name: 'N', focus_areas: [], name_key: 'n\u0001adv_1' };
    await saveImport(
      {
        clients: { create: Array.from({ length: 230 }, (_, i) => client(i)), update: [] },
        advisors: { create: [advisor], update: [{ ...advisor, id: 'adv_2' }] },
      },
      { clients: new Map(), advisors: new Map([['adv_2', { name: 'old', focus_areas: [] }]]) },
    );
    expect(
      transactions()
        .map((t) => t.length)
        .sort((x, y) => x - y),
    ).toEqual([1, 30, 100, 100]);
    const puts = transactions()
      .flat()
      .map((action) => action.Put!);
    expect(new Set(puts.map((put) => put.Item!.id)).size).toBe(231);
    for (const put of puts) expect(put.ConditionExpression).toBe('attribute_not_exists(pk)');
    const shards = new Set(puts.filter((p) => p.Item!.id.startsWith('cl_')).map((p) => p.Item!.gsi2pk));
    expect([...shards].sort()).toEqual(Array.from({ length: 8 }, (_, i) => `CLIENTS#${i}`));
    const newAdvisor = puts.find((p) => p.Item?.id === 'adv_1')!.Item!;
    expect(newAdvisor).toMatchObject({ available: true, gsi1pk: 'ADVISORS#available', gsi2pk: 'ADVISORS' });
    const updates = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates.map((u) => u.Key)).toEqual([{ pk: 'ADVISOR#adv_2', sk: 'ADVISOR' }]);
    expect(updates[0]!.UpdateExpression).not.toMatch(/available/);
  });

  test('a changed client moves its advisor’s total in the same transaction, conditioned on what was read', async () => {
    const { saveImport } = await importStore();
    ddb.on(TransactWriteCommand).resolves({});
    const changed = client(1, 500);
    await saveImport(
      { clients: { create: [], update: [changed] }, advisors: { create: [], update: [] } },
      { ...noStored, clients: new Map([['cl_1', stored(changed, 'adv_1', 200)]]) },
    );
    const [actions] = transactions();
    expect(actions![0]!.Update).toMatchObject({
      Key: { pk: 'CLIENT#cl_1', sk: 'CLIENT' },
      ConditionExpression: 'total_cents = :was AND advisor_id = :advisor',
      ExpressionAttributeValues: expect.objectContaining({ ':was': 200, ':total': 500, ':advisor': 'adv_1' }),
    });
    expect(actions![0]!.Update!.UpdateExpression).not.toMatch(/advisor_id|gsi1/);
    expect(actions![1]!.Update).toMatchObject({
      Key: { pk: 'ADVISOR#adv_1', sk: 'BOOK' },
      ExpressionAttributeValues: { ':clients': 0, ':cents': 300 },
    });
  });

  test('a client assigned meanwhile is read again and its change goes to the book it is in now', async () => {
    const { saveImport } = await importStore();
    const changed = client(1, 500);
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(transactionCanceled(['ConditionalCheckFailed']))
      .resolves({});
    ddb.on(BatchGetCommand).resolves({ Responses: { advisors: [stored(changed, 'adv_9', 200)] } });
    await saveImport(
      { clients: { create: [], update: [changed] }, advisors: { create: [], update: [] } },
      { ...noStored, clients: new Map([['cl_1', stored(changed, undefined, 200)]]) },
    );
    const [first, second] = transactions();
    expect(first).toHaveLength(1);
    expect(second!.map((a) => a.Update!.Key)).toEqual([
      { pk: 'CLIENT#cl_1', sk: 'CLIENT' },
      { pk: 'ADVISOR#adv_9', sk: 'BOOK' },
    ]);
    expect(second![1]!.Update!.ExpressionAttributeValues).toEqual({ ':clients': 0, ':cents': 300 });
  });

  test('new clients that a concurrent import created meanwhile get the content update against what is stored, and the rest are created again', async () => {
    const { saveImport } = await importStore();
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(transactionCanceled(['None', 'ConditionalCheckFailed', 'None', 'ConditionalCheckFailed']))
      .resolves({});
    // cl_1 was created with other accounts and assigned; cl_3 was created just as this file has it.
    ddb.on(BatchGetCommand).resolves({
      Responses: {
        advisors: [
          { ...stored(client(1), 'adv_1', 70), accounts: [{ type: 'ira', cents: 70 }] },
          stored(client(3)),
        ],
      },
    });
    await saveImport(
      {
        clients: { create: [0, 1, 2, 3].map((i) => client(i)), update: [] },
        advisors: { create: [], update: [] },
      },
      noStored,
    );
    const sent = transactions().slice(1);
    const puts = sent.filter((t) => t[0]!.Put).flat();
    expect(puts.map((action) => action.Put!.Item!.id)).toEqual(['cl_0', 'cl_2']);
    const updates = sent.filter((t) => t[0]!.Update).flat();
    expect(updates.map((a) => a.Update!.Key)).toEqual([
      { pk: 'CLIENT#cl_1', sk: 'CLIENT' },
      { pk: 'ADVISOR#adv_1', sk: 'BOOK' },
    ]);
    expect(updates[1]!.Update!.ExpressionAttributeValues).toEqual({ ':clients': 0, ':cents': -70 });
  });

  test('a creation cancelled by a conflict goes again whole; one refused for another reason fails the import', async () => {
    const { saveImport } = await importStore();
    const plan = {
      clients: { create: [0, 1].map((i) => client(i)), update: [] },
      advisors: { create: [], update: [] },
    };
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(transactionCanceled(['None', 'TransactionConflict']))
      .resolves({});
    await saveImport(plan, noStored);
    expect(transactions().map((t) => t.length)).toEqual([2, 2]);

    ddb.reset();
    ddb.on(TransactWriteCommand).rejects(transactionCanceled(['None', 'ValidationError']));
    await expect(saveImport(plan, noStored)).rejects.toThrow('Transaction cancelled');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  test('contention that never passes fails the import after a bounded number of attempts', async () => {
    const { saveImport } = await importStore();
    const { CONTENTION } = await import('../../../shared/advisors/store.ts');
    ddb.on(TransactWriteCommand).rejects(transactionCanceled(['TransactionConflict']));
    await expect(
      saveImport(
        { clients: { create: [client(0)], update: [] }, advisors: { create: [], update: [] } },
        noStored,
      ),
    ).rejects.toThrow('Transaction cancelled');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(CONTENTION.attempts);
  }, 30_000);

  test('reads stored content in batches of 100 and retries unprocessed keys, a bounded number of times', async () => {
    const { loadStoredContent } = await importStore();
    const { CONTENTION } = await import('../../../shared/advisors/store.ts');
    const ids = Array.from({ length: 150 }, (_, i) => `cl_${i}`);
    let first = true;
    ddb.on(BatchGetCommand).callsFake((input) => {
      const keys = input.RequestItems.advisors.Keys as { pk: string }[];
      const unprocessed = first ? keys.slice(0, 1) : [];
      first = false;
      const served = keys.filter((k) => !unprocessed.includes(k));
      return {
        Responses: {
          advisors: served.map((k) => ({ ...stored(client(0)), id: k.pk.slice('CLIENT#'.length) })),
        },
        UnprocessedKeys: unprocessed.length ? { advisors: { Keys: unprocessed } } : {},
      };
    });
    const content = await loadStoredContent(ids, []);
    expect(content.clients.size).toBe(150);
    expect(
      ddb.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems!.advisors!.Keys!.length),
    ).toEqual(expect.arrayContaining([100, 50, 1]));

    ddb.reset();
    ddb.on(BatchGetCommand).callsFake((input) => ({
      UnprocessedKeys: { advisors: { Keys: input.RequestItems.advisors.Keys } },
    }));
    await expect(loadStoredContent(['cl_1'], [])).rejects.toThrow('unprocessed');
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(CONTENTION.attempts);
  }, 30_000);
});

describe('pages', () => {
  test('a page of advisors is one Query and one read of their books, whatever their clients', async () => {
    const { listAdvisors } = await repository();
    ddb.on(QueryCommand).resolves({
      Items: [
        { id: 'adv_1', name: 'Nick', focus_areas: [], available: true },
        { id: 'adv_2', name: 'Jess', focus_areas: [], available: true },
      ],
    });
    ddb.on(BatchGetCommand).resolves({ Responses: { advisors: [{ pk: 'ADVISOR#adv_1', client_count: 7 }] } });
    const page = await listAdvisors(undefined, 10);
    expect(page.items.map((a) => [a.id, a.client_count])).toEqual([
      ['adv_1', 7],
      ['adv_2', 0],
    ]);
    expect(ddb.calls()).toHaveLength(2);
  });

  test('an advisor’s total and count come from its book, not from reading its clients', async () => {
    const { advisorClients } = await repository();
    ddb.on(QueryCommand, { IndexName: undefined }).resolves({
      Items: [
        { sk: 'ADVISOR', id: 'adv_1', name: 'Nick', focus_areas: [], available: true },
        { sk: 'BOOK', client_count: 2, total_cents: 30 },
      ],
    });
    ddb.on(QueryCommand, { IndexName: 'gsi1' }).resolves({
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
    expect(ddb.calls()).toHaveLength(2);
  });

  test('an unknown advisor has no client page', async () => {
    const { advisorClients } = await repository();
    ddb.on(QueryCommand).resolves({ Items: [] });
    expect(await advisorClients('adv_x', 10)).toBeUndefined();
  });

  test('a page of clients continues after the last one the previous page held', async () => {
    const { listClients } = await repository();
    const item = (n: number) => ({ ...stored(client(n)), gsi2sk: `k${n}` });
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'CLIENTS#0' } })
      .resolves({ Items: [item(1), item(3)] });
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'CLIENTS#5' } })
      .resolves({ Items: [item(2)] });
    const first = await listClients(2);
    expect(first.items.map((c) => c.id)).toEqual(['cl_1', 'cl_2']);
    ddb.reset();
    ddb.on(QueryCommand).resolves({ Items: [] });
    await listClients(2, first.next_cursor!);
    const conditions = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(conditions).toHaveLength(8);
    for (const input of conditions) expect(input.ExpressionAttributeValues![':after']).toBe('k2');
  });

  test('setting availability answers the advisor with its book’s count; an unknown advisor is undefined', async () => {
    const { setAvailability } = await repository();
    ddb
      .on(UpdateCommand)
      .resolves({ Attributes: { id: 'adv_1', name: 'Nick', focus_areas: [], available: false } });
    ddb.on(GetCommand).resolves({ Item: { client_count: 3 } });
    expect(await setAvailability('adv_1', false)).toMatchObject({ available: false, client_count: 3 });
    ddb.on(UpdateCommand).rejects(conditionFailed());
    expect(await setAvailability('adv_x', false)).toBeUndefined();
  });
});
