import {
  BatchProcessor,
  EventType,
  ParsingError,
  processPartialResponse,
} from '@aws-lambda-powertools/batch';
import type { BatchProcessorConfig } from '@aws-lambda-powertools/batch/types';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parse } from '@aws-lambda-powertools/parser';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { env } from './env.ts';
import { logger, metrics, tracing } from './observability.ts';

export interface ConsumerOptions {
  /** Publish Powertools metrics (EMF) after each invocation; only for consumers that add some. */
  metrics?: boolean;
}

/** A record whose JSON body has been parsed by its consumer's schema. */
export type Delivery<Body> = Omit<SQSRecord, 'body'> & { body: Body };

const chain = (options: ConsumerOptions) =>
  middy<SQSEvent, SQSBatchResponse>()
    .use(tracing())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(options.metrics ? [logMetrics(metrics)] : []);

// The record schema and the parser hook that the Powertools batch parser integration
// (`@aws-lambda-powertools/batch/parser`, `@aws-lambda-powertools/parser/schemas/sqs`, `.../helpers`)
// would provide, written here: those modules import zod as a value (`import { z }`), which keeps all
// of zod's locales (~265 KB minified) in every consumer's bundle, over its budget
// (test/cdk/bundles.test.ts). The processor gets the same contract: a parser that throws
// ParsingError, and a record whose body is the JSON-decoded, parsed payload.
const jsonBody = (body: z.ZodType) =>
  z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `Invalid JSON - ${(err as Error).message}` });
        return z.NEVER;
      }
    })
    .pipe(body);

/** An SQS record as Lambda delivers it, every field kept, its body parsed. */
const recordSchema = (body: z.ZodType) =>
  z.looseObject({
    messageId: z.string(),
    attributes: z.looseObject({ ApproximateReceiveCount: z.string() }),
    body: jsonBody(body),
  });

const parser: BatchProcessorConfig['parser'] = async (record, _eventType, _logger, config) => {
  const result = parse(record, undefined, config.schema!, true);
  if (result.success) return result.data as SQSRecord;
  const issues = result.error.cause as readonly { path?: readonly PropertyKey[]; message: string }[];
  throw new ParsingError(issues.map((issue) => `${issue.path?.join('.')}: ${issue.message}`).join('; '));
};

/** The Powertools parser configuration of a consumer, its schema built once per function. */
const parserConfig = (body: z.ZodType): BatchProcessorConfig => ({
  parser,
  schema: recordSchema(body),
  logger,
});

/**
 * A body that does not parse would fail every receive alike: it is reported failed like any other
 * (so it reaches the DLQ after maxReceiveCount, with the rest of its batch unaffected), and logged with
 * its issues (never the body, which may carry personal data) and counted, per consumer.
 */
const unparseable = (consumer: string, messageId: string, error: ParsingError) => {
  logger.error('Unparseable message body', { consumer, messageId, issues: error.message });
  const metric = metrics.singleMetric();
  metric.addDimension('consumer', consumer);
  metric.addMetric('UnparseableMessages', MetricUnit.Count, 1);
};

class ParsingBatchProcessor extends BatchProcessor {
  readonly #consumer: string;

  constructor(consumer: string, body: z.ZodType) {
    super(EventType.SQS, parserConfig(body));
    this.#consumer = consumer;
  }

  override failureHandler(record: SQSRecord, error: Error) {
    if (error instanceof ParsingError) unparseable(this.#consumer, record.messageId, error);
    return super.failureHandler(record, error);
  }
}

/**
 * The chain for queue consumers: each record's body is parsed by `body` and the record handled on its
 * own; only failed records are reported back (ReportBatchItemFailures), so one poisoned message goes to
 * the DLQ without its batch. Record handlers must be idempotent: SQS delivers at least once.
 */
export const sqsConsumer = <Schema extends z.ZodType>(
  consumer: string,
  body: Schema,
  handleRecord: (record: Delivery<z.output<Schema>>, context?: Context) => Promise<void>,
  options: ConsumerOptions = {},
) => {
  const processor = new ParsingBatchProcessor(consumer, body);
  return chain(options).handler(async (event, context) =>
    processPartialResponse(
      event,
      handleRecord as (record: unknown, context?: Context) => Promise<void>,
      processor,
      { context },
    ),
  );
};

/**
 * For consumers that must see the whole batch at once (e.g. to coalesce work on the same key): the
 * records whose body parses are handed over together, and the handler returns the message ids that
 * failed; those that do not parse are failed here.
 */
export const sqsBatchConsumer = <Schema extends z.ZodType>(
  consumer: string,
  body: Schema,
  handleBatch: (records: Delivery<z.output<Schema>>[]) => Promise<string[]>,
  options: ConsumerOptions = {},
) => {
  const config = parserConfig(body);
  return chain(options).handler(async (event) => {
    const parsed: Delivery<z.output<Schema>>[] = [];
    const failed: string[] = [];
    for (const record of event.Records) {
      try {
        parsed.push((await parser(record, EventType.SQS, logger, config)) as Delivery<z.output<Schema>>);
      } catch (err) {
        if (!(err instanceof ParsingError)) throw err;
        unparseable(consumer, record.messageId, err);
        failed.push(record.messageId);
      }
    }
    const failures = [...failed, ...(parsed.length > 0 ? await handleBatch(parsed) : [])];
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  });
};

/**
 * Whether this receive of a record is its queue's last (the next failure moves it to the DLQ), so the
 * consumer records the failure instead of leaving it to the DLQ in silence (consumerEnvironment() in
 * lib/routes.ts sets MAX_RECEIVE_COUNT).
 */
export const isLastReceive = (record: Pick<SQSRecord, 'attributes'>) => {
  const maxReceives = env.MAX_RECEIVE_COUNT;
  if (maxReceives === undefined) throw new Error('Missing configuration MAX_RECEIVE_COUNT');
  return Number(record.attributes.ApproximateReceiveCount) >= maxReceives;
};
