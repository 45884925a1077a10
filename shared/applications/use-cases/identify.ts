import type { Caller } from '../../core/auth.ts';
import { secretValue } from '../../core/secrets.ts';
import { bearerToken, hashToken, sameToken } from '../keys.ts';
import { findByKeyHash } from '../repository.ts';

// Key look-ups are cached per container for up to AUTH_CACHE_TTL_SECONDS (≤ 60): the bound API.md
// gives for a deleted key to stop working. The local runtime sets it to 0.
const cache = new Map<string, { caller: Caller | undefined; until: number }>();

const identify = async (token: string, ttlSeconds: number): Promise<Caller | undefined> => {
  if (sameToken(token, await secretValue('ADMIN_TOKEN'))) return { kind: 'admin' };
  const hash = hashToken(token);
  const now = Date.now();
  const hit = cache.get(hash);
  if (hit && hit.until > now) return hit.caller;
  const app = await findByKeyHash(hash);
  const caller: Caller | undefined =
    app && sameToken(app.key_hash, hash)
      ? { kind: 'application', applicationId: app.id, scopes: app.scopes }
      : undefined;
  if (ttlSeconds > 0) {
    if (cache.size > 10_000) cache.clear();
    cache.set(hash, { caller, until: now + ttlSeconds * 1000 });
  }
  return caller;
};

/** The caller a request's Authorization header names: undefined without a bearer token or for an unknown one. */
export const callerOfHeader = async (header: string | undefined, ttlSeconds: number) => {
  const token = bearerToken(header);
  return token ? identify(token, ttlSeconds) : undefined;
};
