import type { Context } from 'aws-lambda';
import { fetchCityMessage } from '../../shared/bus/schemas.ts';
import { fetchCity } from '../../shared/bus/use-cases/fetch-city.ts';
import { isLastReceive, sqsConsumer } from '../../shared/core/sqs.ts';

// batchSize is 1 in the manifest: a city-day can take minutes, and each gets the whole function.
// Powertools hands the Lambda context to the record handler, which bounds the retries in time.
export const handler = sqsConsumer('bus-fetch-city', fetchCityMessage, async (record, context?: Context) => {
  const started = Date.now();
  const remainingMs = () => context?.getRemainingTimeInMillis() ?? 900_000 - (Date.now() - started);
  await fetchCity(record.body, remainingMs, isLastReceive(record));
});
