import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { throttled } from '../helpers/aws-errors.ts';

// What happens when the fetcher cannot finish a city for a reason its own retries do not cover (here
// DynamoDB throttling the job's update): thrown back to SQS, except on the last receive.
const ddb = mockClient(DynamoDBDocumentClient);
beforeAll(() => {
  process.env.TABLE_BUS = 'bus';
  process.env.BUS_JOB_STALL_SECONDS = '3600';
  process.env.BUS_SOURCE_URL = 'http://upstream.invalid';
});
beforeEach(() => {
  ddb.reset();
});

const now = new Date().toISOString();
const jobItem = (extra: Record<string, unknown> = {}) => ({
  pk: 'JOB#j1',
  sk: 'JOB',
  job_id: 'j1',
  date: '2024-03-01',
  status: 'running',
  cities_total: 1,
  city_ids: new Set([7]),
  records: 0,
  bytes: 0,
  created_at: now,
  progress_at: now,
  finished_at: null,
  ...extra,
});
const message = { job_id: 'j1', date: '2024-03-01', city: { id: 7, name: 'Madrid', country: 'Spain' } };

describe('fetching a city', () => {
  test('an error before the last receive goes back to SQS and records nothing', async () => {
    const { fetchCity } = await import('../../../shared/bus/use-cases/fetch-city.ts');
    ddb.on(GetCommand).resolves({ Item: jobItem() });
    ddb.on(UpdateCommand).rejects(throttled());
    await expect(fetchCity(message, () => 60_000, false)).rejects.toThrow('slow down');
    const updates = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input.UpdateExpression);
    expect(updates.some((u) => u?.includes('failed_ids'))).toBe(false);
  });

  test('on the last receive the city is recorded failed and the job ends', async () => {
    const { fetchCity } = await import('../../../shared/bus/use-cases/fetch-city.ts');
    ddb.on(GetCommand).resolves({ Item: jobItem() });
    ddb
      .on(UpdateCommand)
      .rejectsOnce(throttled())
      .resolves({ Attributes: jobItem({ failed_ids: new Set([7]), progress_at: new Date().toISOString() }) });
    await fetchCity(message, () => 60_000, true);
    const updates = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates[1]?.UpdateExpression).toContain('ADD failed_ids :city');
    expect(updates[1]?.ExpressionAttributeValues?.[':city']).toEqual(new Set([7]));
    expect(updates[2]?.ExpressionAttributeValues).toMatchObject({ ':status': 'failed' });
  });
});
