import { createHash } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { bearerToken, hashToken, newApiKey, sameToken } from '../../../shared/applications/keys.ts';

describe('API keys', () => {
  test('are long random tokens that never repeat', () => {
    const keys = new Set(Array.from({ length: 100 }, newApiKey));
    expect(keys.size).toBe(100);
    for (const key of keys) expect(key).toMatch(/^eye_[A-Za-z0-9_-]{43}$/);
  });
  test('are stored as their SHA-256', () => {
    expect(hashToken('abc')).toBe(createHash('sha256').update('abc').digest('hex'));
  });
  test('compare equal only when identical, whatever the lengths', () => {
    expect(sameToken('secret', 'secret')).toBe(true);
    expect(sameToken('secret', 'secreT')).toBe(false);
    expect(sameToken('secret', 'secret-longer')).toBe(false);
  });
  test('are read from a Bearer authorization header only', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
  });
});
