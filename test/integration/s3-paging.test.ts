import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { localNames } from '../../local/provision.ts';
import { OPERATOR_CREDENTIALS, startTestStack, type TestStack } from './harness.ts';

// s3rver's list-continuation tokens need OpenSSL's legacy provider, which only its own process gets:
// this is the one path that proves it has it, while nothing else (handlers, tests) does.

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

test('listing a prefix one key per page walks every object through continuation tokens', async () => {
  // s3rver accepts only its own fixed key pair.
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: stack.endpoints.s3,
    forcePathStyle: true,
    credentials: OPERATOR_CREDENTIALS,
  });
  const Bucket = localNames.bucket;
  const keys = ['paging/a.txt', 'paging/b.txt', 'paging/c.txt'];
  for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));

  const listed: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket, Prefix: 'paging/', MaxKeys: 1, ContinuationToken: token }),
    );
    listed.push(...(page.Contents ?? []).map((object) => object.Key!));
    token = page.NextContinuationToken;
  } while (token);

  expect(listed).toEqual(keys);
});
