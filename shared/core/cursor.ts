import { createHmac, timingSafeEqual } from 'node:crypto';
import { validationError } from './errors.ts';
import { secretValue } from './secrets.ts';

// Opaque, tamper-safe pagination cursors: base64url(JSON) + HMAC. The `scope` binds a cursor to the
// query that produced it, so a cursor from one listing (or one application) cannot page another.
const sign = (key: string, scope: string, payload: string) =>
  createHmac('sha256', key).update(scope).update('\0').update(payload).digest('base64url').slice(0, 22);

export const encodeCursor = async (scope: string, position: unknown): Promise<string | null> => {
  if (position === undefined || position === null) return null;
  const payload = Buffer.from(JSON.stringify(position)).toString('base64url');
  return `${payload}.${sign(await secretValue('CURSOR_KEY'), scope, payload)}`;
};

export const decodeCursor = async <T = Record<string, unknown>>(
  scope: string,
  cursor: string | undefined,
): Promise<T | undefined> => {
  if (cursor === undefined) return undefined;
  const [payload, mac] = cursor.split('.');
  const expected = payload ? sign(await secretValue('CURSOR_KEY'), scope, payload) : '';
  if (
    !payload ||
    !mac ||
    mac.length !== expected.length ||
    !timingSafeEqual(Buffer.from(mac), Buffer.from(expected))
  ) {
    throw validationError('Invalid cursor', [
      { path: 'cursor', message: 'not a cursor issued for this query' },
    ]);
  }
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as T;
};
