import { sqsBatchConsumer } from '../../shared/core/sqs.ts';
import { userMinutesMessage } from '../../shared/locations/schemas.ts';
import { recomputeMinutes } from '../../shared/locations/use-cases/recompute.ts';

export const handler = sqsBatchConsumer('locations-average-minute', userMinutesMessage, recomputeMinutes);
