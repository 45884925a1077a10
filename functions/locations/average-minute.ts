import { sqsBatchConsumer } from '../../shared/core/sqs.ts';
import { recomputeMinutes } from '../../shared/locations/use-cases/recompute.ts';

export const handler = sqsBatchConsumer(recomputeMinutes);
