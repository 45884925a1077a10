import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  allPages,
  createApp,
  eventually,
  OPERATOR_CREDENTIALS,
  startTestStack,
  type TestStack,
} from './harness.ts';

// Warm containers keep a secret's value this long (deployed: 300 s); the rotation test waits for it.
const SECRET_MAX_AGE_SECONDS = 2;

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ POWERTOOLS_PARAMETERS_MAX_AGE: String(SECRET_MAX_AGE_SECONDS) });
});
afterAll(async () => {
  await stack?.stop();
});

describe('platform routes', () => {
  test('health answers ok without a token', async () => {
    const res = await stack.request('GET', '/health', { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  test('the OpenAPI document is 3.1 and lists the application routes', async () => {
    const res = await stack.request('GET', '/openapi.json', { token: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/applications', '/applications/{application_id}']),
    );
  });

  test('an unknown route or method is a 404 with the error body', async () => {
    const unknown = await stack.request('GET', '/no-such-route', { token: null });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    const wrongMethod = await stack.request('PATCH', '/applications');
    expect(wrongMethod.status).toBe(404);
  });
});

describe('applications', () => {
  test('the admin creates an application whose key is shown once', async () => {
    const res = await stack.request('POST', '/applications', { body: { name: 'shop-frontend' } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'shop-frontend',
      scopes: ['events'],
      api_key: expect.stringMatching(/^eye_/),
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    const list = await stack.request('GET', '/applications?limit=1000');
    expect(list.status).toBe(200);
    const listed = list.body.items.find((a: { id: string }) => a.id === res.body.id);
    expect(listed).toEqual({
      id: res.body.id,
      name: 'shop-frontend',
      scopes: ['events'],
      created_at: res.body.created_at,
    });
    expect(list.text).not.toContain(res.body.api_key);
  });

  test('an unknown scope or a missing name is a validation error', async () => {
    const badScope = await stack.request('POST', '/applications', { body: { name: 'x', scopes: ['root'] } });
    expect(badScope.status).toBe(400);
    expect(badScope.body.error.code).toBe('validation_error');
    expect(badScope.body.error.details[0].path).toBe('scopes.0');
    const noName = await stack.request('POST', '/applications', { body: {} });
    expect(noName.status).toBe(400);
    expect(noName.body.error.details.map((d: { path: string }) => d.path)).toContain('name');
  });

  test('malformed JSON is invalid_json', async () => {
    const res = await stack.request('POST', '/applications', { body: '{"name": ' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
  });

  test('a missing or unknown token is 401, an application key on an admin route is 403', async () => {
    const none = await stack.request('GET', '/applications', { token: null });
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    const unknown = await stack.request('GET', '/applications', { token: 'eye_nope' });
    expect(unknown.status).toBe(401);
    const app = await createApp(stack, ['events']);
    const asApp = await stack.request('GET', '/applications', { token: app.apiKey });
    expect(asApp.status).toBe(403);
    expect(asApp.body.error.code).toBe('forbidden');
  });

  test('lists page with an opaque cursor that cannot be tampered with', async () => {
    for (let i = 0; i < 3; i++) await createApp(stack, ['events'], `paged-${i}`);
    const { items, sizes } = await allPages<{ id: string }>(stack, '/applications?limit=2');
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2);
    const seen = new Set(items.map((item) => item.id));
    expect(seen.size).toBeGreaterThanOrEqual(3);
    const tampered = await stack.request('GET', '/applications?cursor=eyJwayI6IngifQ.AAAAAAAAAAAAAAAAAAAAAA');
    expect(tampered.status).toBe(400);
    const badLimit = await stack.request('GET', '/applications?limit=1001');
    expect(badLimit.status).toBe(400);
  });

  test('a deleted application stops authenticating at once; deleting again is 404', async () => {
    const app = await createApp(stack, ['events']);
    const del = await stack.request('DELETE', `/applications/${app.id}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect(del.headers.get('content-type')).toBe('application/json');
    const again = await stack.request('DELETE', `/applications/${app.id}`);
    expect(again.status).toBe(404);
    const asDeleted = await stack.request('GET', '/applications', { token: app.apiKey });
    expect(asDeleted.status).toBe(401);
  });

  test('an application created before a restart still authenticates after it', async () => {
    const app = await createApp(stack, ['events']);
    await stack.restart();
    const res = await stack.request('GET', '/applications', { token: app.apiKey });
    expect(res.status).toBe(403);
    const list = await stack.request('GET', '/applications?limit=1000');
    expect(list.body.items.map((a: { id: string }) => a.id)).toContain(app.id);
  });
});

// Last: it replaces the admin token the other tests use (a restart seeds it again from ADMIN_TOKEN).
describe('admin token rotation', () => {
  test('a rotated admin token stops working in warm containers within the max age; the new one works', async () => {
    const oldToken = stack.adminToken;
    expect((await stack.request('GET', '/applications', { token: oldToken })).status).toBe(200);
    const newToken = `rotated-${Date.now()}`;
    const secretsManager = new SecretsManagerClient({
      region: 'us-east-1',
      endpoint: stack.endpoints.secretsmanager,
      credentials: OPERATOR_CREDENTIALS,
    });
    await secretsManager.send(
      new PutSecretValueCommand({ SecretId: 'eye/ADMIN_TOKEN', SecretString: newToken }),
    );
    const rotatedAt = Date.now();
    await eventually(
      async () => (await stack.request('GET', '/applications', { token: oldToken })).status === 401,
      (SECRET_MAX_AGE_SECONDS + 3) * 1000,
    );
    expect(Date.now() - rotatedAt).toBeLessThan((SECRET_MAX_AGE_SECONDS + 2) * 1000);
    expect((await stack.request('GET', '/applications', { token: newToken })).status).toBe(200);
  });
});
