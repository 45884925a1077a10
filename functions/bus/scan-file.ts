import { scanFile } from '../../shared/bus/queries.ts';
import { scanFileMessage } from '../../shared/bus/schemas.ts';
import { isLastReceive, sqsConsumer } from '../../shared/core/sqs.ts';

export const handler = sqsConsumer('bus-scan-file', scanFileMessage, async (record) =>
  scanFile(record.body, isLastReceive(record)),
);
