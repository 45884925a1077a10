import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Scope } from '../core/auth.ts';
import { dynamo } from '../core/aws/dynamo.ts';
import { decodeCursor, encodeCursor } from '../core/cursor.ts';
import { deleteIfExists } from '../core/dynamo.ts';
import { tableName } from '../core/env.ts';
import type { Page } from '../core/validation.ts';
import type { Application } from './schemas.ts';

// One item per application, keyed by its key hash so the authorizer resolves a token with one
// strongly consistent GetItem; GSIs find it by id (delete) and list all apps in creation order.
const keys = {
  byKeyHash: (hash: string) => ({ pk: `KEY#${hash}`, sk: 'APP' }),
  byId: (id: string) => ({ gsi1pk: `APP#${id}`, gsi1sk: 'APP' }),
  listing: (createdAt: string, id: string) => ({ gsi2pk: 'APPS', gsi2sk: `${createdAt}#${id}` }),
};

interface ApplicationItem extends Application {
  key_hash: string;
}

const table = () => tableName('applications');

const toApplication = (item: { [key: string]: unknown } | ApplicationItem): Application => ({
  id: item.id as string,
  name: item.name as string,
  scopes: item.scopes as Scope[],
  created_at: item.created_at as string,
});

export const createApplication = async (input: { name: string; scopes: Scope[]; keyHash: string }) => {
  const app: ApplicationItem = {
    id: randomUUID(),
    name: input.name,
    scopes: [...new Set(input.scopes)],
    created_at: new Date().toISOString(),
    key_hash: input.keyHash,
  };
  await dynamo.send(
    new PutCommand({
      TableName: table(),
      Item: {
        ...keys.byKeyHash(app.key_hash),
        ...keys.byId(app.id),
        ...keys.listing(app.created_at, app.id),
        ...app,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return toApplication(app);
};

export const findByKeyHash = async (
  hash: string,
): Promise<(Application & { key_hash: string }) | undefined> => {
  const out = await dynamo.send(
    new GetCommand({ TableName: table(), Key: keys.byKeyHash(hash), ConsistentRead: true }),
  );
  return out.Item ? { ...toApplication(out.Item), key_hash: out.Item.key_hash as string } : undefined;
};

/** Deletes the application (and so its key); false when there was none. */
export const deleteApplication = async (id: string): Promise<boolean> => {
  const found = await dynamo.send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk = :sk',
      ExpressionAttributeValues: { ':pk': keys.byId(id).gsi1pk, ':sk': 'APP' },
    }),
  );
  const item = found.Items?.[0];
  if (!item) return false;
  return deleteIfExists({ TableName: table(), Key: { pk: item.pk, sk: item.sk } });
};

export const listApplications = async (limit: number, cursor?: string): Promise<Page<Application>> => {
  const out = await dynamo.send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': 'APPS' },
      Limit: limit,
      ExclusiveStartKey: await decodeCursor('applications', cursor),
    }),
  );
  return {
    items: (out.Items ?? []).map(toApplication),
    next_cursor: await encodeCursor('applications', out.LastEvaluatedKey),
  };
};
