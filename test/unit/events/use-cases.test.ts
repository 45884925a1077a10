import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';

const ddb = mockClient(DynamoDBDocumentClient);
beforeAll(() => {
  process.env.TABLE_EVENTS = 'events';
});
beforeEach(() => {
  ddb.reset();
});

describe('event types use cases', () => {
  test('a type that exists neither for the application nor globally is a 404 not_found', async () => {
    const { describeType } = await import('../../../shared/events/use-cases/types.ts');
    ddb.on(GetCommand).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [] });
    const caller = { kind: 'application' as const, applicationId: 'app-1', scopes: ['events' as const] };
    await expect(
      describeType(caller, undefined, { category: 'shop', name: 'no-such-type' }),
    ).rejects.toMatchObject({
      status: 404,
      code: 'not_found',
      message: 'No event type "no-such-type" in category "shop"',
    });
  });
});
