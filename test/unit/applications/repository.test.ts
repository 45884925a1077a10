import { DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { conditionFailed } from '../helpers/aws-errors.ts';

const ddb = mockClient(DynamoDBDocumentClient);
beforeAll(() => {
  process.env.TABLE_APPLICATIONS = 'apps';
});
beforeEach(() => {
  ddb.reset();
});

describe('applications repository', () => {
  test('stores one item keyed by the key hash, never the key, and only if new', async () => {
    const { createApplication } = await import('../../../shared/applications/repository.ts');
    ddb.on(PutCommand).resolves({});
    const app = await createApplication({ name: 'shop', scopes: ['events', 'events'], keyHash: 'h1' });
    expect(app.scopes).toEqual(['events']);
    const put = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(put.TableName).toBe('apps');
    expect(put.Item).toMatchObject({ pk: 'KEY#h1', gsi1pk: `APP#${app.id}`, gsi2pk: 'APPS', key_hash: 'h1' });
    expect(put.ConditionExpression).toBe('attribute_not_exists(pk)');
  });

  test('deleting an unknown application reports false without writing', async () => {
    const { deleteApplication } = await import('../../../shared/applications/repository.ts');
    ddb.on(QueryCommand).resolves({ Items: [] });
    expect(await deleteApplication('nope')).toBe(false);
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  test('a delete that loses a race to another delete reports false', async () => {
    const { deleteApplication } = await import('../../../shared/applications/repository.ts');
    ddb.on(QueryCommand).resolves({ Items: [{ pk: 'KEY#h', sk: 'APP' }] });
    ddb.on(DeleteCommand).rejects(conditionFailed());
    expect(await deleteApplication('x')).toBe(false);
  });
});
