import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { env } from '../env.ts';

// One module per AWS client, so a handler loads only the clients it uses (each costs 50-100 ms of cold
// start). Created once per container; endpoints come from env so the same code talks to the emulators.
export const dynamo = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT }),
  { marshallOptions: { removeUndefinedValues: true } },
);
