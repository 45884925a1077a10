import { chunks } from '../core/concurrency.ts';
import { collect, mergedPage, type Partition } from './partitions.ts';
import { type Item, keys } from './record-keys.ts';
import type { StoredEvent } from './schemas.ts';
import { utcDays } from './timestamps.ts';
import { namesInCategory } from './type-repository.ts';
import { GLOBAL_OWNER } from './types.ts';

export interface EventFilter {
  /** Undefined: every application (the admin). */
  applicationId?: string;
  sessionId?: string;
  category?: string;
  name?: string;
  /** Time keys (see timestamps.ts): `from` inclusive, `to` exclusive. */
  fromKey?: string;
  toKey?: string;
}

// Only events of a type are ever stored, so a category's partitions are those of its types' names
// (the application's own and the global ones; every owner's for the admin).
const typeNames = async (app: string | undefined, category: string, name: string | undefined) =>
  name !== undefined
    ? [name]
    : namesInCategory(category, app === undefined ? undefined : [app, GLOBAL_OWNER]);

/** The partitions to merge; undefined for a time range across applications, which is read by day. */
const eventPartitions = async (f: EventFilter): Promise<Partition[] | undefined> => {
  const app = f.applicationId;
  if (f.sessionId !== undefined) {
    const filter: Record<string, string> = {};
    if (f.category !== undefined) filter.category = f.category;
    if (f.name !== undefined) filter.name = f.name;
    const pk = app === undefined ? keys.allSession(f.sessionId) : keys.session(app, f.sessionId);
    return [{ index: 'gsi1', pk, filter }];
  }
  if (f.category !== undefined) {
    const category = f.category;
    return (await typeNames(app, category, f.name)).map((n) => ({
      index: 'gsi2',
      pk: app === undefined ? keys.allType(category, n) : keys.type(app, category, n),
    }));
  }
  return app === undefined ? undefined : [{ index: 'gsi3', pk: keys.timeline(app) }];
};

// Days read at once when walking a time range across applications: most days of a sparse range are
// empty, a dense one fills the page from its first day.
const DAYS_AHEAD = 8;

/** Pages through the day partitions of [fromKey, toKey) in order, across every application. */
const daysPage = async (filter: EventFilter, limit: number, after: string | undefined) => {
  const { fromKey, toKey } = filter;
  // listing.ts requires both ends (and bounds the span) before asking for every application.
  if (fromKey === undefined || toKey === undefined)
    throw new Error('a range across applications needs both ends');
  // A cursor's order key starts with the time key of the last event returned: resume on its day.
  const days = utcDays(after ?? fromKey, toKey);
  const range = { gte: fromKey, gt: after, lt: toKey };
  const items: Item[] = [];
  for (const window of chunks(days, DAYS_AHEAD)) {
    if (items.length > limit) break;
    const want = limit + 1 - items.length;
    const parts = await Promise.all(
      window.map((day) => collect({ index: 'gsi3', pk: keys.allDay(day) }, range, true, want)),
    );
    items.push(...parts.flat());
  }
  const page = items.slice(0, limit);
  const lastItem = page[page.length - 1];
  return { items: page, last: items.length > limit && lastItem ? (lastItem.gsi3sk as string) : undefined };
};

/** Events in time order after the position `after` (the sort key of the last one already returned). */
export const queryEvents = async (filter: EventFilter, limit: number, after?: string) => {
  const partitions = await eventPartitions(filter);
  if (!partitions) {
    const page = await daysPage(filter, limit, after);
    return { items: page.items.map(toStoredEvent), last: page.last };
  }
  if (partitions.length === 0) return { items: [], last: undefined };
  const page = await mergedPage(
    partitions,
    { gte: filter.fromKey, gt: after, lt: filter.toKey },
    true,
    limit,
  );
  return { items: page.items.map(toStoredEvent), last: page.last };
};

const toStoredEvent = (item: Record<string, unknown>): StoredEvent => ({
  id: item.id as string,
  application_id: item.application_id as string,
  session_id: item.session_id as string,
  category: item.category as string,
  name: item.name as string,
  data: JSON.parse(item.data as string),
  timestamp: item.timestamp as string,
  received_at: item.received_at as string,
  // Events stored before types were data were all judged by a built-in's version 1.
  schema_version: item.schema_version === undefined ? 1 : (item.schema_version as number | null),
  violations: item.violations === undefined ? [] : JSON.parse(item.violations as string),
});
