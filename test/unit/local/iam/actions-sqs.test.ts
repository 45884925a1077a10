import { describe, expect, test } from '@jest/globals';
import { queueArnFromUrl, sqsAuthorizations } from '../../../../local/iam/actions-sqs.ts';

const queue = 'arn:aws:sqs:us-east-1:000000000000:eye-busFetch';
const url = 'http://sqs.us-east-1.127.0.0.1:4566/000000000000/eye-busFetch';
const checks = (operation: string, input: Record<string, unknown>) =>
  sqsAuthorizations(operation, input)?.map(({ action, resource }) => [action, resource]);

describe('the IAM checks of an SQS request (as AWS makes them)', () => {
  test('a queue URL names the queue ARN by its name, whatever the host', () => {
    expect(queueArnFromUrl(url)).toBe(queue);
    expect(queueArnFromUrl('http://127.0.0.1:9324/000000000000/eye-busFetch')).toBe(queue);
  });

  test('the batch operations are checked as their single-message action', () => {
    expect(checks('SendMessageBatch', { QueueUrl: url })).toEqual([['sqs:SendMessage', queue]]);
    expect(checks('DeleteMessageBatch', { QueueUrl: url })).toEqual([['sqs:DeleteMessage', queue]]);
    expect(checks('ChangeMessageVisibilityBatch', { QueueUrl: url })).toEqual([
      ['sqs:ChangeMessageVisibility', queue],
    ]);
  });

  test('the other queue operations are their own action on the queue', () => {
    for (const operation of [
      'SendMessage',
      'ReceiveMessage',
      'DeleteMessage',
      'ChangeMessageVisibility',
      'GetQueueAttributes',
      'PurgeQueue',
    ])
      expect(checks(operation, { QueueUrl: url })).toEqual([[`sqs:${operation}`, queue]]);
  });

  test('CreateQueue and GetQueueUrl name the queue by QueueName', () => {
    expect(checks('CreateQueue', { QueueName: 'eye-busFetch' })).toEqual([['sqs:CreateQueue', queue]]);
    expect(checks('GetQueueUrl', { QueueName: 'eye-busFetch' })).toEqual([['sqs:GetQueueUrl', queue]]);
  });

  test('ListQueues is a wildcard-only action', () => {
    expect(checks('ListQueues', {})).toEqual([['sqs:ListQueues', '*']]);
  });

  test('a request that names no queue is left unmapped', () => {
    expect(sqsAuthorizations('SendMessage', {})).toBeUndefined();
    expect(sqsAuthorizations('Unheard', { QueueUrl: url })).toBeUndefined();
  });
});
