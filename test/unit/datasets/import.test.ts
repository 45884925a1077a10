import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';

// The import's decisions, with DynamoDB and S3 mocked: what it claims, what it publishes, and how
// each kind of failure ends.
const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
beforeAll(() => {
  process.env.TABLE_DATASETS = 'datasets';
  process.env.DATA_BUCKET = 'bucket';
  process.env.MAX_RECEIVE_COUNT = '3';
});
beforeEach(() => {
  ddb.reset();
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
  s3.on(DeleteObjectCommand).resolves({});
});
const useCases = () => import('../../../shared/datasets/use-cases/datasets.ts');
const lifecycle = () => import('../../../shared/datasets/lifecycle.ts');
const conditionFailed = () => Object.assign(new Error('no'), { name: 'ConditionalCheckFailedException' });
const KEY = 'datasets/uploads/d1';
const body = (text: string) => ({ Body: Readable.from([Buffer.from(text)]) as never });
const updates = () => ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
const delivery = (receiveCount: number) => ({ messageId: 'm1', receiveCount, deadline: 1_000_000 });

describe('importing an upload', () => {
  test('claims with the deadline of its function and publishes the extract under its attempt', async () => {
    const { importUpload } = await useCases();
    ddb.on(UpdateCommand).resolves({});
    s3.on(GetObjectCommand).resolves(body('{"a": 1}\n{"a": 2}'));
    await importUpload(KEY, delivery(1));
    const [claim, ready] = updates();
    expect(claim?.ConditionExpression).toContain('#deadline < :now');
    expect(claim?.ExpressionAttributeValues).toMatchObject({
      ':set_deadline': 1_000_000,
      ':set_final_attempt': false,
    });
    expect(claim?.UpdateExpression).toContain('REMOVE #expires_at');
    const attempt = claim?.ExpressionAttributeValues?.[':set_attempt'];
    expect(ready?.ExpressionAttributeValues).toMatchObject({
      ':set_status': 'ready',
      ':set_records': 2,
      ':set_extract': attempt,
      ':attempt': attempt,
    });
    const keys = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key);
    expect(keys).toContain(`datasets/d1/extract/${attempt}/catalogue.json`);
    expect(keys.every((k) => k?.startsWith(`datasets/d1/extract/${attempt}/`))).toBe(true);
  });

  test('a delivery while another attempt holds the claim reads nothing and changes nothing', async () => {
    const { importUpload } = await useCases();
    ddb.on(UpdateCommand).rejects(conditionFailed());
    await importUpload(KEY, delivery(1));
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(updates()).toHaveLength(1);
  });

  test('a bad file fails at once with the offset of its first error', async () => {
    const { importUpload } = await useCases();
    ddb.on(UpdateCommand).resolves({});
    s3.on(GetObjectCommand).resolves(body('{"a": 1} {"a": tru}'));
    await importUpload(KEY, delivery(1));
    expect(updates()[1]?.ExpressionAttributeValues).toMatchObject({
      ':set_status': 'failed',
      ':set_error': { offset: 18, message: expect.any(String) },
    });
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(1);
  });

  test('another failure with retries left gives up the claim and is retried', async () => {
    const { importUpload } = await useCases();
    ddb.on(UpdateCommand).resolves({});
    s3.on(GetObjectCommand).rejects(new Error('S3 is down'));
    await expect(importUpload(KEY, delivery(2))).rejects.toThrow('S3 is down');
    const [, release] = updates();
    expect(release?.ExpressionAttributeValues).toMatchObject({ ':set_deadline': 0 });
  });

  test('another failure on the last receive ends the dataset failed with a reason', async () => {
    const { importUpload } = await useCases();
    const { importFailed } = await lifecycle();
    ddb.on(UpdateCommand).resolves({});
    s3.on(GetObjectCommand).rejects(new Error('S3 is down'));
    await importUpload(KEY, delivery(3));
    const [claim, failed] = updates();
    expect(claim?.ExpressionAttributeValues).toMatchObject({ ':set_final_attempt': true });
    expect(failed?.ExpressionAttributeValues).toMatchObject({
      ':set_status': 'failed',
      ':set_error': { message: importFailed(3) },
    });
  });
});
