import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger, metrics, tracing } from './observability.ts';

export interface ConsumerOptions {
  /** Publish Powertools metrics (EMF) after each invocation; only for consumers that add some. */
  metrics?: boolean;
}

const chain = (options: ConsumerOptions) =>
  middy<SQSEvent, SQSBatchResponse>()
    .use(tracing())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(options.metrics ? [logMetrics(metrics)] : []);

/**
 * The chain for queue consumers: each record is handled on its own and only failed records are
 * reported back (ReportBatchItemFailures), so one poisoned message goes to the DLQ without its batch.
 * Record handlers must be idempotent: SQS delivers at least once.
 */
export const sqsConsumer = (
  handleRecord: (record: SQSRecord) => Promise<void>,
  options: ConsumerOptions = {},
) => {
  const processor = new BatchProcessor(EventType.SQS);
  return chain(options).handler(async (event, context) =>
    processPartialResponse(event, handleRecord, processor, { context }),
  );
};

/**
 * For consumers that must see the whole batch at once (e.g. to coalesce work on the same key); the
 * handler returns the message ids that failed.
 */
export const sqsBatchConsumer = (
  handleBatch: (records: SQSRecord[]) => Promise<string[]>,
  options: ConsumerOptions = {},
) =>
  chain(options).handler(async (event) => ({
    batchItemFailures: (await handleBatch(event.Records)).map((itemIdentifier) => ({ itemIdentifier })),
  }));
