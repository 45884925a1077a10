import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// API keys are random 256-bit tokens; only their SHA-256 is stored. A fast hash is right here (unlike
// passwords): the keys have full entropy, so there is nothing to brute-force.
export const newApiKey = (): string => `eye_${randomBytes(32).toString('base64url')}`;

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Constant-time equality of two tokens, whatever their lengths. */
export const sameToken = (a: string, b: string): boolean =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

export const bearerToken = (header: string | undefined): string | undefined => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
};
