import { scanFileMessage } from '../../shared/bus/schemas.ts';
import { scanFile } from '../../shared/bus/use-cases/queries.ts';
import { isLastReceive, sqsConsumer } from '../../shared/core/sqs.ts';

export const handler = sqsConsumer('bus-scan-file', scanFileMessage, async (record) =>
  scanFile(record.body, isLastReceive(record)),
);
