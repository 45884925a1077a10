import type { Context, SQSRecord } from 'aws-lambda';
import { sqsConsumer } from '../../shared/core/sqs.ts';
import { createdObjectKeys, importUpload } from '../../shared/datasets/use-cases/datasets.ts';

// Powertools hands the Lambda context to the record handler: the import's claim lasts as long as
// this invocation can run.
export const handler = sqsConsumer(async (record: SQSRecord, context?: Context) => {
  const delivery = {
    messageId: record.messageId,
    receiveCount: Number(record.attributes.ApproximateReceiveCount),
    deadline: Date.now() + (context?.getRemainingTimeInMillis() ?? 900_000),
  };
  for (const key of createdObjectKeys(record.body)) await importUpload(key, delivery);
});
