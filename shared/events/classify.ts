import type * as z from 'zod';
import { zodDetails } from '../core/validation.ts';
import {
  type EventError,
  type EventErrorCode,
  envelope,
  eventTypes,
  type StoredEvent,
  strictEnvelope,
} from './schemas.ts';
import { type EventTime, isFuture, parseEventTime } from './timestamps.ts';

/** What processing makes of one queued event: exactly one of a stored event or an error record. */
export type Outcome =
  | { kind: 'event'; event: StoredEvent; time: EventTime }
  | { kind: 'error'; error: EventError };

const describe = (error: z.ZodError) =>
  zodDetails(error)
    .map((d) => (d.path ? `${d.path}: ${d.message}` : d.message))
    .join('; ');

const typeSchema = (category: string, name: string): z.ZodType | undefined => {
  const names = Object.hasOwn(eventTypes, category) ? eventTypes[category] : undefined;
  return names && Object.hasOwn(names, name) ? names[name] : undefined;
};

export const classify = (applicationId: string, id: string, sent: unknown, receivedAt: string): Outcome => {
  const fail = (code: EventErrorCode, message: string): Outcome => ({
    kind: 'error',
    error: { id, application_id: applicationId, code, message, received_at: receivedAt, event: sent },
  });
  const parsed = envelope.safeParse(sent);
  if (!parsed.success) return fail('invalid_envelope', describe(parsed.error));
  const { session_id, category, name, timestamp } = parsed.data;
  const data = typeSchema(category, name);
  if (!data) return fail('unknown_event_type', `No event type "${name}" in category "${category}"`);
  const strict = strictEnvelope(data).safeParse(sent);
  if (!strict.success) return fail('invalid_payload', describe(strict.error));
  const time = parseEventTime(timestamp);
  if (!time) {
    return fail('invalid_timestamp', `"${timestamp}" is not YYYY-MM-DD HH:MM:SS[.ffffff] or ISO 8601`);
  }
  if (isFuture(time, new Date(receivedAt))) {
    return fail('future_timestamp', `${time.iso} is more than 60 s after the event was received`);
  }
  return {
    kind: 'event',
    time,
    event: {
      id,
      application_id: applicationId,
      session_id,
      category,
      name,
      data: parsed.data.data,
      timestamp: time.iso,
      received_at: receivedAt,
    },
  };
};
