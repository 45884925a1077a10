import { SQSClient } from '@aws-sdk/client-sqs';
import { env } from '../env.ts';

export const sqs = new SQSClient({ region: env.AWS_REGION, endpoint: env.SQS_ENDPOINT });
