import { describe, expect, test } from '@jest/globals';
import { callerFromContext, decideAccess, ownerScope, toAuthContext } from '../../../shared/core/auth.ts';

const app = { kind: 'application' as const, applicationId: 'app-1', scopes: ['events', 'bus'] };

describe('decideAccess', () => {
  test('public routes are open to anyone', () => {
    expect(decideAccess('public', undefined)).toBe('allow');
  });
  test('no caller on a protected route is unauthorized', () => {
    expect(decideAccess('events', undefined)).toBe('unauthorized');
    expect(decideAccess('admin', undefined)).toBe('unauthorized');
  });
  test('the admin may call every route', () => {
    expect(decideAccess('admin', { kind: 'admin' })).toBe('allow');
    expect(decideAccess('datasets', { kind: 'admin' })).toBe('allow');
  });
  test('an application may call routes of its scopes only, and never admin routes', () => {
    expect(decideAccess('events', app)).toBe('allow');
    expect(decideAccess('locations', app)).toBe('forbidden');
    expect(decideAccess('admin', app)).toBe('forbidden');
  });
});

describe('authorizer context', () => {
  test('round-trips an application caller through the string-only context', () => {
    expect(callerFromContext(toAuthContext('allow', app))).toEqual(app);
    expect(callerFromContext(toAuthContext('allow', { kind: 'admin' }))).toEqual({ kind: 'admin' });
    expect(callerFromContext(toAuthContext('unauthorized', undefined))).toBeUndefined();
  });
  test('an application is confined to its own data; the admin may pick one or see all', () => {
    expect(ownerScope(app, 'other-app')).toBe('app-1');
    expect(ownerScope({ kind: 'admin' }, 'other-app')).toBe('other-app');
    expect(ownerScope({ kind: 'admin' })).toBeUndefined();
  });
});
