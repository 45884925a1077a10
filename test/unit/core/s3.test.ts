import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { beforeAll, describe, expect, test } from '@jest/globals';

// Deployed (no S3_ENDPOINT), as a real browser upload would meet it.
beforeAll(() => {
  delete process.env.S3_ENDPOINT;
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'AKIAUNITTEST';
  process.env.AWS_SECRET_ACCESS_KEY = 'unit-test-secret';
});

const presign = (client: S3Client) =>
  getSignedUrl(client, new PutObjectCommand({ Bucket: 'b', Key: 'datasets/uploads/x' }), { expiresIn: 60 });

describe('presigned upload URLs', () => {
  test('carry no checksum of the empty body they were signed without, which S3 would hold every upload to', async () => {
    const { presigningS3 } = await import('../../../shared/core/aws/s3.ts');
    const url = new URL(await presign(presigningS3));
    expect([...url.searchParams.keys()].filter((k) => /checksum/i.test(k))).toEqual([]);
  });

  test('would, with the SDK’s default checksum setting (the reason for a presigning client of its own)', async () => {
    const url = new URL(await presign(new S3Client({ region: 'us-east-1' })));
    expect(url.searchParams.get('x-amz-checksum-crc32')).toBe('AAAAAA==');
  });
});
