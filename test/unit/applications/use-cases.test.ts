import { DeleteCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';

const ddb = mockClient(DynamoDBDocumentClient);
beforeAll(() => {
  process.env.TABLE_APPLICATIONS = 'apps';
});
beforeEach(() => {
  ddb.reset();
});

describe('applications use cases', () => {
  test('deleting an application that does not exist is a 404 not_found and deletes nothing', async () => {
    const { removeApplication } = await import('../../../shared/applications/use-cases/applications.ts');
    ddb.on(QueryCommand).resolves({ Items: [] });
    await expect(removeApplication('app-1')).rejects.toMatchObject({
      status: 404,
      code: 'not_found',
      message: 'Application not found',
    });
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  test('a new application is answered with its API key, and only the key’s hash is stored', async () => {
    const { registerApplication } = await import('../../../shared/applications/use-cases/applications.ts');
    const app = await registerApplication('shop', ['events']);
    expect(app.api_key).toMatch(/^eye_/);
    expect(JSON.stringify(ddb.calls()[0]!.args[0].input)).not.toContain(app.api_key);
  });
});
