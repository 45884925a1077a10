import { sqsConsumer } from '../../shared/core/sqs.ts';
import { createdObjectKeys, importUpload } from '../../shared/datasets/datasets.ts';

export const handler = sqsConsumer(async (record) => {
  for (const key of createdObjectKeys(record.body)) await importUpload(key);
});
