import type { Context } from 'aws-lambda';
import { sqsConsumer } from '../../shared/core/sqs.ts';
import { s3NotificationMessage } from '../../shared/datasets/schemas.ts';
import { createdObjectKeys, importUpload } from '../../shared/datasets/use-cases/datasets.ts';

// Powertools hands the Lambda context to the record handler: the import's claim lasts as long as
// this invocation can run.
export const handler = sqsConsumer(
  'datasets-import',
  s3NotificationMessage,
  async (record, context?: Context) => {
    const delivery = {
      messageId: record.messageId,
      receiveCount: Number(record.attributes.ApproximateReceiveCount),
      deadline: Date.now() + (context?.getRemainingTimeInMillis() ?? 900_000),
    };
    for (const key of createdObjectKeys(record.body)) await importUpload(key, delivery);
  },
);
