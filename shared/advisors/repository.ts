import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/aws/dynamo.ts';
import { decodeCursor, encodeCursor } from '../core/cursor.ts';
import { updateIfExists } from '../core/dynamo.ts';
import { withRetries } from '../core/retry.ts';
import type { Page } from '../core/validation.ts';
import { CLIENT_SHARDS, keys, table } from './keys.ts';
import { fromCents } from './money.ts';
import type { Advisor, AdvisorClient, ClientSummary } from './schemas.ts';
import { mergeShards } from './sharded-page.ts';
import { batchGet, bookChange, CONDITION_FAILED, CONTENTION, type Item, retryableCodes } from './store.ts';

// Listings and assignments. Every page is one Query of the index that serves it (or one per shard of
// the client listing) plus the books of the advisors on it: its cost follows the page, not the data.
// An assignment lives on the client item (advisor_id and its gsi1 keys), so a client is in exactly one
// advisor's gsi1 partition, or none; it changes in one transaction with the books it moves between.

/** An advisor's book as stored; an advisor that never had a client has none. */
const bookFigures = (book: Item | undefined) => ({
  clients: (book?.client_count as number | undefined) ?? 0,
  cents: (book?.total_cents as number | undefined) ?? 0,
});

const toAdvisor = (item: Item, book: Item | undefined): Advisor => ({
  id: item.id as string,
  name: item.name as string,
  focus_areas: (item.focus_areas as string[] | undefined) ?? [],
  available: item.available as boolean,
  client_count: bookFigures(book).clients,
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

const getItem = async (key: Item): Promise<Item | undefined> =>
  (await dynamo.send(new GetCommand({ TableName: table(), Key: key, ConsistentRead: true }))).Item;

/** Whether the advisor takes new clients, read consistently; undefined when there is no such advisor. */
export const advisorAvailability = async (id: string): Promise<boolean | undefined> =>
  (await getItem(keys.advisor(id)))?.available as boolean | undefined;

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
  const items = out.Items ?? [];
  // Eventually consistent, like the index page they go with.
  const books = await batchGet(
    items.map((item) => keys.book(item.id as string)),
    { projection: 'pk, client_count', consistent: false },
  );
  const bookOf = new Map(books.map((book) => [book.pk as string, book]));
  return {
    items: items.map((item) => toAdvisor(item, bookOf.get(keys.book(item.id as string).pk))),
    next_cursor: await encodeCursor(scope, out.LastEvaluatedKey),
  };
};

/** The advisor after the change, or undefined when there is none. */
export const setAvailability = async (id: string, available: boolean): Promise<Advisor | undefined> => {
  const [advisor, book] = await Promise.all([
    updateIfExists({
      TableName: table(),
      Key: keys.advisor(id),
      UpdateExpression: 'SET available = :available, gsi1pk = :pk',
      ExpressionAttributeValues: { ':available': available, ':pk': keys.availability(available) },
    }),
    getItem(keys.book(id)),
  ]);
  return advisor && toAdvisor(advisor, book);
};

// The shards are merged by gsi2sk (last#first#id, unique), which is also the cursor: the page after it.
export const listClients = async (limit: number, cursor?: string): Promise<Page<ClientSummary>> => {
  const after = (await decodeCursor<{ after: string }>('clients', cursor))?.after;
  const page = await mergeShards(
    CLIENT_SHARDS,
    limit,
    (item: Item) => item.gsi2sk as string,
    async (shard, count, start) => {
      const out = await dynamo.send(
        new QueryCommand({
          TableName: table(),
          IndexName: 'gsi2',
          KeyConditionExpression: after === undefined ? 'gsi2pk = :pk' : 'gsi2pk = :pk AND gsi2sk > :after',
          ExpressionAttributeValues: {
            ':pk': keys.clientsShard(shard),
            ...(after === undefined ? {} : { ':after': after }),
          },
          Limit: count,
          ExclusiveStartKey: start,
        }),
      );
      return { items: out.Items ?? [], next: out.LastEvaluatedKey };
    },
  );
  const last = page.items.at(-1);
  return {
    items: page.items.map(toClientSummary),
    next_cursor: page.more && last ? await encodeCursor('clients', { after: last.gsi2sk }) : null,
  };
};

export type Move = { client: ClientSummary } | { refused: 'no-client' | 'unavailable' | 'contended' };

/**
 * The writes of moving a client from its advisor (if any) to `to` (none: unassigned), all or nothing:
 * the client, conditioned on the advisor and total it was read with; the new advisor, still available;
 * both books, by one client and its total.
 */
const moveActions = (client: Item, to: string | undefined) => {
  const from = client.advisor_id as string | undefined;
  const cents = client.total_cents as number;
  return [
    {
      Update: {
        TableName: table(),
        Key: keys.client(client.id as string),
        UpdateExpression:
          to === undefined
            ? 'REMOVE advisor_id, gsi1pk, gsi1sk'
            : 'SET advisor_id = :to, gsi1pk = :pk, gsi1sk = name_key',
        ConditionExpression:
          from === undefined
            ? 'total_cents = :cents AND attribute_not_exists(advisor_id)'
            : 'total_cents = :cents AND advisor_id = :from',
        ExpressionAttributeValues: {
          ':cents': cents,
          ...(from === undefined ? {} : { ':from': from }),
          ...(to === undefined ? {} : { ':to': to, ':pk': keys.advisorClients(to) }),
        },
      },
    },
    ...(to === undefined
      ? []
      : [
          {
            ConditionCheck: {
              TableName: table(),
              Key: keys.advisor(to),
              ConditionExpression: 'available = :yes',
              ExpressionAttributeValues: { ':yes': true },
            },
          },
          bookChange(to, 1, cents),
        ]),
    ...(from === undefined ? [] : [bookChange(from, -1, -cents)]),
  ];
};

/** A move that lost to a concurrent one: it goes again from where the winner left the client. */
class Contended extends Error {
  constructor(cause: unknown) {
    super('The client was moved by a concurrent request', { cause });
    this.name = 'Contended';
  }
}

/**
 * Gives the client the advisor `to` (undefined: none). Concurrent moves of one client serialise on its
 * item's condition: the loser reads the client again and moves it from where the winner left it, so
 * the last one wins whole and every book stays exact. A client already where it is asked to go is left
 * alone, which makes a repeated request change nothing.
 */
export const moveClient = async (clientId: string, to: string | undefined): Promise<Move> => {
  try {
    return await withRetries(
      CONTENTION,
      async (): Promise<Move> => {
        const client = await getItem(keys.client(clientId));
        if (!client) return { refused: 'no-client' };
        const moved = toClientSummary({ ...client, advisor_id: to });
        if (client.advisor_id === to) return { client: moved };
        try {
          await dynamo.send(new TransactWriteCommand({ TransactItems: moveActions(client, to) }));
          return { client: moved };
        } catch (err) {
          const codes = retryableCodes(err);
          if (to !== undefined && codes[1] === CONDITION_FAILED) return { refused: 'unavailable' };
          // Whoever won may still be at it: the policy's random pause keeps the losers apart.
          throw new Contended(err);
        }
      },
      (err) => err instanceof Contended,
    );
  } catch (err) {
    if (err instanceof Contended) return { refused: 'contended' };
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
  // The advisor and its book share a partition: one consistent Query reads both.
  const [own, page] = await Promise.all([
    dynamo.send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.advisorPartition(advisorId) },
        ConsistentRead: true,
      }),
    ),
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
  ]);
  const advisorItem = own.Items?.find((item) => item.sk === keys.advisor(advisorId).sk);
  if (!advisorItem) return undefined;
  const book = own.Items?.find((item) => item.sk === keys.book(advisorId).sk);
  return {
    advisor: toAdvisor(advisorItem, book),
    items: (page.Items ?? []).map(toAdvisorClient),
    next_cursor: await encodeCursor(scope, page.LastEvaluatedKey),
    total_value: fromCents(bookFigures(book).cents),
  };
};
