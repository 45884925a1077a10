import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { throttled } from '../helpers/aws-errors.ts';
import { minutesAgo } from '../helpers/time.ts';

// The ways a statistics query ends failed instead of staying queued or running for ever.
const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
beforeAll(() => {
  process.env.TABLE_BUS = 'bus';
  process.env.DATA_BUCKET = 'bucket';
  process.env.QUEUE_URL_BUS_QUERY_SCAN = 'https://sqs.local/scan';
  process.env.QUERY_STALL_SECONDS = '2160';
});
beforeEach(() => {
  ddb.reset();
  sqs.reset();
});

const queryItem = (extra: Record<string, unknown> = {}) => ({
  pk: 'QUERY#q1',
  sk: 'QUERY',
  query_id: 'q1',
  from: '2024-03-01',
  to: '2024-03-01',
  status: 'running',
  files_total: 2,
  files_done: 1,
  bytes_total: 200,
  bytes_done: 100,
  created_at: minutesAgo(10),
  progress_at: minutesAgo(5),
  finished_at: null,
  ...extra,
});
const task = {
  query_id: 'q1',
  index: 1,
  key: 'bus/2024-03-01/j1/7.csv',
  date: '2024-03-01',
  country: 'Spain',
  bytes: 100,
};
const failures = () =>
  ddb
    .commandCalls(UpdateCommand)
    .map((c) => c.args[0].input.ExpressionAttributeValues ?? {})
    .filter((values) => values[':status'] === 'failed');

describe('starting a query', () => {
  test('scan tasks that cannot be queued fail the request and the query', async () => {
    const { startQuery } = await import('../../../shared/bus/use-cases/queries.ts');
    ddb.on(QueryCommand).resolves({ Items: [{ city_id: 7, country: 'Spain', key: task.key, bytes: 100 }] });
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    sqs.on(SendMessageBatchCommand).rejects(new Error('queue unavailable'));
    await expect(startQuery('2024-03-01', '2024-03-01')).rejects.toThrow('queue unavailable');
    expect(failures()).toEqual([
      expect.objectContaining({ ':error_message': 'the scan tasks could not be queued' }),
    ]);
  });
});

describe('a scan task', () => {
  test('an error before the last receive goes back to SQS and fails nothing', async () => {
    const { scanFile } = await import('../../../shared/bus/use-cases/queries.ts');
    ddb.on(GetCommand).resolves({ Item: queryItem() });
    ddb.on(UpdateCommand).rejects(throttled());
    await expect(scanFile(task, false)).rejects.toThrow('slow down');
    expect(failures()).toEqual([]);
  });

  test('an error on the last receive fails the query, naming the file', async () => {
    const { scanFile } = await import('../../../shared/bus/use-cases/queries.ts');
    ddb.on(GetCommand).resolves({ Item: queryItem() });
    ddb.on(UpdateCommand).rejectsOnce(throttled()).resolves({});
    await scanFile(task, true);
    expect(failures()).toEqual([
      expect.objectContaining({
        ':error_message': 'a stored file of Spain on 2024-03-01 could not be counted: slow down',
      }),
    ]);
  });

  test('a late task of a query past its stall deadline changes nothing', async () => {
    const { scanFile } = await import('../../../shared/bus/use-cases/queries.ts');
    ddb.on(GetCommand).resolves({ Item: queryItem({ progress_at: minutesAgo(37) }) });
    await scanFile(task, false);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});

describe('a query as it reads', () => {
  test('a running query within its stall deadline reads as stored', async () => {
    const { statsQuery } = await import('../../../shared/bus/use-cases/queries.ts');
    ddb.on(GetCommand).resolves({ Item: queryItem({ progress_at: minutesAgo(35) }) });
    expect(await statsQuery('q1')).toMatchObject({ status: 'running', error: null, finished_at: null });
  });

  test('a query that counted no file for its stall deadline reads failed, finished at the deadline', async () => {
    const { statsQuery } = await import('../../../shared/bus/use-cases/queries.ts');
    const progressAt = '2026-01-01T10:00:00.000Z';
    ddb.on(GetCommand).resolves({ Item: queryItem({ created_at: progressAt, progress_at: progressAt }) });
    expect(await statsQuery('q1')).toEqual({
      query_id: 'q1',
      from: '2024-03-01',
      to: '2024-03-01',
      status: 'failed',
      files_total: 2,
      files_done: 1,
      bytes_total: 200,
      bytes_done: 100,
      error: { message: 'no file was counted for 2160 s: its scan tasks stalled' },
      created_at: progressAt,
      finished_at: '2026-01-01T10:36:00.000Z',
      result: null,
    });
  });
});
