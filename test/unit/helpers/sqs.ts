import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';

/** An SQS record as Lambda delivers it (every field SqsRecordSchema requires), with a JSON body. */
export const sqsRecord = (messageId: string, body: unknown): SQSRecord => ({
  messageId,
  receiptHandle: `handle-${messageId}`,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: String(Date.now()),
    SenderId: 'AIDASAMPLE',
    ApproximateFirstReceiveTimestamp: String(Date.now()),
  },
  messageAttributes: {},
  md5OfBody: 'md5',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:queue',
  awsRegion: 'us-east-1',
});

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

export const lambdaContext = {
  functionName: 'consumer',
  awsRequestId: 'request',
  getRemainingTimeInMillis: () => 60_000,
} as Context;
