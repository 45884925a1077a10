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

// One strict envelope per registered type, built on first use: zod 4 compiles an object schema on
// its first parse, so a schema made per event costs ~100 µs each, and a consumer batch of 1000
// events held the event loop for ~0.1–0.2 s (the local stack's HTTP side waited behind it).
const strictByType = new Map<z.ZodType, z.ZodType>();
const strictSchema = (category: string, name: string): z.ZodType | undefined => {
  const names = Object.hasOwn(eventTypes, category) ? eventTypes[category] : undefined;
  const data = names && Object.hasOwn(names, name) ? names[name] : undefined;
  if (!data) return undefined;
  let strict = strictByType.get(data);
  if (!strict) {
    strict = strictEnvelope(data);
    strictByType.set(data, strict);
  }
  return strict;
};

export const classify = (applicationId: string, id: string, sent: unknown, receivedAt: string): Outcome => {
  const fail = (code: EventErrorCode, message: string): Outcome => ({
    kind: 'error',
    error: { id, application_id: applicationId, code, message, received_at: receivedAt, event: sent },
  });
  const parsed = envelope.safeParse(sent);
  if (!parsed.success) return fail('invalid_envelope', describe(parsed.error));
  const { session_id, category, name, timestamp } = parsed.data;
  const schema = strictSchema(category, name);
  if (!schema) return fail('unknown_event_type', `No event type "${name}" in category "${category}"`);
  const strict = schema.safeParse(sent);
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
