import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
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
    const { storeOutcome } = await repository();
    ddb.on(PutCommand).resolvesOnce({}).rejects(conditionFailed());
    expect(await storeOutcome(classify('app', 'e1', sent('pageview', '2021-01-01 10:00:00'), received))).toBe(
      true,
    );
    expect(await storeOutcome(classify('app', 'e1', sent('hover', '2021-01-01 10:00:00'), received))).toBe(
      false,
    );
    const puts = ddb.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => [p.Item?.pk, p.Item?.sk, p.ConditionExpression])).toEqual([
      ['EV#app#e1', 'EV', 'attribute_not_exists(pk)'],
      ['EV#app#e1', 'EV', 'attribute_not_exists(pk)'],
    ]);
    expect(puts[0]?.Item?.gsi1sk).toBe(`2021-01-01T10:00:00.000000#${received}#e1`);
  });

  test('a category query merges its types in time order and pages after the last key', async () => {
    const { queryEvents, storeOutcome } = await repository();
    ddb.on(PutCommand).resolves({});
    const items: Record<string, Record<string, unknown>> = {};
    for (const [id, name, ts] of [
      ['a', 'pageview', '2021-01-01 10:00:03'],
      ['b', 'cta click', '2021-01-01 10:00:01'],
      ['c', 'pageview', '2021-01-01 10:00:02'],
    ] as const) {
      await storeOutcome(classify('app', id, sent(name, ts), received));
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
    expect(indexes.sort()).toEqual(['T#app#page interaction#cta click', 'T#app#page interaction#pageview']);
  });

  test('an unregistered category reads nothing', async () => {
    const { queryEvents } = await repository();
    expect(await queryEvents({ applicationId: 'app', category: 'mouse' }, 10)).toEqual({
      items: [],
      last: undefined,
    });
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
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
    const { outcomesOfMessage } = await import('../../../shared/events/processing.ts');
    const sample = JSON.parse(
      readFileSync(
        join(import.meta.dirname, '..', '..', '..', 'events', 'events', 'process-sqs.json'),
        'utf8',
      ),
    );
    expect(outcomesOfMessage(sample.Records[0].body).map((o) => o.kind)).toEqual(['event']);
  });
});
