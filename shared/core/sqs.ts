import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger, metrics, tracing } from './observability.ts';

/**
 * The chain for queue consumers: each record is handled on its own and only failed records are
 * reported back (ReportBatchItemFailures), so one poisoned message goes to the DLQ without its batch.
 * Record handlers must be idempotent: SQS delivers at least once.
 */
export const sqsConsumer = (handleRecord: (record: SQSRecord) => Promise<void>) => {
  const processor = new BatchProcessor(EventType.SQS);
  return middy<SQSEvent, SQSBatchResponse>()
    .use(tracing())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async (event, context) => processPartialResponse(event, handleRecord, processor, { context }));
};

/**
 * For consumers that must see the whole batch at once (e.g. to coalesce work on the same key); the
 * handler returns the message ids that failed.
 */
export const sqsBatchConsumer = (handleBatch: (records: SQSRecord[]) => Promise<string[]>) =>
  middy<SQSEvent, SQSBatchResponse>()
    .use(tracing())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async (event) => ({
      batchItemFailures: (await handleBatch(event.Records)).map((itemIdentifier) => ({ itemIdentifier })),
    }));
