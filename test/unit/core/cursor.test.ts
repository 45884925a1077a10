import { beforeAll, describe, expect, test } from '@jest/globals';
import { useSecrets } from '../helpers/secrets.ts';

beforeAll(() => {
  useSecrets({ CURSOR_KEY: 'unit-test-cursor-key' });
});

describe('pagination cursors', () => {
  test('decode what they encode for the same query', async () => {
    const { decodeCursor, encodeCursor } = await import('../../../shared/core/cursor.ts');
    const position = { pk: 'APP#1', sk: '2021-01-01T00:00:00.000000#x' };
    const cursor = await encodeCursor('events:app-1', position);
    expect(cursor).toEqual(expect.any(String));
    expect(await decodeCursor('events:app-1', cursor!)).toEqual(position);
  });

  test('no position means no next page', async () => {
    const { encodeCursor } = await import('../../../shared/core/cursor.ts');
    expect(await encodeCursor('x', undefined)).toBeNull();
  });

  test('a cursor from another query or with an edited payload is rejected as a validation error', async () => {
    const { decodeCursor, encodeCursor } = await import('../../../shared/core/cursor.ts');
    const cursor = (await encodeCursor('events:app-1', { pk: 'APP#1' }))!;
    await expect(decodeCursor('events:app-2', cursor)).rejects.toMatchObject({
      status: 400,
      code: 'validation_error',
    });
    const [, mac] = cursor.split('.');
    const forged = `${Buffer.from(JSON.stringify({ pk: 'APP#2' })).toString('base64url')}.${mac}`;
    await expect(decodeCursor('events:app-1', forged)).rejects.toMatchObject({ code: 'validation_error' });
    await expect(decodeCursor('events:app-1', 'garbage')).rejects.toMatchObject({ code: 'validation_error' });
  });
});
