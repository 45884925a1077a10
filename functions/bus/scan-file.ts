import type { SQSRecord } from 'aws-lambda';
import { scanFileMessage } from '../../shared/bus/schemas.ts';
import { scanFile } from '../../shared/bus/use-cases/queries.ts';
import { env } from '../../shared/core/env.ts';
import { sqsConsumer } from '../../shared/core/sqs.ts';

const maxReceives = env.MAX_RECEIVE_COUNT;
if (maxReceives === undefined) throw new Error('Missing configuration MAX_RECEIVE_COUNT');

export const handler = sqsConsumer(async (record: SQSRecord) => {
  const lastReceive = Number(record.attributes.ApproximateReceiveCount) >= maxReceives;
  await scanFile(scanFileMessage.parse(JSON.parse(record.body)), lastReceive);
});
