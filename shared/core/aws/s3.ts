import { S3Client } from '@aws-sdk/client-s3';
import { env } from '../env.ts';

// s3rver corrupts streamed uploads unless flexible checksums are only used when S3 requires them.
export const s3 = new S3Client({
  region: env.AWS_REGION,
  endpoint: env.S3_ENDPOINT,
  forcePathStyle: env.S3_ENDPOINT !== undefined,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
