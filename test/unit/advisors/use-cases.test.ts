import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { conditionFailed, transactionCanceled } from '../helpers/aws-errors.ts';

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

describe('an advisor that does not exist', () => {
  const noSuchAdvisor = { status: 404, code: 'not_found', message: 'No such advisor' };

  test('changing its availability is a 404 not_found', async () => {
    const { updateAvailability } = await import('../../../shared/advisors/use-cases/availability.ts');
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({});
    await expect(updateAvailability('adv_1', false)).rejects.toMatchObject(noSuchAdvisor);
  });

  test('listing its clients is a 404 not_found', async () => {
    const { advisorClientsPage } = await import('../../../shared/advisors/use-cases/listing.ts');
    ddb.on(QueryCommand).resolves({ Items: [] });
    await expect(advisorClientsPage('adv_1', 10)).rejects.toMatchObject(noSuchAdvisor);
  });
});
