import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { transactionCanceled } from '../helpers/aws-errors.ts';

const ddb = mockClient(DynamoDBDocumentClient);
beforeAll(() => {
  process.env.TABLE_ADVISORS = 'advisors';
});
beforeEach(() => {
  ddb.reset();
});
const useCases = () => import('../../../shared/advisors/use-cases/assignment.ts');
const advisorKey = { pk: 'ADVISOR#adv_1', sk: 'ADVISOR' };
const clientKey = { pk: 'CLIENT#cl_1', sk: 'CLIENT' };
const clientItem = { id: 'cl_1', first_name: 'Rue', last_name: 'Bennett', total_cents: 0 };

describe('assigning an advisor', () => {
  test('an unknown advisor is a 404, whatever the client', async () => {
    const { assignAdvisor } = await useCases();
    ddb.on(GetCommand).resolves({});
    await expect(assignAdvisor('cl_1', 'adv_1')).rejects.toMatchObject({ status: 404 });
  });

  test('an unknown client is a 404 and writes nothing', async () => {
    const { assignAdvisor } = await useCases();
    ddb.on(GetCommand, { Key: advisorKey }).resolves({ Item: { available: true } });
    ddb.on(GetCommand, { Key: clientKey }).resolves({});
    await expect(assignAdvisor('cl_1', 'adv_1')).rejects.toMatchObject({ status: 404 });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  test('an advisor made unavailable between the check and the write is a 409', async () => {
    const { assignAdvisor } = await useCases();
    ddb.on(GetCommand, { Key: advisorKey }).resolves({ Item: { available: true } });
    ddb.on(GetCommand, { Key: clientKey }).resolves({ Item: clientItem });
    ddb.on(TransactWriteCommand).rejects(transactionCanceled(['None', 'ConditionalCheckFailed', 'None']));
    await expect(assignAdvisor('cl_1', 'adv_1')).rejects.toMatchObject({ status: 409 });
  });

  test('unassigning an unknown client is a 404', async () => {
    const { unassignAdvisor } = await useCases();
    ddb.on(GetCommand).resolves({});
    await expect(unassignAdvisor('cl_1')).rejects.toMatchObject({ status: 404 });
  });
});
