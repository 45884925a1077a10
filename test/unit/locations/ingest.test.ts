import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { UserMinutesMessage } from '../../../shared/locations/schemas.ts';
import { conditionFailed } from '../helpers/aws-errors.ts';
import { useSecrets } from '../helpers/secrets.ts';
import { lambdaContext, sqsEvent, sqsRecord } from '../helpers/sqs.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
beforeAll(() => {
  process.env.TABLE_LOCATIONS = 'locations';
  process.env.QUEUE_URL_LOCATION_MINUTES = 'https://sqs.local/minutes';
});
beforeEach(() => {
  ddb.reset();
  sqs.reset();
});

const record = (messageId: string, body: UserMinutesMessage, sentMs = Date.now()) => ({
  messageId,
  body,
  attributes: { SentTimestamp: String(sentMs) } as SQSRecord['attributes'],
});

const POINT = {
  user_id: 'a1',
  lat: 40.7,
  long: -73.9,
  accuracy: 5,
  speed: null,
  timestamp: '2017-07-30 00:18:08.919',
  zone: 'America/New_York',
  timestamp_utc: '2017-07-30T04:18:08.919Z',
  instant: '2017-07-30T04:18:08.919000Z',
  minute: '2017-07-30T04:18:00Z',
};

describe('storing a datapoint', () => {
  test('is a put conditional on the user-minute + instant key being new, then its minute is enqueued', async () => {
    const { recordDatapoint } = await import('../../../shared/locations/use-cases/ingest.ts');
    ddb.on(PutCommand).resolves({});
    sqs.on(SendMessageCommand).resolves({});
    const result = await recordDatapoint(POINT, '2021-01-01T00:00:00.000Z');
    expect(result).toEqual({
      status: 'stored',
      user_id: 'a1',
      timestamp_utc: '2017-07-30T04:18:08.919Z',
      minute: '2017-07-30T04:18:00Z',
    });
    const put = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(put).toMatchObject({
      TableName: 'locations',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { pk: 'PT#a1#2017-07-30T04:18:00Z', sk: '2017-07-30T04:18:08.919000Z', speed: null },
    });
    const sent = sqs.commandCalls(SendMessageCommand)[0]!.args[0].input;
    expect(JSON.parse(sent.MessageBody!)).toEqual({
      minutes: [{ user_id: 'a1', minute: '2017-07-30T04:18:00Z' }],
    });
  });

  test('a point already stored at that instant is a duplicate, not an error', async () => {
    const { recordDatapoint } = await import('../../../shared/locations/use-cases/ingest.ts');
    ddb.on(PutCommand).rejects(conditionFailed());
    sqs.on(SendMessageCommand).resolves({});
    expect((await recordDatapoint(POINT, 'now')).status).toBe('duplicate');
  });

  test('a failing table is not mistaken for a duplicate', async () => {
    const { recordDatapoint } = await import('../../../shared/locations/use-cases/ingest.ts');
    ddb.on(PutCommand).rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    await expect(recordDatapoint(POINT, 'now')).rejects.toThrow('slow down');
  });
});

describe('bulk import', () => {
  test('counts stored and duplicate points and enqueues each user-minute once, 50 to a message', async () => {
    const { importRows } = await import('../../../shared/locations/use-cases/ingest.ts');
    const rows = Array.from({ length: 52 }, (_, i) => ({
      input: {
        timestamp: new Date(Date.UTC(2017, 0, 1, 0, i, 30)).toISOString(),
        lat: 1,
        long: 1,
        accuracy: 1,
        user_id: 'u',
      },
    }));
    rows.push({ input: { ...rows[0]!.input, timestamp: '2017-01-01T00:00:45.000Z' } });
    ddb.on(PutCommand).callsFake(async (input) => {
      if (input.Item.sk === '2017-01-01T00:03:30.000000Z') throw conditionFailed();
      return {};
    });
    sqs.on(SendMessageCommand).resolves({});
    const result = await importRows(rows, Date.parse('2021-01-01T00:00:00Z'));
    expect(result).toEqual({ stored: 52, duplicates: 1, rejected: [] });
    const messages = sqs
      .commandCalls(SendMessageCommand)
      .map((c) => JSON.parse(c.args[0].input.MessageBody!).minutes.length);
    expect(messages.sort()).toEqual([2, 50]);
  });
});

describe('enqueueing user-minutes', () => {
  test('minutes queued while a send is out leave together in the next message, each minute once', async () => {
    const { enqueueMinutes } = await import('../../../shared/locations/queue.ts');
    sqs.on(SendMessageCommand).callsFake(() => new Promise((r) => setTimeout(() => r({}), 20)));
    const minute = (user: string) => ({ user_id: user, minute: '2021-01-01T00:00:00Z' });
    const first = ['a', 'b', 'c', 'd'].map((u) => enqueueMinutes([minute(u)]));
    const later = ['e', 'f', 'e', 'f', 'e'].map((u) => enqueueMinutes([minute(u)]));
    await Promise.all([...first, ...later]);
    const messages = sqs
      .commandCalls(SendMessageCommand)
      .map((c) =>
        JSON.parse(c.args[0].input.MessageBody!).minutes.map((m: { user_id: string }) => m.user_id),
      );
    expect(messages).toEqual([['a'], ['b', 'c', 'd', 'e', 'f']]);
  });

  test('a failed send fails its callers, and the next caller is sent afresh', async () => {
    const { enqueueMinutes } = await import('../../../shared/locations/queue.ts');
    sqs.on(SendMessageCommand).rejectsOnce(new Error('queue down')).resolves({});
    await expect(enqueueMinutes([{ user_id: 'a', minute: 'm' }])).rejects.toThrow('queue down');
    await expect(enqueueMinutes([{ user_id: 'a', minute: 'm' }])).resolves.toBeUndefined();
  });
});

describe('the averaging consumer', () => {
  const points = [
    { lat: 10, long: 179.9, accuracy: 2, speed: null },
    { lat: 20, long: -179.9, accuracy: 4, speed: 3 },
  ];

  test('recomputes a minute named several times in a batch once, from a consistent read', async () => {
    const { recomputeMinutes } = await import('../../../shared/locations/use-cases/recompute.ts');
    ddb.on(QueryCommand).resolves({ Items: points });
    ddb.on(PutCommand).resolves({});
    const minute = { user_id: 'u', minute: '2017-01-01T00:00:00Z' };
    const failed = await recomputeMinutes([
      record('1', { minutes: [minute] }),
      record('2', { minutes: [minute, minute] }),
      record('3', { minutes: [minute] }),
    ]);
    expect(failed).toEqual([]);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      ConsistentRead: true,
      ExpressionAttributeValues: { ':pk': 'PT#u#2017-01-01T00:00:00Z' },
    });
    const put = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(put.Item).toMatchObject({
      pk: 'AVG#u',
      sk: '2017-01-01T00:00:00Z',
      minute: '2017-01-01T00:00:00Z',
      lat: 15,
      accuracy: 3,
      speed: 3,
      count: 2,
    });
    expect(Math.abs(put.Item!.long)).toBeCloseTo(180, 9);
    // A slower recompute that saw fewer points must not overwrite a newer one.
    expect(put.ConditionExpression).toBe('attribute_not_exists(pk) OR #count <= :count');
    expect(put.ExpressionAttributeValues).toEqual({ ':count': 2 });
  });

  test('reads every page of a busy minute', async () => {
    const { recomputeMinutes } = await import('../../../shared/locations/use-cases/recompute.ts');
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [points[0]!], LastEvaluatedKey: { pk: 'x', sk: 'y' } })
      .resolvesOnce({ Items: [points[1]!] });
    ddb.on(PutCommand).resolves({});
    await recomputeMinutes([record('1', { minutes: [{ user_id: 'u', minute: 'm' }] })]);
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input.Item).toMatchObject({ count: 2 });
  });

  test('a newer average already written is kept, and the message still succeeds', async () => {
    const { recomputeMinutes } = await import('../../../shared/locations/use-cases/recompute.ts');
    ddb.on(QueryCommand).resolves({ Items: points });
    ddb.on(PutCommand).rejects(conditionFailed());
    expect(await recomputeMinutes([record('1', { minutes: [{ user_id: 'u', minute: 'm' }] })])).toEqual([]);
  });

  test('only the messages of a minute that failed, and unparseable ones, are reported as failures', async () => {
    const { handler } = await import('../../../functions/locations/average-minute.ts');
    ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'PT#bad#m' } }).rejects(new Error('boom'));
    ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'PT#good#m' } }).resolves({ Items: points });
    ddb.on(PutCommand).resolves({});
    const good = { user_id: 'good', minute: 'm' };
    const bad = { user_id: 'bad', minute: 'm' };
    const result = await handler(
      sqsEvent(
        sqsRecord('a', { minutes: [good] }),
        sqsRecord('b', { minutes: [good, bad] }),
        sqsRecord('c', 'not json'),
        sqsRecord('d', { minutes: [bad] }),
        sqsRecord('e', { user_id: 'good', minute: 'm' }),
      ),
      lambdaContext,
    );
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['b', 'c', 'd', 'e']);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(1);
  });
});

describe('skipping minutes a recompute already covered', () => {
  const sentAt = record;
  const points = [{ lat: 1, long: 1, accuracy: 1, speed: null }];

  test('a message sent well before the last successful recompute of its minute started is not read again', async () => {
    const { recomputeMinutes } = await import('../../../shared/locations/use-cases/recompute.ts');
    ddb.on(QueryCommand).resolves({ Items: points });
    ddb.on(PutCommand).resolves({});
    const minute = { user_id: 'backlog', minute: 'm' };
    const now = Date.now();
    await recomputeMinutes([sentAt('1', { minutes: [minute] }, now - 5_000)]);
    expect(await recomputeMinutes([sentAt('2', { minutes: [minute] }, now - 3_000)])).toEqual([]);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);
  });

  test('a message sent after (or within a second before) the last recompute started is recomputed', async () => {
    const { recomputeMinutes } = await import('../../../shared/locations/use-cases/recompute.ts');
    ddb.on(QueryCommand).resolves({ Items: points });
    ddb.on(PutCommand).resolves({});
    const minute = { user_id: 'fresh', minute: 'm' };
    await recomputeMinutes([sentAt('1', { minutes: [minute] }, Date.now() - 5_000)]);
    await recomputeMinutes([sentAt('2', { minutes: [minute] }, Date.now() - 500)]);
    await recomputeMinutes([sentAt('3', { minutes: [minute] }, Date.now() + 10)]);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(3);
  });

  test('a recompute that failed covers nothing', async () => {
    const { recomputeMinutes } = await import('../../../shared/locations/use-cases/recompute.ts');
    ddb.on(QueryCommand).resolves({ Items: points });
    ddb.on(PutCommand).rejectsOnce(new Error('throttled')).resolves({});
    const minute = { user_id: 'flaky', minute: 'm' };
    const now = Date.now();
    expect(await recomputeMinutes([sentAt('1', { minutes: [minute] }, now - 5_000)])).toEqual(['1']);
    expect(await recomputeMinutes([sentAt('1', { minutes: [minute] }, now - 5_000)])).toEqual([]);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(2);
  });
});

describe('listing averages', () => {
  test('queries one partition between the first and last selected minute, with a bound cursor', async () => {
    useSecrets({ CURSOR_KEY: 'unit-test-cursor-key' });
    const { listAverages } = await import('../../../shared/locations/repository.ts');
    ddb.on(QueryCommand).resolves({
      Items: [{ minute: '2017-01-01T18:05:00Z', lat: 1, long: 2, accuracy: 3, speed: null, count: 4 }],
      LastEvaluatedKey: { pk: 'AVG#u', sk: '2017-01-01T18:05:00Z' },
    });
    const page = await listAverages('u', {
      from: '2017-01-01T18:04:30Z',
      to: '2017-01-01T19:00:00Z',
      limit: 1,
    });
    expect(page.items).toEqual([
      { minute: '2017-01-01T18:05:00Z', lat: 1, long: 2, accuracy: 3, speed: null, count: 4 },
    ]);
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
      ExpressionAttributeValues: {
        ':pk': 'AVG#u',
        ':first': '2017-01-01T18:05:00Z',
        ':last': '2017-01-01T18:59:00Z',
      },
      Limit: 1,
    });
    await expect(
      listAverages('other', {
        from: '2017-01-01T18:04:30Z',
        to: '2017-01-01T19:00:00Z',
        limit: 1,
        cursor: page.next_cursor!,
      }),
    ).rejects.toMatchObject({ code: 'validation_error' });
  });

  test('an empty range answers without reading', async () => {
    const { listAverages } = await import('../../../shared/locations/repository.ts');
    const page = await listAverages('u', {
      from: '2017-01-02T00:00:00Z',
      to: '2017-01-01T00:00:00Z',
      limit: 10,
    });
    expect(page).toEqual({ items: [], next_cursor: null });
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });
});
