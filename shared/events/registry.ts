import type { TypeHead } from './type-keys.ts';
import { readHeads, readVersions } from './type-repository.ts';
import {
  builtinSchema,
  builtinValidator,
  compiledValidator,
  GLOBAL_OWNER,
  type ResolvedType,
  type TypeRegistry,
  versionValidator,
} from './types.ts';

const versionKey = (owner: string, category: string, name: string, version: number) =>
  `${owner}\u0000${category}\u0000${name}\u0000${version}`;

const isBuiltinVersion = (head: TypeHead, version: number) =>
  head.owner === GLOBAL_OWNER && version === 1 && builtinSchema(head.category, head.name) !== undefined;

const typeOf = (sent: unknown) => {
  const event = (sent && typeof sent === 'object' ? sent : {}) as Record<string, unknown>;
  const { category, name, schema_version: version } = event;
  if (typeof category !== 'string' || typeof name !== 'string') return undefined;
  return { category, name, version: typeof version === 'number' ? version : undefined };
};

/**
 * The types the events of one message (one application) are judged by, read as they are now:
 * the heads in one BatchGetItem (mode and latest version may change at any time), and the versions
 * this container has not compiled yet in another.
 */
export const loadRegistry = async (applicationId: string, events: unknown[]): Promise<TypeRegistry> => {
  const pairs = new Map<string, { category: string; name: string }>();
  for (const sent of events) {
    const type = typeOf(sent);
    if (type) pairs.set(`${type.category}\u0000${type.name}`, type);
  }
  const wanted = [...pairs.values()].flatMap((p) => [
    { owner: applicationId, ...p },
    { owner: GLOBAL_OWNER, ...p },
  ]);
  const heads = new Map<string, TypeHead>();
  for (const head of await readHeads(wanted)) {
    const key = `${head.category}\u0000${head.name}`;
    // An application's own type shadows the global one.
    if (!heads.has(key) || head.owner !== GLOBAL_OWNER) heads.set(key, head);
  }
  const missing = new Map<string, { owner: string; category: string; name: string; version: number }>();
  for (const sent of events) {
    const type = typeOf(sent);
    const head = type && heads.get(`${type.category}\u0000${type.name}`);
    if (!head || head.mode === 'off') continue;
    const version = type.version ?? head.latest_version;
    if (!Number.isInteger(version) || version < 1 || version > head.latest_version) continue;
    if (isBuiltinVersion(head, version)) continue;
    const key = versionKey(head.owner, head.category, head.name, version);
    if (!compiledValidator(key))
      missing.set(key, { owner: head.owner, category: head.category, name: head.name, version });
  }
  for (const stored of await readVersions([...missing.values()])) {
    const key = versionKey(stored.owner, stored.category, stored.name, stored.version);
    versionValidator(key, stored.schema);
  }
  return (category, name): ResolvedType | undefined => {
    const head = heads.get(`${category}\u0000${name}`);
    if (!head) return undefined;
    return {
      owner: head.owner,
      mode: head.mode,
      latestVersion: head.latest_version,
      validator: (version) => {
        if (!Number.isInteger(version) || version < 1 || version > head.latest_version) return undefined;
        if (isBuiltinVersion(head, version)) return builtinValidator(category, name);
        return compiledValidator(versionKey(head.owner, category, name, version));
      },
    };
  };
};
