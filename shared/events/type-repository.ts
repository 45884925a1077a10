import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/aws/dynamo.ts';
import { batchGetAll, cancellationCodes, queryAll, updateIfExists } from '../core/dynamo.ts';
import { type RetryPolicy, withRetries } from '../core/retry.ts';
import {
  builtinHead,
  builtinPuts,
  headItem,
  keys,
  type TypeHead,
  type TypeVersion,
  table,
  toHead,
  toVersion,
  versionItem,
} from './type-keys.ts';
import { BUILTIN_CREATED_AT, BUILTIN_JSON_SCHEMAS, builtinSchema, GLOBAL_OWNER, type Mode } from './types.ts';

// The event types' reads and writes; type-keys.ts has their layout, keys and items.

const cancelledByCondition = (err: unknown) =>
  cancellationCodes(err)?.includes('ConditionalCheckFailed') === true;

/** The head of a type, stored or built in; undefined if the owner has no such type. */
export const readHead = async (
  owner: string,
  category: string,
  name: string,
): Promise<TypeHead | undefined> => {
  const out = await dynamo.send(
    new GetCommand({ TableName: table(), Key: keys.head(owner, category, name), ConsistentRead: true }),
  );
  if (out.Item) return toHead(out.Item);
  return owner === GLOBAL_OWNER ? builtinHead(category, name) : undefined;
};

/** The heads of these (owner, category, name) triples that exist, stored or built in. */
export const readHeads = async (
  wanted: { owner: string; category: string; name: string }[],
): Promise<TypeHead[]> => {
  const stored = (
    await batchGetAll(
      table(),
      wanted.map((w) => keys.head(w.owner, w.category, w.name)),
    )
  ).map(toHead);
  const found = new Set(stored.map((h) => keys.type(h.owner, h.category, h.name)));
  const builtins = wanted
    .filter((w) => w.owner === GLOBAL_OWNER && !found.has(keys.type(w.owner, w.category, w.name)))
    .flatMap((w) => builtinHead(w.category, w.name) ?? []);
  return [...stored, ...builtins];
};

/** Stored versions (never a built-in's version 1 that was not stored). */
export const readVersions = async (
  wanted: { owner: string; category: string; name: string; version: number }[],
): Promise<(TypeVersion & { owner: string; category: string; name: string })[]> => {
  const items = await batchGetAll(
    table(),
    wanted.map((w) => keys.version(w.owner, w.category, w.name, w.version)),
  );
  const byKey = new Map(items.map((item) => [`${item.pk}\u0000${item.sk}`, item]));
  return wanted.flatMap((w) => {
    const key = keys.version(w.owner, w.category, w.name, w.version);
    const item = byKey.get(`${key.pk}\u0000${key.sk}`);
    return item ? [{ ...toVersion(item), owner: w.owner, category: w.category, name: w.name }] : [];
  });
};

/** A type with every version, oldest first; undefined if it does not exist. */
export const readType = async (owner: string, category: string, name: string) => {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.type(owner, category, name) },
    ConsistentRead: true,
  });
  const headItem = items.find((i) => i.sk === 'HEAD');
  if (headItem) {
    return { head: toHead(headItem), versions: items.filter((i) => i.sk !== 'HEAD').map(toVersion) };
  }
  const builtin = owner === GLOBAL_OWNER ? builtinHead(category, name) : undefined;
  if (!builtin) return undefined;
  const schema = builtinSchema(category, name);
  return { head: builtin, versions: [{ version: 1, schema, created_at: BUILTIN_CREATED_AT }] };
};

/** Creates a type at version 1; false when the owner already has it (a built-in counts as existing). */
export const createType = async (head: TypeHead, schema: unknown): Promise<boolean> => {
  if (head.owner === GLOBAL_OWNER && builtinHead(head.category, head.name)) return false;
  try {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table(),
              Item: headItem(head),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: table(),
              Item: versionItem(head, { version: 1, schema, created_at: head.created_at }),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
    return true;
  } catch (err) {
    if (cancelledByCondition(err)) return false;
    throw err;
  }
};

/** Concurrent additions of a version to one type: the loser rereads the head and takes the next number. */
const VERSION_RACE: RetryPolicy = { attempts: 5, baseMs: 40, capMs: 320 };

/**
 * Adds the next version: the head's `latest_version` moves from N to N+1 and version N+1 is written
 * in one transaction conditioned on N, so two concurrent additions get two numbers and a crash
 * leaves no head pointing at a missing version. Undefined when the type does not exist.
 */
export const addVersion = async (
  owner: string,
  category: string,
  name: string,
  schema: unknown,
  now: string,
): Promise<(TypeVersion & { head: TypeHead }) | undefined> =>
  withRetries(
    VERSION_RACE,
    async () => {
      const stored = await dynamo.send(
        new GetCommand({ TableName: table(), Key: keys.head(owner, category, name), ConsistentRead: true }),
      );
      const current = stored.Item
        ? toHead(stored.Item)
        : owner === GLOBAL_OWNER
          ? builtinHead(category, name)
          : undefined;
      if (!current) return undefined;
      const next = current.latest_version + 1;
      const head = { ...current, latest_version: next };
      const version = { version: next, schema, created_at: now };
      const writes = stored.Item
        ? [
            {
              Update: {
                TableName: table(),
                Key: keys.head(owner, category, name),
                UpdateExpression: 'SET latest_version = :next',
                ConditionExpression: 'latest_version = :current',
                ExpressionAttributeValues: { ':next': next, ':current': current.latest_version },
              },
            },
          ]
        : // A built-in's first change stores it as the code defines it.
          builtinPuts(head);
      await dynamo.send(
        new TransactWriteCommand({
          TransactItems: [
            ...writes,
            {
              Put: {
                TableName: table(),
                Item: versionItem(head, version),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return { ...version, head };
    },
    (err) => cancelledByCondition(err) || (err as Error).name === 'TransactionConflictException',
  );

/** Sets the mode of a type; undefined when it does not exist. */
export const setMode = async (
  owner: string,
  category: string,
  name: string,
  mode: Mode,
): Promise<TypeHead | undefined> => {
  const builtin = owner === GLOBAL_OWNER ? builtinHead(category, name) : undefined;
  if (builtin) {
    // Stores the built-in first if it never changed; a lost race means it is stored already.
    try {
      await dynamo.send(new TransactWriteCommand({ TransactItems: builtinPuts(builtin) }));
    } catch (err) {
      if (!cancelledByCondition(err)) throw err;
    }
  }
  const head = await updateIfExists({
    TableName: table(),
    Key: keys.head(owner, category, name),
    UpdateExpression: 'SET #mode = :mode',
    ExpressionAttributeNames: { '#mode': 'mode' },
    ExpressionAttributeValues: { ':mode': mode },
  });
  return head && toHead(head);
};

/** The stored heads of one owner, in (category, name) order from `from` on; `limit` at most. */
export const headsOfOwner = async (owner: string, limit: number, from?: string): Promise<TypeHead[]> => {
  const out = await dynamo.send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'gsi1',
      KeyConditionExpression: from ? 'gsi1pk = :pk AND gsi1sk >= :from' : 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.byOwner(owner), ...(from ? { ':from': from } : {}) },
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map(toHead);
};

/** The order key of a head within its owner's listing (what `headsOfOwner` pages by). */
export const ownerOrder = (head: Pick<TypeHead, 'category' | 'name'>) =>
  keys.ownerOrder(head.category, head.name);

/** The distinct names of a category's types among `owners` (every owner when undefined), stored or built in. */
export const namesInCategory = async (category: string, owners?: string[]): Promise<string[]> => {
  const names = new Set<string>(Object.keys(builtinCategory(category)));
  const items = await queryAll({
    TableName: table(),
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.byCategory(category) },
  });
  for (const item of items) {
    if (!owners || owners.includes(item.owner as string)) names.add(item.name as string);
  }
  return [...names];
};

const builtinCategory = (category: string) =>
  (Object.hasOwn(BUILTIN_JSON_SCHEMAS, category) ? BUILTIN_JSON_SCHEMAS[category] : undefined) ?? {};
