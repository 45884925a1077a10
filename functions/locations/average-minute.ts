import { sqsBatchConsumer } from '../../shared/core/sqs.ts';
import { recomputeMinutes } from '../../shared/locations/recompute.ts';
import { userMinutesMessage } from '../../shared/locations/repository.ts';

export const handler = sqsBatchConsumer('locations-average-minute', userMinutesMessage, recomputeMinutes);
