import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { classify } from '../../../shared/events/classify.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
beforeAll(() => {
  process.env.TABLE_EVENTS = 'events';
  process.env.QUEUE_URL_EVENTS_INGEST = 'https://sqs.local/events';
});
beforeEach(() => {
  ddb.reset();
  sqs.reset();
});
const repository = () => import('../../../shared/events/repository.ts');
const eventQueries = () => import('../../../shared/events/event-queries.ts');
const cancelled = (...codes: string[]) =>
  Object.assign(new Error('cancelled'), {
    name: 'TransactionCanceledException',
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
const conditionFailed = () => Object.assign(new Error('taken'), { name: 'ConditionalCheckFailedException' });

const sent = (name: string, timestamp: string) => ({
  session_id: 's1',
  category: 'page interaction',
  name,
  data: name === 'cta click' ? { host: 'h', path: '/', element: 'e' } : { host: 'h', path: '/' },
  timestamp,
});
const received = '2024-01-01T00:00:00.000Z';

describe('events repository', () => {
  test('an event and the error for the same id claim the same item, once', async () => {
    const { claimOutcome } = await repository();
    ddb.on(PutCommand).resolves({});
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None', 'None'));
    ddb.on(GetCommand).resolves({});
    const won = await claimOutcome(classify('app', 'e1', sent('pageview', '2021-01-01 10:00:00'), received));
    expect(won.stored).toBe(true);
    const lost = await claimOutcome(classify('app', 'e1', sent('hover', '2021-01-01 10:00:00'), received));
    expect(lost.stored).toBe(false);
    const put = ddb.commandCalls(PutCommand)[0]?.args[0].input;
    const [record] = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect([put?.Item?.pk, put?.Item?.sk, put?.ConditionExpression]).toEqual([
      'EV#app#e1',
      'EV',
      'attribute_not_exists(pk)',
    ]);
    expect([record?.Put?.Item?.pk, record?.Put?.Item?.sk, record?.Put?.ConditionExpression]).toEqual([
      'EV#app#e1',
      'EV',
      'attribute_not_exists(pk)',
    ]);
    expect(put?.Item?.gsi1sk).toBe(`2021-01-01T10:00:00.000000#${received}#e1`);
  });

  test("a stored event's copy files it by session, type and day across applications", async () => {
    const { claimOutcome } = await repository();
    ddb.on(PutCommand).resolves({});
    const { copy } = await claimOutcome(
      classify('app', 'e1', sent('pageview', '2021-01-01 10:00:00.5'), received),
    );
    const order = `2021-01-01T10:00:00.500000#${received}#e1#app`;
    expect(copy).toEqual({
      pk: 'XA#app#e1',
      sk: 'XA',
      kind: 'event',
      gsi1pk: 'ALL#S#s1',
      gsi1sk: order,
      gsi2pk: 'ALL#T#page interaction#pageview',
      gsi2sk: order,
      gsi3pk: 'ALL#D#2021-01-01',
      gsi3sk: order,
      id: 'e1',
      application_id: 'app',
      session_id: 's1',
      category: 'page interaction',
      name: 'pageview',
      data: '{"host":"h","path":"/"}',
      timestamp: '2021-01-01T10:00:00.5Z',
      received_at: received,
      schema_version: 1,
      violations: '[]',
    });
  });

  test('a lost claim copies what won, so a crash before the copy is repaired by the redelivery', async () => {
    const { claimOutcome } = await repository();
    ddb.on(PutCommand).resolvesOnce({});
    const first = await claimOutcome(
      classify('app', 'e1', sent('pageview', '2021-01-01 10:00:00'), received),
    );
    const winner = ddb.commandCalls(PutCommand)[0]?.args[0].input.Item;
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: winner });
    const later = '2024-01-02T00:00:00.000Z';
    const again = await claimOutcome(classify('app', 'e1', sent('cta click', '2021-01-01 11:00:00'), later));
    expect(again).toEqual({ stored: false, copy: first.copy });
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
      Key: { pk: 'EV#app#e1', sk: 'EV' },
      ConsistentRead: true,
    });
    ddb.on(GetCommand).resolves({ Item: { kind: 'error' } });
    expect(await claimOutcome(classify('app', 'e1', sent('pageview', '2021-01-01 10:00:00'), later))).toEqual(
      {
        stored: false,
        copy: undefined,
      },
    );
  });

  test('copies go 25 to a BatchWriteItem and what DynamoDB leaves unprocessed is sent again', async () => {
    const { writeCopies } = await repository();
    const copies = Array.from({ length: 30 }, (_, i) => ({ pk: `XA#app#${i}`, sk: 'XA' }));
    let first = true;
    ddb.on(BatchWriteCommand).callsFake((input) => {
      const requests = input.RequestItems.events;
      if (first && requests.length === 25) {
        first = false;
        return { UnprocessedItems: { events: requests.slice(0, 2) } };
      }
      return {};
    });
    await writeCopies(copies);
    const sizes = ddb
      .commandCalls(BatchWriteCommand)
      .map((c) => c.args[0].input.RequestItems?.events?.length);
    expect(sizes.sort()).toEqual([2, 25, 5]);
    const written = ddb
      .commandCalls(BatchWriteCommand)
      .flatMap((c) => c.args[0].input.RequestItems?.events?.map((r) => r.PutRequest?.Item?.pk));
    expect(new Set(written)).toEqual(new Set(copies.map((c) => c.pk)));
  });

  test('the same copy twice in a batch is written once, as BatchWriteItem refuses a key named twice', async () => {
    const { writeCopies } = await repository();
    const copy = { pk: 'XA#app#same', sk: 'XA', id: 'same' };
    ddb.on(BatchWriteCommand).resolves({});
    await writeCopies([copy, { pk: 'XA#app#other', sk: 'XA' }, { ...copy }]);
    const written = ddb
      .commandCalls(BatchWriteCommand)
      .flatMap((c) => c.args[0].input.RequestItems?.events?.map((r) => r.PutRequest?.Item?.pk));
    expect(written.sort()).toEqual(['XA#app#other', 'XA#app#same']);
  });

  test('a category query merges its types in time order and pages after the last key', async () => {
    const { queryEvents } = await eventQueries();
    const { claimOutcome } = await repository();
    ddb.on(PutCommand).resolves({});
    const items: Record<string, Record<string, unknown>> = {};
    for (const [id, name, ts] of [
      ['a', 'pageview', '2021-01-01 10:00:03'],
      ['b', 'cta click', '2021-01-01 10:00:01'],
      ['c', 'pageview', '2021-01-01 10:00:02'],
    ] as const) {
      await claimOutcome(classify('app', id, sent(name, ts), received));
      items[id] = ddb.commandCalls(PutCommand).at(-1)?.args[0].input.Item as Record<string, unknown>;
    }
    ddb.on(QueryCommand).callsFake((input) => {
      const all = Object.values(items).filter((i) => i.gsi2pk === input.ExpressionAttributeValues[':pk']);
      return { Items: all.sort((x, y) => ((x.gsi2sk as string) < (y.gsi2sk as string) ? -1 : 1)) };
    });
    const page = await queryEvents({ applicationId: 'app', category: 'page interaction' }, 2);
    expect(page.items.map((e) => e.id)).toEqual(['b', 'c']);
    expect(page.last).toBe(items.c?.gsi2sk);
    const indexes = ddb
      .commandCalls(QueryCommand)
      .map((c) => c.args[0].input.ExpressionAttributeValues?.[':pk']);
    // The category's names come from its types (here only the built-ins: no stored type matched).
    expect(indexes.sort()).toEqual([
      'ETC#page%20interaction',
      'T#app#page interaction#cta click',
      'T#app#page interaction#pageview',
    ]);
  });

  test('across applications a time range reads its days in order and resumes on the cursor day', async () => {
    const { queryEvents } = await eventQueries();
    const { claimOutcome } = await repository();
    ddb.on(PutCommand).resolves({});
    const copies: Record<string, unknown>[] = [];
    for (const [app, id, ts] of [
      ['shop', 'a', '2021-01-03 08:00:00'],
      ['blog', 'a', '2021-01-01 23:00:00'],
      ['shop', 'b', '2021-01-01 22:00:00'],
      ['blog', 'c', '2021-01-05 00:00:00'],
    ] as const) {
      copies.push((await claimOutcome(classify(app, id, sent('pageview', ts), received))).copy ?? {});
    }
    ddb.on(QueryCommand).callsFake((input) => {
      const v = input.ExpressionAttributeValues;
      const inRange = copies.filter(
        (c) =>
          c.gsi3pk === v[':pk'] &&
          (v[':lo'] === undefined || (c.gsi3sk as string) >= v[':lo']) &&
          (v[':hi'] === undefined || (c.gsi3sk as string) <= v[':hi']),
      );
      return { Items: inRange.sort((x, y) => ((x.gsi3sk as string) < (y.gsi3sk as string) ? -1 : 1)) };
    });
    const range = { fromKey: '2021-01-01T00:00:00.000000', toKey: '2021-01-05T00:00:00.000000' };
    const first = await queryEvents(range, 2);
    expect(first.items.map((e) => `${e.application_id}/${e.id}`)).toEqual(['shop/b', 'blog/a']);
    ddb.resetHistory();
    const second = await queryEvents(range, 2, first.last);
    expect(second.items.map((e) => `${e.application_id}/${e.id}`)).toEqual(['shop/a']);
    expect(second.last).toBeUndefined();
    const days = ddb
      .commandCalls(QueryCommand)
      .map((c) => c.args[0].input.ExpressionAttributeValues?.[':pk']);
    expect(days.sort()).toEqual([
      'ALL#D#2021-01-01',
      'ALL#D#2021-01-02',
      'ALL#D#2021-01-03',
      'ALL#D#2021-01-04',
      'ALL#D#2021-01-05',
    ]);
    expect(ddb.commandCalls(QueryCommand).every((c) => c.args[0].input.IndexName === 'gsi3')).toBe(true);
  });

  test('across applications a session or a type reads its shared partition', async () => {
    const { queryEvents } = await eventQueries();
    ddb.on(QueryCommand).resolves({ Items: [] });
    await queryEvents({ sessionId: 's1' }, 10);
    await queryEvents({ category: 'page interaction', name: 'pageview' }, 10);
    expect(
      ddb
        .commandCalls(QueryCommand)
        .map((c) => [c.args[0].input.IndexName, c.args[0].input.ExpressionAttributeValues?.[':pk']]),
    ).toEqual([
      ['gsi1', 'ALL#S#s1'],
      ['gsi2', 'ALL#T#page interaction#pageview'],
    ]);
  });

  test('a category without types reads only its type listing', async () => {
    const { queryEvents } = await eventQueries();
    ddb.on(QueryCommand).resolves({ Items: [] });
    expect(await queryEvents({ applicationId: 'app', category: 'mouse' }, 10)).toEqual({
      items: [],
      last: undefined,
    });
    expect(ddb.commandCalls(QueryCommand).map((c) => c.args[0].input.IndexName)).toEqual(['gsi2']);
  });

  test("a category's own and global types are merged; another application's are not", async () => {
    const { queryEvents } = await eventQueries();
    ddb.on(QueryCommand).callsFake((input) =>
      input.IndexName === 'gsi2' && input.ExpressionAttributeValues[':pk'] === 'ETC#mouse'
        ? {
            Items: [
              { owner: 'app', name: 'hover' },
              { owner: 'global', name: 'drag' },
              { owner: 'other', name: 'secret' },
            ],
          }
        : { Items: [] },
    );
    await queryEvents({ applicationId: 'app', category: 'mouse' }, 10);
    const partitions = ddb
      .commandCalls(QueryCommand)
      .map((c) => c.args[0].input.ExpressionAttributeValues?.[':pk'])
      .slice(1);
    expect(partitions.sort()).toEqual(['T#app#mouse#drag', 'T#app#mouse#hover']);
  });
});

describe('error records and their counters', () => {
  const invalid = () => classify('app', 'e9', sent('hover', '2021-01-01 10:00:00'), received);

  test("an error is one transaction: the record (conditional), its copy and both scopes' counters", async () => {
    const { claimOutcome } = await repository();
    ddb.on(TransactWriteCommand).resolves({});
    expect(await claimOutcome(invalid())).toEqual({ stored: true });
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items.map((i) => i.Put?.Item?.pk ?? i.Update?.Key?.pk)).toEqual([
      'EV#app#e9',
      'XE#app#e9',
      expect.stringMatching(/^ESUM#app#\d$/),
      expect.stringMatching(/^ESUM#\*#\d$/),
    ]);
    expect(items[2]?.Update?.Key?.sk).toBe('2024-01-01T00');
    expect(Object.values(items[2]?.Update?.ExpressionAttributeNames ?? {})).toEqual([
      'total',
      'c#unknown_event_type',
      't#[null,"page interaction","hover",null,"unknown_event_type"]',
    ]);
    // Nothing is written outside the transaction: a crash leaves the record and its counts together or neither.
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
  });

  test('a redelivery finds the record taken: the transaction is cancelled whole and counts nothing', async () => {
    const { claimOutcome } = await repository();
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None', 'None'));
    ddb.on(GetCommand).resolves({ Item: { kind: 'error' } });
    expect(await claimOutcome(invalid())).toEqual({ stored: false, copy: undefined });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  test('a conflict on the shared counters is retried until the transaction commits', async () => {
    const { claimOutcome } = await repository();
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('None', 'None', 'TransactionConflict', 'None'))
      .rejectsOnce(Object.assign(new Error('conflict'), { name: 'TransactionConflictException' }))
      .resolves({});
    expect(await claimOutcome(invalid())).toEqual({ stored: true });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(3);
  });

  test('a crash after the commit (the answer lost) is redelivered and then counts nothing more', async () => {
    const { claimOutcome } = await repository();
    // The first attempt committed but its answer never came back; the message goes back to the queue.
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }))
      .rejects(cancelled('ConditionalCheckFailed', 'None', 'None', 'None'));
    ddb.on(GetCommand).resolves({ Item: { kind: 'error' } });
    await expect(claimOutcome(invalid())).rejects.toThrow('socket hang up');
    expect(await claimOutcome(invalid())).toEqual({ stored: false, copy: undefined });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  test('conflicts that outlast every attempt throw, so SQS delivers the message again', async () => {
    const { claimOutcome } = await repository();
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'None', 'TransactionConflict', 'None'));
    await expect(claimOutcome(invalid())).rejects.toThrow('cancelled');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(6);
  });

  test('the admin lists across applications by merging the shards, newest first', async () => {
    const { queryErrors } = await repository();
    ddb.on(QueryCommand).resolves({ Items: [] });
    await queryErrors({ code: 'invalid_payload', includeReplayed: true }, 10);
    const pks = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input.ExpressionAttributeValues?.[':pk']);
    expect(pks).toHaveLength(16);
    expect(new Set(pks.map((pk) => pk.replace(/#\d$/, '')))).toEqual(
      new Set(['ERRC#*#invalid_payload', 'ERRCR#*#invalid_payload']),
    );
    expect(ddb.commandCalls(QueryCommand).every((c) => c.args[0].input.ScanIndexForward === false)).toBe(
      true,
    );
  });
});

describe('enqueue', () => {
  test('sends again only the entries SQS failed, until all are queued', async () => {
    const { enqueue } = await import('../../../shared/events/queue.ts');
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Successful: [], Failed: [{ Id: '1', Code: 'x', SenderFault: false }] })
      .resolves({ Successful: [], Failed: [] });
    await enqueue(['m0', 'm1', 'm2']);
    const calls = sqs
      .commandCalls(SendMessageBatchCommand)
      .map((c) => c.args[0].input.Entries?.map((e) => e.MessageBody));
    expect(calls).toEqual([['m0', 'm1', 'm2'], ['m1']]);
  });
});

describe('the sample SQS event', () => {
  test('is a message the consumer understands', async () => {
    const { ingestMessage } = await import('../../../shared/events/schemas.ts');
    const { outcomesOfMessage } = await import('../../../shared/events/use-cases/processing.ts');
    const sample = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', '..', '..', 'events', 'events', 'process.json'), 'utf8'),
    );
    // No type is stored: the built-ins apply.
    ddb.on(BatchGetCommand).resolves({ Responses: { events: [] } });
    const message = ingestMessage.parse(JSON.parse(sample.Records[0].body));
    expect((await outcomesOfMessage(message)).map((o) => o.kind)).toEqual(['event']);
  });
});
