import { sqsBatchConsumer } from '../../shared/core/sqs.ts';
import { recomputeMinutes } from '../../shared/locations/ingest.ts';

export const handler = sqsBatchConsumer(recomputeMinutes);
