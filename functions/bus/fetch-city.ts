import type { Context, SQSRecord } from 'aws-lambda';
import { fetchCityMessage } from '../../shared/bus/schemas.ts';
import { fetchCity } from '../../shared/bus/use-cases/fetch-city.ts';
import { env } from '../../shared/core/env.ts';
import { sqsConsumer } from '../../shared/core/sqs.ts';

const maxReceives = env.MAX_RECEIVE_COUNT;
if (maxReceives === undefined) throw new Error('Missing configuration MAX_RECEIVE_COUNT');

// batchSize is 1 in the manifest: a city-day can take minutes, and each gets the whole function.
// Powertools hands the Lambda context to the record handler, which bounds the retries in time.
export const handler = sqsConsumer(async (record: SQSRecord, context?: Context) => {
  const started = Date.now();
  const remainingMs = () => context?.getRemainingTimeInMillis() ?? 900_000 - (Date.now() - started);
  const lastReceive = Number(record.attributes.ApproximateReceiveCount) >= maxReceives;
  await fetchCity(fetchCityMessage.parse(JSON.parse(record.body)), remainingMs, lastReceive);
});
