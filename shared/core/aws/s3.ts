import { S3Client } from '@aws-sdk/client-s3';
import { env } from '../env.ts';

const local = env.S3_ENDPOINT !== undefined;

// Only against the local endpoint: s3rver corrupts streamed uploads unless flexible checksums are used
// only when S3 requires them. Deployed, the SDK's default (a CRC32 on every upload) stays on.
const localChecksums = local
  ? ({ requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } as const)
  : {};

export const s3 = new S3Client({
  region: env.AWS_REGION,
  endpoint: env.S3_ENDPOINT,
  forcePathStyle: local,
  ...localChecksums,
});

/**
 * For presigned PUT URLs, on AWS too: with the default (WHEN_SUPPORTED) the SDK signs the CRC32 of the
 * empty body it has at signing time into the URL, and S3 then refuses every real upload with a checksum
 * mismatch (aws-sdk-js-v3#6994).
 */
export const presigningS3 = new S3Client({
  region: env.AWS_REGION,
  endpoint: env.S3_ENDPOINT,
  forcePathStyle: local,
  requestChecksumCalculation: 'WHEN_REQUIRED',
});
