import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/aws/dynamo.ts';
import { decodeCursor, encodeCursor } from '../core/cursor.ts';
import { isConditionFailure, putIfAbsent, queryAll } from '../core/dynamo.ts';
import { tableName } from '../core/env.ts';
import type { Page } from '../core/validation.ts';
import type { PointValues } from './averages.ts';
import type { Datapoint } from './datapoint.ts';
import { minuteRange } from './minutes.ts';
import type { MinuteAverage, UserMinute } from './schemas.ts';

// Points are partitioned by user-minute, sorted by their µs instant: the conditional put on that key is
// the deduplication (same user + same instant = same item), and recomputing a minute is one Query.
// A user's averages share one partition sorted by minute, so a time range is one Query.
const keys = {
  minutePoints: (userId: string, minute: string) => `PT#${userId}#${minute}`,
  point: (p: Datapoint) => ({ pk: keys.minutePoints(p.user_id, p.minute), sk: p.instant }),
  averages: (userId: string) => `AVG#${userId}`,
  average: (userId: string, minute: string) => ({ pk: keys.averages(userId), sk: minute }),
};

const table = () => tableName('locations');
/** Stores a point unless the same user already has one at the same instant (the first one wins). */
export const storePoint = async (p: Datapoint, receivedAt: string): Promise<'stored' | 'duplicate'> => {
  const stored = await putIfAbsent(table(), {
    ...keys.point(p),
    user_id: p.user_id,
    timestamp: p.timestamp,
    zone: p.zone,
    timestamp_utc: p.timestamp_utc,
    lat: p.lat,
    long: p.long,
    accuracy: p.accuracy,
    speed: p.speed,
    received_at: receivedAt,
  });
  return stored ? 'stored' : 'duplicate';
};

/** Every stored point of a user-minute, read consistently so a point just stored is included. */
export const minutePoints = async (m: UserMinute): Promise<PointValues[]> => {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.minutePoints(m.user_id, m.minute) },
    ProjectionExpression: '#lat, #long, #accuracy, #speed',
    ExpressionAttributeNames: { '#lat': 'lat', '#long': 'long', '#accuracy': 'accuracy', '#speed': 'speed' },
    ConsistentRead: true,
  });
  return items.map((item) => ({
    lat: item.lat as number,
    long: item.long as number,
    accuracy: item.accuracy as number,
    speed: (item.speed ?? null) as number | null,
  }));
};

/**
 * Writes a minute's averages. Points are only ever added, so a larger count is a newer computation: a
 * slower consumer that read fewer points must not overwrite it (false then); an equal count is the
 * same set of points, so rewriting it is harmless.
 */
export const saveAverage = async (userId: string, average: MinuteAverage): Promise<boolean> => {
  try {
    await dynamo.send(
      new PutCommand({
        TableName: table(),
        Item: { ...keys.average(userId, average.minute), user_id: userId, ...average },
        ConditionExpression: 'attribute_not_exists(pk) OR #count <= :count',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':count': average.count },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
};

const toAverage = (item: Record<string, unknown>): MinuteAverage => ({
  minute: item.minute as string,
  lat: item.lat as number,
  long: item.long as number,
  accuracy: item.accuracy as number,
  speed: (item.speed ?? null) as number | null,
  count: item.count as number,
});

/** A user's minute averages in a range of minutes, oldest first. */
export const listAverages = async (
  userId: string,
  query: { from?: string; to?: string; limit: number; cursor?: string },
): Promise<Page<MinuteAverage>> => {
  const scope = `location-averages\n${userId}\n${query.from ?? ''}\n${query.to ?? ''}`;
  const start = await decodeCursor(scope, query.cursor);
  const range = minuteRange(query.from, query.to);
  if (range.empty) return { items: [], next_cursor: null };
  const values: Record<string, string> = { ':pk': keys.averages(userId) };
  let condition = 'pk = :pk';
  if (range.first !== undefined && range.last !== undefined) {
    condition += ' AND sk BETWEEN :first AND :last';
    values[':first'] = range.first;
    values[':last'] = range.last;
  } else if (range.first !== undefined) {
    condition += ' AND sk >= :first';
    values[':first'] = range.first;
  } else if (range.last !== undefined) {
    condition += ' AND sk <= :last';
    values[':last'] = range.last;
  }
  const out = await dynamo.send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: condition,
      ExpressionAttributeValues: values,
      Limit: query.limit,
      ExclusiveStartKey: start,
    }),
  );
  return {
    items: (out.Items ?? []).map(toAverage),
    next_cursor: await encodeCursor(scope, out.LastEvaluatedKey),
  };
};
