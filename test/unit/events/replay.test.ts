import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
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

// The ways a replay ends failed instead of staying queued or running for ever.
const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const STALL_SECONDS = 1800;
beforeAll(() => {
  process.env.TABLE_EVENTS = 'events';
  process.env.QUEUE_URL_EVENTS_REPLAY = 'https://sqs.local/replay';
  process.env.REPLAY_STALL_SECONDS = String(STALL_SECONDS);
});
beforeEach(() => {
  ddb.reset();
  sqs.reset();
});

const jobItem = (extra: Record<string, unknown> = {}) => ({
  pk: 'RP#r1',
  sk: 'RP',
  kind: 'replay',
  replay_id: 'r1',
  status: 'running',
  matched: 50,
  replayed: 50,
  still_failing: 0,
  pages_done: 1,
  next_before: 'cursor',
  filters: '{}',
  created_at: minutesAgo(10),
  progress_at: minutesAgo(5),
  finished_at: null,
  ...extra,
});
const failures = () =>
  ddb
    .commandCalls(UpdateCommand)
    .map((c) => c.args[0].input)
    .filter((input) => input.ExpressionAttributeValues?.[':failed'] === 'failed');

describe('starting a replay', () => {
  test('a first page that cannot be queued fails the request and leaves the replay failed', async () => {
    const { startReplay } = await import('../../../shared/events/use-cases/replay.ts');
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    sqs.on(SendMessageCommand).rejects(new Error('queue unavailable'));
    await expect(startReplay({ kind: 'admin' }, {})).rejects.toThrow('queue unavailable');
    const created = ddb.commandCalls(PutCommand)[0]!.args[0].input.Item!;
    expect(failures()).toEqual([
      expect.objectContaining({
        Key: { pk: `RP#${created.replay_id}`, sk: 'RP' },
        ConditionExpression: '#status IN (:queued, :running)',
      }),
    ]);
  });
});

describe('a replay page', () => {
  test('an error before the last receive goes back to SQS and fails nothing', async () => {
    const { replayPage } = await import('../../../shared/events/use-cases/replay.ts');
    ddb.on(GetCommand).resolves({ Item: jobItem() });
    ddb.on(QueryCommand).rejects(throttled());
    await expect(replayPage({ replay_id: 'r1', page: 1 }, false)).rejects.toThrow('slow down');
    expect(failures()).toEqual([]);
  });

  test('an error on the last receive ends the replay failed instead of leaving it to the DLQ', async () => {
    const { replayPage } = await import('../../../shared/events/use-cases/replay.ts');
    ddb.on(GetCommand).resolves({ Item: jobItem() });
    ddb.on(QueryCommand).rejects(throttled());
    ddb.on(UpdateCommand).resolves({});
    await expect(replayPage({ replay_id: 'r1', page: 1 }, true)).resolves.toEqual({
      replayed: 0,
      stillFailing: 0,
    });
    expect(failures()).toHaveLength(1);
  });

  test('a late page of a replay past its stall deadline reads nothing and changes nothing', async () => {
    const { replayPage } = await import('../../../shared/events/use-cases/replay.ts');
    ddb.on(GetCommand).resolves({ Item: jobItem({ progress_at: minutesAgo(31) }) });
    await replayPage({ replay_id: 'r1', page: 1 }, false);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });
});

describe('a replay’s status', () => {
  test('a running replay within its stall deadline reads as stored', async () => {
    const { replayStatusOf } = await import('../../../shared/events/use-cases/replay.ts');
    ddb.on(GetCommand).resolves({ Item: jobItem({ progress_at: minutesAgo(29) }) });
    expect(await replayStatusOf({ kind: 'admin' }, 'r1')).toMatchObject({
      status: 'running',
      finished_at: null,
    });
  });

  test('a replay that recorded no page for its stall deadline reads failed, finished at the deadline', async () => {
    const { replayStatusOf } = await import('../../../shared/events/use-cases/replay.ts');
    const progressAt = '2026-01-01T10:00:00.000Z';
    ddb.on(GetCommand).resolves({ Item: jobItem({ created_at: progressAt, progress_at: progressAt }) });
    expect(await replayStatusOf({ kind: 'admin' }, 'r1')).toMatchObject({
      status: 'failed',
      matched: 50,
      finished_at: '2026-01-01T10:30:00.000Z',
    });
  });

  test('a queued replay stored without a progress instant stalls from its registration', async () => {
    const { replayStatusOf } = await import('../../../shared/events/use-cases/replay.ts');
    const { progress_at: _, ...legacy } = jobItem({
      status: 'queued',
      created_at: '2026-01-01T10:00:00.000Z',
    });
    ddb.on(GetCommand).resolves({ Item: legacy });
    expect(await replayStatusOf({ kind: 'admin' }, 'r1')).toMatchObject({
      status: 'failed',
      finished_at: '2026-01-01T10:30:00.000Z',
    });
  });
});
