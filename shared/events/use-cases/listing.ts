import { type Caller, ownerScope } from '../../core/auth.ts';
import { decodeCursor, encodeCursor } from '../../core/cursor.ts';
import { validationError } from '../../core/errors.ts';
import type { Page } from '../../core/validation.ts';
import { queryEvents } from '../event-queries.ts';
import { queryErrors, readCounters } from '../repository.ts';
import type { ErrorsQuery, EventError, EventsQuery, StoredEvent, SummaryQuery } from '../schemas.ts';
import { type Summary, summarize, summaryRange } from '../summary.ts';
import { timeKey } from '../timestamps.ts';

// Across applications a time range alone is read one UTC day partition after another, so it needs
// both ends and a bounded span (a page over an empty span still reads each of its days).
export const MAX_RANGE_DAYS_ACROSS_APPS = 366;
const DAY_MS = 86_400_000;

const requireBoundedRange = (fromKey: string | undefined, toKey: string | undefined) => {
  const missing = [...(fromKey === undefined ? ['from'] : []), ...(toKey === undefined ? ['to'] : [])];
  if (missing.length > 0) {
    throw validationError('Across all applications a time range needs both from and to', [
      ...missing.map((path) => ({
        path,
        message: 'required for the admin without application_id, session_id or category',
      })),
    ]);
  }
  const span = Date.parse(`${toKey?.slice(0, 23)}Z`) - Date.parse(`${fromKey?.slice(0, 23)}Z`);
  if (span > MAX_RANGE_DAYS_ACROSS_APPS * DAY_MS) {
    throw validationError(
      `Across all applications a time range spans at most ${MAX_RANGE_DAYS_ACROSS_APPS} days`,
      [{ path: 'to', message: `at most ${MAX_RANGE_DAYS_ACROSS_APPS} days after from` }],
    );
  }
};

/**
 * GET /events: one page of the caller's events matching the query, in time order; the admin without
 * `application_id` reads every application's.
 */
export const eventsPage = async (caller: Caller, query: EventsQuery): Promise<Page<StoredEvent>> => {
  const applicationId = ownerScope(caller, query.application_id);
  const filter = {
    applicationId,
    sessionId: query.session_id,
    category: query.category,
    name: query.name,
    fromKey: timeKey('from', query.from),
    toKey: timeKey('to', query.to),
  };
  if (applicationId === undefined && filter.sessionId === undefined && filter.category === undefined) {
    requireBoundedRange(filter.fromKey, filter.toKey);
  }
  // `*` keeps an admin cursor over all applications apart from any one application's.
  const scope = `events:${applicationId ?? '*'}:${JSON.stringify(filter)}`;
  const position = await decodeCursor<{ after: string }>(scope, query.cursor);
  const page = await queryEvents(filter, query.limit, position?.after);
  return { items: page.items, next_cursor: await encodeCursor(scope, page.last && { after: page.last }) };
};

/** GET /errors: one page of the caller's error records, newest first (replayed ones only if asked). */
export const errorsPage = async (caller: Caller, query: ErrorsQuery): Promise<Page<EventError>> => {
  const filter = {
    applicationId: ownerScope(caller, query.application_id),
    code: query.code,
    fromKey: timeKey('from', query.from),
    toKey: timeKey('to', query.to),
    includeReplayed: query.include_replayed,
  };
  const scope = `errors:${JSON.stringify(filter)}`;
  const position = await decodeCursor<{ before: string }>(scope, query.cursor);
  const page = await queryErrors(filter, query.limit, position?.before);
  const items = page.items.map(({ type: _, replayed_at, replayed_by: __, ...error }) =>
    query.include_replayed ? { ...error, replayed_at } : error,
  );
  return { items, next_cursor: await encodeCursor(scope, page.last && { before: page.last }) };
};

/** GET /errors/summary: exact counts of the error records received in a range of whole hours. */
export const errorSummaryOf = async (caller: Caller, query: SummaryQuery): Promise<Summary> => {
  const { fromHour, toHour } = summaryRange(query);
  return summarize(query, await readCounters(ownerScope(caller, query.application_id), fromHour, toHour));
};
