import type { Context, SQSRecord } from 'aws-lambda';
import { fetchCity } from '../../shared/bus/fetch-city.ts';
import { fetchCityMessage } from '../../shared/bus/schemas.ts';
import { sqsConsumer } from '../../shared/core/sqs.ts';

// batchSize is 1 in the manifest: a city-day can take minutes, and each gets the whole function.
// Powertools hands the Lambda context to the record handler, which bounds the retries in time.
export const handler = sqsConsumer(async (record: SQSRecord, context?: Context) => {
  const started = Date.now();
  const remainingMs = () => context?.getRemainingTimeInMillis() ?? 900_000 - (Date.now() - started);
  await fetchCity(fetchCityMessage.parse(JSON.parse(record.body)), remainingMs);
});
