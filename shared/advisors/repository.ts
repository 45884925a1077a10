import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchGetCommand,
  GetCommand,
  type NativeAttributeValue,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/aws/dynamo.ts';
import { chunks, mapBounded } from '../core/concurrency.ts';
import { decodeCursor, encodeCursor } from '../core/cursor.ts';
import { isConditionFailure } from '../core/dynamo.ts';
import { tableName } from '../core/env.ts';
import type { Page } from '../core/validation.ts';
import type {
  AdvisorContent,
  AdvisorRecord,
  ClientContent,
  ClientRecord,
  ImportPlan,
} from './import-plan.ts';
import { fromCents } from './money.ts';
import type { Advisor, AdvisorClient, ClientSummary } from './schemas.ts';

// One item per client and per advisor. Every access pattern is a GetItem or a Query, never a Scan:
//   client          pk CLIENT#<id>            sk CLIENT
//   advisor         pk ADVISOR#<id>           sk ADVISOR
//   gsi1 on clients:  ADVISOR#<advisor id>    / last#first#id   an advisor's clients, by name
//   gsi1 on advisors: ADVISORS#available|unavailable / name#id  advisors filtered by availability
//   gsi2 on clients:  CLIENTS                 / last#first#id   every client, by name
//   gsi2 on advisors: ADVISORS                / name#id         every advisor, by name
// The assignment lives only on the client item (advisor_id + its gsi1 keys), so replacing it is one
// atomic write and a client is in exactly one advisor's gsi1 partition, or none.
const keys = {
  client: (id: string) => ({ pk: `CLIENT#${id}`, sk: 'CLIENT' }),
  advisor: (id: string) => ({ pk: `ADVISOR#${id}`, sk: 'ADVISOR' }),
  advisorClients: (advisorId: string) => `ADVISOR#${advisorId}`,
  availability: (available: boolean) => (available ? 'ADVISORS#available' : 'ADVISORS#unavailable'),
  allClients: 'CLIENTS',
  allAdvisors: 'ADVISORS',
};

const table = () => tableName('advisors');

type Item = Record<string, NativeAttributeValue>;

// BatchGetItem takes at most 100 keys and may hand back some unprocessed under load: retried with backoff.
const batchGet = async (
  itemKeys: Item[],
  projection: string,
  names?: Record<string, string>,
): Promise<Item[]> => {
  const found: Item[] = [];
  await mapBounded(chunks(itemKeys, 100), 8, async (batch) => {
    let pending: Item[] = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
      const out = await dynamo.send(
        new BatchGetCommand({
          RequestItems: {
            [table()]: {
              Keys: pending,
              ConsistentRead: true,
              ProjectionExpression: projection,
              ExpressionAttributeNames: names,
            },
          },
        }),
      );
      found.push(...(out.Responses?.[table()] ?? []));
      pending = (out.UnprocessedKeys?.[table()]?.Keys as Item[] | undefined) ?? [];
    }
  });
  return found;
};

/** The importable content of the stored clients and advisors with these ids (missing ids are absent). */
export const loadStoredContent = async (clientIds: string[], advisorIds: string[]) => {
  const [clients, advisors] = await Promise.all([
    batchGet(clientIds.map(keys.client), 'id, first_name, last_name, accounts'),
    batchGet(advisorIds.map(keys.advisor), 'id, #name, focus_areas', { '#name': 'name' }),
  ]);
  return {
    clients: new Map(clients.map((c) => [c.id as string, c as ClientContent])),
    advisors: new Map(advisors.map((a) => [a.id as string, a as AdvisorContent])),
  };
};

// A new entity is put only while it is still absent; one that appeared since this import read the
// table (a concurrent import created it, and it may have been assigned since) gets the content update
// instead. Entities that already exist are changed with UpdateItem setting only the imported content.
// Either way an import never drops an assignment or an availability.
const newClientItem = (c: ClientRecord): Item => ({
  ...keys.client(c.id),
  ...c,
  gsi2pk: keys.allClients,
  gsi2sk: c.name_key,
});

const newAdvisorItem = (a: AdvisorRecord): Item => ({
  ...keys.advisor(a.id),
  ...a,
  available: true,
  gsi1pk: keys.availability(true),
  gsi1sk: a.name_key,
  gsi2pk: keys.allAdvisors,
  gsi2sk: a.name_key,
});

const updateClientContent = (c: ClientRecord) =>
  dynamo.send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.client(c.id),
      UpdateExpression:
        'SET first_name = :first, last_name = :last, accounts = :accounts, total_cents = :total',
      ExpressionAttributeValues: {
        ':first': c.first_name,
        ':last': c.last_name,
        ':accounts': c.accounts,
        ':total': c.total_cents,
      },
    }),
  );

const updateAdvisorContent = (a: AdvisorRecord) =>
  dynamo.send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.advisor(a.id),
      UpdateExpression: 'SET #name = :name, focus_areas = :focus',
      ExpressionAttributeNames: { '#name': 'name' },
      ExpressionAttributeValues: { ':name': a.name, ':focus': a.focus_areas },
    }),
  );

// New entities go 100 per TransactWriteItems, each Put conditional on absence: the only DynamoDB write
// that batches conditional writes (BatchWriteItem cannot be conditional). A 20,000-client file is 200
// calls instead of 20,000, which is what sets the import's pace (the SDK's CPU per call in the Lambda;
// DynamoDB Local writes ~3x more items per second this way). A transaction is all or nothing: when it is
// cancelled, the entities whose condition failed get the content update, and the rest, cancelled only
// with them or by contention, go again without them. 100 entities of at most ~10 KB (the schema's limits)
// stay under the 4 MB a transaction may carry.
const TRANSACTION_MAX = 100;
const CREATE_ATTEMPTS = 6;
const CREATE_BACKOFF = { baseMs: 50, capMs: 2000 };

/** Why an action of a cancelled transaction may go again: none of its own, or contention that passes. */
const RETRIED_CANCELLATIONS = new Set(['None', 'TransactionConflict', 'ThrottlingError']);
const EXISTS = 'ConditionalCheckFailed';
const answerable = (code: string) => code === EXISTS || RETRIED_CANCELLATIONS.has(code);

/** Each action's cancellation code, in order, if `err` is a cancelled transaction. */
const cancellationCodes = (err: unknown): string[] | undefined => {
  const { name, CancellationReasons } = err as { name?: string; CancellationReasons?: { Code?: string }[] };
  return name === 'TransactionCanceledException'
    ? (CancellationReasons ?? []).map((reason) => reason.Code ?? 'None')
    : undefined;
};

const createEach = async <T>(
  chunk: T[],
  itemOf: (entity: T) => Item,
  otherwise: (entity: T) => Promise<unknown>,
) => {
  let pending = chunk;
  for (let attempt = 1; pending.length > 0; attempt++) {
    try {
      await dynamo.send(
        new TransactWriteCommand({
          TransactItems: pending.map((entity) => ({
            Put: {
              TableName: table(),
              Item: itemOf(entity),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          })),
        }),
      );
      return;
    } catch (err) {
      const codes = cancellationCodes(err);
      if (!codes?.every(answerable) || attempt === CREATE_ATTEMPTS) throw err;
      await mapBounded(
        pending.filter((_, i) => codes[i] === EXISTS),
        8,
        otherwise,
      );
      pending = pending.filter((_, i) => codes[i] !== EXISTS);
      // Full jitter, only when something else held the items: a condition failure is no reason to wait.
      if (codes.some((code) => code !== 'None' && code !== EXISTS)) {
        const { baseMs, capMs } = CREATE_BACKOFF;
        await sleep(Math.random() * Math.min(capMs, baseMs * 2 ** attempt));
      }
    }
  }
};

/** Creates each entity while absent (else `otherwise`), in transactions of 100, 4 in flight. */
const createAll = <T>(
  entities: T[],
  itemOf: (entity: T) => Item,
  otherwise: (entity: T) => Promise<unknown>,
) => mapBounded(chunks(entities, TRANSACTION_MAX), 4, (chunk) => createEach(chunk, itemOf, otherwise));

export const saveImport = async (plan: ImportPlan) => {
  await Promise.all([
    createAll(plan.clients.create, newClientItem, updateClientContent),
    createAll(plan.advisors.create, newAdvisorItem, updateAdvisorContent),
    mapBounded(plan.clients.update, 16, async (c) => void (await updateClientContent(c))),
    mapBounded(plan.advisors.update, 8, async (a) => void (await updateAdvisorContent(a))),
  ]);
};

/** Every page of a query, for the aggregates that must cover a whole partition. */
const queryAll = async (input: QueryCommandInput): Promise<Item[]> => {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const out = await dynamo.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
};

const clientsOf = (advisorId: string, projection: string) =>
  queryAll({
    TableName: table(),
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.advisorClients(advisorId) },
    ProjectionExpression: projection,
  });

// Counted from the same index the client list reads, so the count cannot drift from the list the way
// a maintained counter could (a counter would need a transaction with every reassignment).
const clientCount = async (advisorId: string): Promise<number> => {
  let count = 0;
  let start: Item | undefined;
  do {
    const out = await dynamo.send(
      new QueryCommand({
        TableName: table(),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.advisorClients(advisorId) },
        Select: 'COUNT',
        ExclusiveStartKey: start,
      }),
    );
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return count;
};

const toAdvisor = (item: Item, clients: number): Advisor => ({
  id: item.id as string,
  name: item.name as string,
  focus_areas: (item.focus_areas as string[] | undefined) ?? [],
  available: item.available as boolean,
  client_count: clients,
});

const toClientSummary = (item: Item): ClientSummary => ({
  id: item.id as string,
  first_name: item.first_name as string,
  last_name: item.last_name as string,
  advisor_id: (item.advisor_id as string | undefined) ?? null,
  total_value: fromCents(item.total_cents as number),
});

const toAdvisorClient = (item: Item): AdvisorClient => ({
  id: item.id as string,
  first_name: item.first_name as string,
  last_name: item.last_name as string,
  accounts: (item.accounts as { type: string; cents: number }[]).map((a) => ({
    type: a.type,
    value: fromCents(a.cents),
  })),
  total_value: fromCents(item.total_cents as number),
});

const withCounts = async (items: Item[]): Promise<Advisor[]> => {
  const advisors: Advisor[] = new Array(items.length);
  await mapBounded(
    items.map((item, i) => ({ item, i })),
    16,
    async ({ item, i }) => {
      advisors[i] = toAdvisor(item, await clientCount(item.id as string));
    },
  );
  return advisors;
};

const getAdvisorItem = async (id: string): Promise<Item | undefined> =>
  (await dynamo.send(new GetCommand({ TableName: table(), Key: keys.advisor(id), ConsistentRead: true })))
    .Item;

/** Whether the advisor takes new clients, read consistently; undefined when there is no such advisor. */
export const advisorAvailability = async (id: string): Promise<boolean | undefined> =>
  (await getAdvisorItem(id))?.available as boolean | undefined;

export const listAdvisors = async (
  available: boolean | undefined,
  limit: number,
  cursor?: string,
): Promise<Page<Advisor>> => {
  const scope = `advisors:${available ?? 'all'}`;
  const byAvailability = available !== undefined;
  const out = await dynamo.send(
    new QueryCommand({
      TableName: table(),
      IndexName: byAvailability ? 'gsi1' : 'gsi2',
      KeyConditionExpression: byAvailability ? 'gsi1pk = :pk' : 'gsi2pk = :pk',
      ExpressionAttributeValues: {
        ':pk': byAvailability ? keys.availability(available) : keys.allAdvisors,
      },
      Limit: limit,
      ExclusiveStartKey: await decodeCursor(scope, cursor),
    }),
  );
  return {
    items: await withCounts(out.Items ?? []),
    next_cursor: await encodeCursor(scope, out.LastEvaluatedKey),
  };
};

/** The advisor after the change, or undefined when there is none. */
export const setAvailability = async (id: string, available: boolean): Promise<Advisor | undefined> => {
  try {
    const out = await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.advisor(id),
        UpdateExpression: 'SET available = :available, gsi1pk = :pk',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':available': available, ':pk': keys.availability(available) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toAdvisor(out.Attributes ?? {}, await clientCount(id));
  } catch (err) {
    if (isConditionFailure(err)) return undefined;
    throw err;
  }
};

export const listClients = async (limit: number, cursor?: string): Promise<Page<ClientSummary>> => {
  const out = await dynamo.send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.allClients },
      Limit: limit,
      ExclusiveStartKey: await decodeCursor('clients', cursor),
    }),
  );
  return {
    items: (out.Items ?? []).map(toClientSummary),
    next_cursor: await encodeCursor('clients', out.LastEvaluatedKey),
  };
};

/**
 * Points the client at the advisor in one conditional UpdateItem (value and index keys together), so
 * concurrent assignments serialise on the item and the last one wins whole. Undefined: no such client.
 */
export const setClientAdvisor = async (
  clientId: string,
  advisorId: string,
): Promise<ClientSummary | undefined> => {
  try {
    const out = await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.client(clientId),
        UpdateExpression: 'SET advisor_id = :advisor, gsi1pk = :pk, gsi1sk = name_key',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':advisor': advisorId, ':pk': keys.advisorClients(advisorId) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toClientSummary(out.Attributes ?? {});
  } catch (err) {
    if (isConditionFailure(err)) return undefined;
    throw err;
  }
};

/** False when there is no such client; a client without an advisor stays without one. */
export const clearClientAdvisor = async (clientId: string): Promise<boolean> => {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.client(clientId),
        UpdateExpression: 'REMOVE advisor_id, gsi1pk, gsi1sk',
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
};

export interface AdvisorClientsPage extends Page<AdvisorClient> {
  advisor: Advisor;
  total_value: number;
}

/** Undefined when there is no such advisor. */
export const advisorClients = async (
  advisorId: string,
  limit: number,
  cursor?: string,
): Promise<AdvisorClientsPage | undefined> => {
  const scope = `advisor-clients:${advisorId}`;
  const start = await decodeCursor(scope, cursor);
  const advisorItem = await getAdvisorItem(advisorId);
  if (!advisorItem) return undefined;
  // The totals and the count come from one pass over the index, so they agree with each other.
  const [page, all] = await Promise.all([
    dynamo.send(
      new QueryCommand({
        TableName: table(),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.advisorClients(advisorId) },
        Limit: limit,
        ExclusiveStartKey: start,
      }),
    ),
    clientsOf(advisorId, 'total_cents'),
  ]);
  const totalCents = all.reduce((sum, item) => sum + (item.total_cents as number), 0);
  return {
    advisor: toAdvisor(advisorItem, all.length),
    items: (page.Items ?? []).map(toAdvisorClient),
    next_cursor: await encodeCursor(scope, page.LastEvaluatedKey),
    total_value: fromCents(totalCents),
  };
};
