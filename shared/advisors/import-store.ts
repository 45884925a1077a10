import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/aws/dynamo.ts';
import { chunks, mapBounded } from '../core/concurrency.ts';
import { Unprocessed, untilNoneLeft } from '../core/retry.ts';
import { type ClientState, type ClientUpdate, type UpdateBatch, updateBatches } from './book.ts';
import {
  type AdvisorContent,
  type AdvisorRecord,
  type ClientContent,
  type ClientRecord,
  type ImportPlan,
  planImport,
} from './import-plan.ts';
import { clientShard, keys, table } from './keys.ts';
import { batchGet, bookChange, CONDITION_FAILED, CONTENTION, type Item, retryableCodes } from './store.ts';

// The import's reads and writes. A client's content changes in a transaction with its advisor's book
// and is conditioned on the assignment and total it was read with, so a concurrent assignment, another
// import or a retry can never leave a book's total off by a client's change: the loser rereads.

export interface StoredClient extends ClientContent, ClientState {}

export interface StoredContent {
  clients: ReadonlyMap<string, StoredClient>;
  advisors: ReadonlyMap<string, AdvisorContent>;
}

const loadClients = async (ids: string[]) =>
  new Map(
    (
      await batchGet(ids.map(keys.client), {
        projection: 'id, first_name, last_name, accounts, total_cents, advisor_id',
        consistent: true,
      })
    ).map((c) => [c.id as string, c as StoredClient]),
  );

/** The importable content and state of the stored clients and advisors with these ids (missing ids are absent). */
export const loadStoredContent = async (
  clientIds: string[],
  advisorIds: string[],
): Promise<StoredContent> => {
  const [clients, advisors] = await Promise.all([
    loadClients(clientIds),
    batchGet(advisorIds.map(keys.advisor), {
      projection: 'id, #name, focus_areas',
      names: { '#name': 'name' },
      consistent: true,
    }),
  ]);
  return { clients, advisors: new Map(advisors.map((a) => [a.id as string, a as AdvisorContent])) };
};

// A new entity is put only while it is still absent; one that appeared since this import read the
// table (a concurrent import created it, and it may have been assigned since) gets the content update
// instead. Either way an import never drops an assignment or an availability.
const newClientItem = (c: ClientRecord): Item => ({
  ...keys.client(c.id),
  ...c,
  gsi2pk: keys.clientsShard(clientShard(c.id)),
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

const contentUpdate = ({ record: c, was }: ClientUpdate) => ({
  Update: {
    TableName: table(),
    Key: keys.client(c.id),
    UpdateExpression:
      'SET first_name = :first, last_name = :last, accounts = :accounts, total_cents = :total',
    ConditionExpression:
      was.advisor_id === undefined
        ? 'total_cents = :was AND attribute_not_exists(advisor_id)'
        : 'total_cents = :was AND advisor_id = :advisor',
    ExpressionAttributeValues: {
      ':first': c.first_name,
      ':last': c.last_name,
      ':accounts': c.accounts,
      ':total': c.total_cents,
      ':was': was.total_cents,
      ...(was.advisor_id === undefined ? {} : { ':advisor': was.advisor_id }),
    },
  },
});

/** The records whose content differs from what is stored, with the state they were read in. */
const updatesAgainst = (records: ClientRecord[], stored: ReadonlyMap<string, StoredClient>): ClientUpdate[] =>
  planImport({ clients: records, advisors: [] }, { clients: stored, advisors: new Map() }).clients.update.map(
    (record) => {
      const { advisor_id, total_cents } = stored.get(record.id)!;
      return { record, was: { advisor_id, total_cents } };
    },
  );

interface BatchOutcome {
  /** Clients written meanwhile by someone else: to be read again. */
  lost: ClientRecord[];
  /** Updates cancelled only with the others or by contention: to go again as they are. */
  again: ClientUpdate[];
}

const writeBatch = async (batch: UpdateBatch): Promise<BatchOutcome> => {
  try {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          ...batch.updates.map(contentUpdate),
          ...batch.books.map((book) => bookChange(book.advisorId, 0, book.cents)),
        ],
      }),
    );
    return { lost: [], again: [] };
  } catch (err) {
    const codes = retryableCodes(err);
    return {
      lost: batch.updates.filter((_, i) => codes[i] === CONDITION_FAILED).map((u) => u.record),
      again: batch.updates.filter((_, i) => codes[i] !== CONDITION_FAILED),
    };
  }
};

/** Applies content updates with their books, 4 transactions in flight, until none is left. */
const updateClients = (updates: ClientUpdate[]) =>
  untilNoneLeft(
    CONTENTION,
    updates,
    async (pending) => {
      const outcomes = await mapBounded(updateBatches(pending), 4, writeBatch);
      const lost = outcomes.flatMap((o) => o.lost);
      const reread = lost.length > 0 ? updatesAgainst(lost, await loadClients(lost.map((c) => c.id))) : [];
      return [...outcomes.flatMap((o) => o.again), ...reread];
    },
    'contended client updates',
  );

/** Clients found to exist after all: their content goes the update way, against what is stored now. */
const refreshClients = async (records: ClientRecord[]) =>
  updateClients(updatesAgainst(records, await loadClients(records.map((c) => c.id))));

// New entities go 100 per TransactWriteItems, each Put conditional on absence: the only DynamoDB write
// that batches conditional writes (BatchWriteItem cannot be conditional). A 20,000-client file is 200
// calls instead of 20,000, which is what sets the import's pace (the SDK's CPU per call in the Lambda;
// DynamoDB Local writes ~3x more items per second this way). A transaction is all or nothing: when it is
// cancelled, the entities whose condition failed get the content update, and the rest, cancelled only
// with them or by contention, go again without them. 100 entities of at most ~10 KB (the schema's limits)
// stay under the 4 MB a transaction may carry.
const TRANSACTION_MAX = 100;

const createEach = async <T>(
  chunk: T[],
  itemOf: (entity: T) => Item,
  otherwise: (existing: T[]) => Promise<unknown>,
) => {
  let cancelled: unknown;
  try {
    await untilNoneLeft(
      CONTENTION,
      chunk,
      async (pending) => {
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
          return [];
        } catch (err) {
          const codes = retryableCodes(err);
          cancelled = err;
          const existing = pending.filter((_, i) => codes[i] === CONDITION_FAILED);
          if (existing.length > 0) await otherwise(existing);
          return pending.filter((_, i) => codes[i] !== CONDITION_FAILED);
        }
      },
      'entities to create',
    );
  } catch (err) {
    // Contention that never passed: the import fails with what DynamoDB said last.
    throw err instanceof Unprocessed ? cancelled : err;
  }
};

/** Creates each entity while absent (else `otherwise`), in transactions of 100, 4 in flight. */
const createAll = <T>(
  entities: T[],
  itemOf: (entity: T) => Item,
  otherwise: (existing: T[]) => Promise<unknown>,
) => mapBounded(chunks(entities, TRANSACTION_MAX), 4, (chunk) => createEach(chunk, itemOf, otherwise));

/** Writes the plan made against `stored`: creations, and updates conditioned on what was read. */
export const saveImport = async (plan: ImportPlan, stored: StoredContent) => {
  await Promise.all([
    createAll(plan.clients.create, newClientItem, refreshClients),
    createAll(plan.advisors.create, newAdvisorItem, (existing) =>
      mapBounded(existing, 8, updateAdvisorContent),
    ),
    updateClients(updatesAgainst(plan.clients.update, stored.clients)),
    mapBounded(plan.advisors.update, 8, updateAdvisorContent),
  ]);
};
