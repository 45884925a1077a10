import type { Caller } from '../../core/auth.ts';
import { decodeCursor, encodeCursor } from '../../core/cursor.ts';
import { conflict, forbidden, notFound } from '../../core/errors.ts';
import type { Page } from '../../core/validation.ts';
import type { TypeHead } from '../type-keys.ts';
import {
  addVersion,
  createType,
  headsOfOwner,
  ownerOrder,
  readHead,
  readType,
  setMode,
} from '../type-repository.ts';
import {
  BUILTIN_CREATED_AT,
  BUILTIN_JSON_SCHEMAS,
  compileSchema,
  GLOBAL_OWNER,
  type Mode,
} from '../types.ts';

interface TypeRef {
  category: string;
  name: string;
}

/** The owner a caller's writes go to: an application its own; the admin global, or an application's. */
const ownerOf = (caller: Caller, applicationId: string | undefined) =>
  caller.kind === 'application' ? caller.applicationId : (applicationId ?? GLOBAL_OWNER);

/**
 * The owner of the type a caller addresses: an application its own type if it has one, else the
 * global one (read-only for it: a change is 403); the admin the owner it names.
 */
const addressed = async (
  caller: Caller,
  applicationId: string | undefined,
  ref: TypeRef,
  change: boolean,
) => {
  const owner = ownerOf(caller, applicationId);
  if (owner === GLOBAL_OWNER || (await readHead(owner, ref.category, ref.name))) return owner;
  if (caller.kind === 'application' && (await readHead(GLOBAL_OWNER, ref.category, ref.name))) {
    if (change) throw forbidden('A global event type is read-only for an application');
    return GLOBAL_OWNER;
  }
  throw notFound(`No event type "${ref.name}" in category "${ref.category}"`);
};

const summary = (head: TypeHead) => ({
  category: head.category,
  name: head.name,
  owner: head.owner,
  mode: head.mode,
  latest_version: head.latest_version,
  created_at: head.created_at,
});

/** POST /event-types: a new type at version 1; its schema must compile. */
export const registerType = async (
  caller: Caller,
  applicationId: string | undefined,
  body: TypeRef & { schema: unknown; mode: Mode },
) => {
  compileSchema(body.schema);
  const head: TypeHead = {
    owner: ownerOf(caller, applicationId),
    category: body.category,
    name: body.name,
    mode: body.mode,
    latest_version: 1,
    created_at: new Date().toISOString(),
  };
  if (!(await createType(head, body.schema))) {
    throw conflict(
      `Event type "${body.name}" in category "${body.category}" already exists for ${head.owner}`,
    );
  }
  const { latest_version: _, ...rest } = summary(head);
  return { ...rest, version: 1, schema: body.schema };
};

/** POST /event-types/{category}/{name}/versions: the next immutable version. */
export const registerVersion = async (
  caller: Caller,
  applicationId: string | undefined,
  ref: TypeRef,
  schema: unknown,
) => {
  compileSchema(schema);
  const owner = await addressed(caller, applicationId, ref, true);
  const added = await addVersion(owner, ref.category, ref.name, schema, new Date().toISOString());
  if (!added) throw notFound(`No event type "${ref.name}" in category "${ref.category}"`);
  const { latest_version: _, ...rest } = summary(added.head);
  return { ...rest, version: added.version, schema, created_at: added.created_at };
};

/** PATCH /event-types/{category}/{name}: the mode of the type, for every version. */
export const changeMode = async (
  caller: Caller,
  applicationId: string | undefined,
  ref: TypeRef,
  mode: Mode,
) => {
  const owner = await addressed(caller, applicationId, ref, true);
  const head = await setMode(owner, ref.category, ref.name, mode);
  if (!head) throw notFound(`No event type "${ref.name}" in category "${ref.category}"`);
  return summary(head);
};

/** GET /event-types/{category}/{name}: the type with every version. */
export const describeType = async (caller: Caller, applicationId: string | undefined, ref: TypeRef) => {
  const owner = await addressed(caller, applicationId, ref, false);
  const type = await readType(owner, ref.category, ref.name);
  if (!type) throw notFound(`No event type "${ref.name}" in category "${ref.category}"`);
  return { ...summary(type.head), versions: type.versions };
};

const builtinHeads = (): TypeHead[] =>
  Object.entries(BUILTIN_JSON_SCHEMAS).flatMap(([category, names]) =>
    Object.keys(names).map((name) => ({
      owner: GLOBAL_OWNER,
      category,
      name,
      mode: 'enforce' as Mode,
      latest_version: 1,
      created_at: BUILTIN_CREATED_AT,
    })),
  );

// Listing order: category, name, then owner (an application's type before the global one it shadows).
const position = (head: TypeHead) => `${ownerOrder(head)}#${head.owner === GLOBAL_OWNER ? '1' : '0'}`;

/**
 * GET /event-types: the global types and the caller's own (the admin: the global ones, or with
 * `application_id` that application's too), one page of the merged listing.
 */
export const listTypes = async (
  caller: Caller,
  query: { application_id?: string; limit: number; cursor?: string },
): Promise<Page<ReturnType<typeof summary>>> => {
  const owner = caller.kind === 'application' ? caller.applicationId : query.application_id;
  const scope = `event-types:${owner ?? GLOBAL_OWNER}`;
  const after = (await decodeCursor<{ after: string }>(scope, query.cursor))?.after;
  // Each source is read from the cursor on, at most one page each; merged, the first page wins.
  const ownerAfter = after?.slice(0, after.lastIndexOf('#'));
  const [globals, own] = await Promise.all([
    headsOfOwner(GLOBAL_OWNER, query.limit + 1, ownerAfter),
    owner ? headsOfOwner(owner, query.limit + 1, ownerAfter) : Promise.resolve([]),
  ]);
  const stored = new Set(globals.map((h) => ownerOrder(h)));
  const builtins = builtinHeads().filter((h) => !stored.has(ownerOrder(h)));
  const merged = [...own, ...globals, ...builtins]
    .filter((h) => after === undefined || position(h) > after)
    .sort((a, b) => (position(a) < position(b) ? -1 : 1));
  const items = merged.slice(0, query.limit);
  const last = items.at(-1);
  const next = merged.length > query.limit && last ? { after: position(last) } : undefined;
  return { items: items.map(summary), next_cursor: await encodeCursor(scope, next) };
};
