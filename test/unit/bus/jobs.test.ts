import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';

const ddb = mockClient(DynamoDBDocumentClient);
beforeAll(() => {
  process.env.TABLE_BUS = 'bus';
  process.env.BUS_JOB_STALL_SECONDS = '3600';
});
beforeEach(() => {
  ddb.reset();
});

describe('bus jobs use cases', () => {
  test('a job that does not exist is a 404 not_found naming it', async () => {
    const { jobStatus } = await import('../../../shared/bus/use-cases/jobs.ts');
    ddb.on(GetCommand).resolves({});
    await expect(jobStatus('j-404')).rejects.toMatchObject({
      status: 404,
      code: 'not_found',
      message: 'No job j-404',
    });
  });
});
