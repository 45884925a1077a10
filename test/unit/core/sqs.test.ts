import type { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, jest, test } from '@jest/globals';
import * as z from 'zod';
import { logger, metrics } from '../../../shared/core/observability.ts';
import { sqsBatchConsumer, sqsConsumer } from '../../../shared/core/sqs.ts';
import { lambdaContext, sqsEvent, sqsRecord } from '../helpers/sqs.ts';

const body = z.object({ n: z.number().int() });

/** Records what the chain publishes as single metrics: [dimensions, name, value] per metric. */
const captureMetrics = () => {
  const published: [Record<string, string>, string, number][] = [];
  jest.spyOn(metrics, 'singleMetric').mockImplementation(() => {
    const dimensions: Record<string, string> = {};
    return {
      addDimension: (name: string, value: string) => {
        dimensions[name] = value;
      },
      addMetric: (name: string, _unit: string, value: number) => {
        published.push([dimensions, name, value]);
      },
    } as unknown as Metrics;
  });
  return published;
};

const batch = () =>
  sqsEvent(
    sqsRecord('first', { n: 1 }),
    sqsRecord('wrong-shape', { n: 'two', secret: 'personal data' }),
    sqsRecord('third', { n: 3 }),
    sqsRecord('not-json', '{"n": 4'),
  );

describe('the queue consumer chain', () => {
  test('hands parsed bodies to the record handler and fails only the messages that do not parse', async () => {
    const published = captureMetrics();
    const errors = jest.spyOn(logger, 'error');
    const seen: unknown[] = [];
    const handler = sqsConsumer('test-consumer', body, async (record) => {
      seen.push(record.body);
    });
    const result = await handler(batch(), lambdaContext);
    expect(result.batchItemFailures).toEqual([
      { itemIdentifier: 'wrong-shape' },
      { itemIdentifier: 'not-json' },
    ]);
    expect(seen).toEqual([{ n: 1 }, { n: 3 }]);
    expect(published).toEqual([
      [{ consumer: 'test-consumer' }, 'UnparseableMessages', 1],
      [{ consumer: 'test-consumer' }, 'UnparseableMessages', 1],
    ]);
    const logged = errors.mock.calls.map(([, extra]) => extra as Record<string, string>);
    expect(logged.map((l) => l.messageId)).toEqual(['wrong-shape', 'not-json']);
    expect(logged[0]!.issues).toMatch(/body\.n/);
    expect(JSON.stringify(logged)).not.toContain('personal data');
  });

  test('a record that parses but fails in its handler is a failure, not an unparseable message', async () => {
    const published = captureMetrics();
    const handler = sqsConsumer('test-consumer', body, async (record) => {
      if (record.body.n === 3) throw new Error('downstream refused');
    });
    const result = await handler(
      sqsEvent(sqsRecord('first', { n: 1 }), sqsRecord('third', { n: 3 })),
      lambdaContext,
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'third' }]);
    expect(published).toEqual([]);
  });

  test('a batch consumer sees the parsed records together; the unparseable ones fail beside its own failures', async () => {
    const published = captureMetrics();
    const handler = sqsBatchConsumer('test-batch', body, async (records) => {
      expect(records.map((r) => r.body)).toEqual([{ n: 1 }, { n: 3 }]);
      return ['third'];
    });
    const result = await handler(batch(), lambdaContext);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([
      'wrong-shape',
      'not-json',
      'third',
    ]);
    expect(published.map(([dimensions, name]) => [dimensions.consumer, name])).toEqual([
      ['test-batch', 'UnparseableMessages'],
      ['test-batch', 'UnparseableMessages'],
    ]);
  });
});

describe('the datasets import consumer', () => {
  test('acknowledges the test event S3 sends when its notification is configured, without counting it', async () => {
    const published = captureMetrics();
    const { handler } = await import('../../../functions/datasets/import.ts');
    const testEvent = {
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: '2026-11-23T12:00:00.000Z',
      Bucket: 'eye-data-123456789012',
      RequestId: '5582815E1AEA5ADF',
      HostId: '8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE',
    };
    const result = await handler(sqsEvent(sqsRecord('test-event', testEvent)), lambdaContext);
    expect(result.batchItemFailures).toEqual([]);
    expect(published).toEqual([]);
  });
});
