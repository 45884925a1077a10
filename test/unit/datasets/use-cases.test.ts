import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';

const ddb = mockClient(DynamoDBDocumentClient);
beforeAll(() => {
  process.env.TABLE_DATASETS = 'datasets';
});
beforeEach(() => {
  ddb.reset();
});

const notFound = { status: 404, code: 'not_found', message: 'Dataset not found' };

describe('datasets use cases', () => {
  test('a dataset that does not exist is a 404 not_found', async () => {
    const { describeDataset } = await import('../../../shared/datasets/use-cases/datasets.ts');
    ddb.on(GetCommand).resolves({});
    await expect(describeDataset({ kind: 'admin' }, 'ds-1')).rejects.toMatchObject(notFound);
  });

  test('another application’s dataset is answered like a missing one', async () => {
    const { describeDataset } = await import('../../../shared/datasets/use-cases/datasets.ts');
    ddb.on(GetCommand).resolves({
      Item: { pk: 'DATASET#ds-1', sk: 'META', id: 'ds-1', application_id: 'other', status: 'ready' },
    });
    const caller = { kind: 'application' as const, applicationId: 'mine', scopes: ['datasets' as const] };
    await expect(describeDataset(caller, 'ds-1')).rejects.toMatchObject(notFound);
  });
});
