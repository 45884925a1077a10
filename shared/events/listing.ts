import { type Caller, ownerScope } from '../core/auth.ts';
import { decodeCursor, encodeCursor } from '../core/cursor.ts';
import { validationError } from '../core/errors.ts';
import type { Page } from '../core/validation.ts';
import { queryErrors, queryEvents } from './repository.ts';
import type { ErrorsQuery, EventError, EventsQuery, StoredEvent } from './schemas.ts';
import { parseEventTime } from './timestamps.ts';

const timeKey = (param: string, value: string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  const time = parseEventTime(value);
  if (!time) throw validationError(`Invalid ${param}`, [{ path: param, message: 'not an ISO 8601 time' }]);
  return time.key;
};

/** GET /events: one page of the caller's events matching the query, in time order. */
export const eventsPage = async (caller: Caller, query: EventsQuery): Promise<Page<StoredEvent>> => {
  const applicationId = ownerScope(caller, query.application_id);
  // Event lists are partitioned per application, so an admin query names one (no cross-app Scan).
  if (!applicationId) {
    throw validationError('The admin must name an application', [
      { path: 'application_id', message: 'required with the admin token' },
    ]);
  }
  const filter = {
    applicationId,
    sessionId: query.session_id,
    category: query.category,
    name: query.name,
    fromKey: timeKey('from', query.from),
    toKey: timeKey('to', query.to),
  };
  const scope = `events:${JSON.stringify(filter)}`;
  const position = await decodeCursor<{ after: string }>(scope, query.cursor);
  const page = await queryEvents(filter, query.limit, position?.after);
  return { items: page.items, next_cursor: await encodeCursor(scope, page.last && { after: page.last }) };
};

/** GET /errors: one page of the caller's error records, newest first. */
export const errorsPage = async (caller: Caller, query: ErrorsQuery): Promise<Page<EventError>> => {
  const filter = {
    applicationId: ownerScope(caller, query.application_id),
    code: query.code,
    fromKey: timeKey('from', query.from),
    toKey: timeKey('to', query.to),
  };
  const scope = `errors:${JSON.stringify(filter)}`;
  const position = await decodeCursor<{ before: string }>(scope, query.cursor);
  const page = await queryErrors(filter, query.limit, position?.before);
  return { items: page.items, next_cursor: await encodeCursor(scope, page.last && { before: page.last }) };
};
