import { tableName } from '../core/env.ts';
import { BUILTIN_CREATED_AT, builtinSchema, GLOBAL_OWNER, type Mode } from './types.ts';

// Event types live in the events table. One partition per type (owner + category + name) holds its
// head (mode, latest version) and its immutable versions, so one Query reads a type whole and one
// BatchGetItem the heads a message needs. Heads are listed per owner (gsi1, by category then name)
// and per category across owners (gsi2: the names a category query of events must merge).
// Category and name are URI-encoded in keys: they may contain the `#` that separates key parts.
// A built-in type is stored only once it changes (a new version, a mode): until then its head is the
// code's (types.ts), and the first change writes head and version 1 with it.
const enc = encodeURIComponent;
export const keys = {
  type: (owner: string, category: string, name: string) => `ET#${owner}#${enc(category)}#${enc(name)}`,
  head: (owner: string, category: string, name: string) => ({
    pk: keys.type(owner, category, name),
    sk: 'HEAD',
  }),
  version: (owner: string, category: string, name: string, version: number) => ({
    pk: keys.type(owner, category, name),
    sk: `V#${String(version).padStart(6, '0')}`,
  }),
  byOwner: (owner: string) => `ETO#${owner}`,
  ownerOrder: (category: string, name: string) => `${enc(category)}#${enc(name)}`,
  byCategory: (category: string) => `ETC#${enc(category)}`,
  categoryOrder: (name: string, owner: string) => `${enc(name)}#${owner}`,
};

export const table = () => tableName('events');

export interface TypeHead {
  owner: string;
  category: string;
  name: string;
  mode: Mode;
  latest_version: number;
  created_at: string;
}

export interface TypeVersion {
  version: number;
  schema: unknown;
  created_at: string;
}

export const toHead = (item: Record<string, unknown>): TypeHead => ({
  owner: item.owner as string,
  category: item.category as string,
  name: item.name as string,
  mode: item.mode as Mode,
  latest_version: item.latest_version as number,
  created_at: item.created_at as string,
});

export const toVersion = (item: Record<string, unknown>): TypeVersion => ({
  version: item.version as number,
  schema: JSON.parse(item.schema as string),
  created_at: item.created_at as string,
});

export const builtinHead = (category: string, name: string): TypeHead | undefined =>
  builtinSchema(category, name)
    ? {
        owner: GLOBAL_OWNER,
        category,
        name,
        mode: 'enforce',
        latest_version: 1,
        created_at: BUILTIN_CREATED_AT,
      }
    : undefined;

export const headItem = (head: TypeHead) => ({
  ...keys.head(head.owner, head.category, head.name),
  kind: 'type',
  ...head,
  gsi1pk: keys.byOwner(head.owner),
  gsi1sk: keys.ownerOrder(head.category, head.name),
  gsi2pk: keys.byCategory(head.category),
  gsi2sk: keys.categoryOrder(head.name, head.owner),
});

export const versionItem = (head: Pick<TypeHead, 'owner' | 'category' | 'name'>, version: TypeVersion) => ({
  ...keys.version(head.owner, head.category, head.name, version.version),
  kind: 'type_version',
  version: version.version,
  schema: JSON.stringify(version.schema),
  created_at: version.created_at,
});

/** The writes that store a built-in type as the code defines it: its head and its version 1. */
export const builtinPuts = (head: TypeHead) => [
  { Put: { TableName: table(), Item: headItem(head), ConditionExpression: 'attribute_not_exists(pk)' } },
  {
    Put: {
      TableName: table(),
      Item: versionItem(head, {
        version: 1,
        schema: builtinSchema(head.category, head.name),
        created_at: BUILTIN_CREATED_AT,
      }),
    },
  },
];
