import { payloadTooLarge, validationError } from '../core/errors.ts';
import { zodDetails } from '../core/validation.ts';
import { type Envelope, envelope, type IngestMessage, type IngestResult } from './schemas.ts';

const MAX_EVENTS_PER_REQUEST = 500;
// An event travels in one SQS message (256 KiB) and is stored in one DynamoDB item (400 KB); its
// size is that of its JSON as queued (escapes included).
const MAX_EVENT_BYTES = 200 * 1024;
// Several events share a message; small messages keep a consumer's batch evenly spread.
const MESSAGE_TARGET_BYTES = 64 * 1024;
// SendMessageBatch takes at most 10 entries and 256 KiB in all.
const BATCH_ENTRIES = 10;
const BATCH_BYTES = 250 * 1024;

export interface AcceptedEvent {
  index: number;
  id: string;
  event: Envelope;
}
export interface RejectedEvent {
  index: number;
  errors: { path: string; message: string }[];
  event: unknown;
}

// SQS refuses U+FFFE, U+FFFF and lone surrogates in a message body (and the local emulator refuses
// every character outside the BMP). In JSON text they can only appear inside strings, where a \uXXXX
// escape of each UTF-16 unit is equivalent: a surrogate pair escaped half by half parses back to
// the same character. Without the `u` flag the class matches single UTF-16 units, pairs included.
const SQS_UNSAFE = /[\ud800-\udfff\ufffe\uffff]/g;
const escapeUnit = (unit: string) => `\\u${unit.charCodeAt(0).toString(16)}`;

/** JSON text of `value` that SQS accepts as a message body and that parses back to the same value. */
export const queueJson = (value: unknown): string => JSON.stringify(value).replace(SQS_UNSAFE, escapeUnit);

/** A body is one event, an array of events, or `{"events": [...]}`. */
export const eventsOfBody = (body: unknown): unknown[] => {
  let items: unknown[];
  if (Array.isArray(body)) items = body;
  else if (body && typeof body === 'object') {
    const wrapped = (body as { events?: unknown }).events;
    items = Array.isArray(wrapped) ? wrapped : [body];
  } else {
    throw validationError('The body must be an event, an array of events or {"events": [...]}');
  }
  if (items.length > MAX_EVENTS_PER_REQUEST) {
    throw payloadTooLarge(`At most ${MAX_EVENTS_PER_REQUEST} events per request, got ${items.length}`);
  }
  if (items.length === 0) throw validationError('No events in the body');
  return items;
};

/** Splits events into those whose envelope is well-formed (with their ids) and those rejected. */
export const checkEnvelopes = (items: unknown[], newId: () => string) => {
  const accepted: AcceptedEvent[] = [];
  const rejected: RejectedEvent[] = [];
  items.forEach((item, index) => {
    const parsed = envelope.safeParse(item);
    if (!parsed.success) {
      const errors = zodDetails(parsed.error).map((d) => ({ path: d.path ?? '', message: d.message }));
      rejected.push({ index, errors, event: item });
    } else if (Buffer.byteLength(queueJson(item)) > MAX_EVENT_BYTES) {
      rejected.push({
        index,
        errors: [{ path: '', message: `larger than ${MAX_EVENT_BYTES} bytes` }],
        event: item,
      });
    } else {
      accepted.push({ index, id: parsed.data.id ?? newId(), event: parsed.data });
    }
  });
  return { accepted, rejected };
};

export const ingestResponse = (accepted: AcceptedEvent[], rejected: RejectedEvent[]): IngestResult => ({
  accepted: accepted.map(({ index, id }) => ({ index, id })),
  rejected: rejected.map(({ index, errors }) => ({ index, errors })),
});

/** Message bodies of about MESSAGE_TARGET_BYTES each, every event in exactly one. */
export const packMessages = (
  applicationId: string,
  receivedAt: string,
  accepted: AcceptedEvent[],
): string[] => {
  const bodies: string[] = [];
  let current: IngestMessage['events'] = [];
  let size = 0;
  const close = () => {
    if (current.length === 0) return;
    const message: IngestMessage = {
      application_id: applicationId,
      received_at: receivedAt,
      events: current,
    };
    bodies.push(queueJson(message));
    current = [];
    size = 0;
  };
  for (const { id, event } of accepted) {
    const bytes = Buffer.byteLength(queueJson(event)) + id.length + 16;
    if (size > 0 && size + bytes > MESSAGE_TARGET_BYTES) close();
    current.push({ id, event });
    size += bytes;
  }
  close();
  return bodies;
};

/** Groups message bodies into SendMessageBatch calls within SQS's entry and size limits. */
export const sendBatches = (bodies: string[]): string[][] => {
  const batches: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const body of bodies) {
    const bytes = Buffer.byteLength(body);
    if (current.length === BATCH_ENTRIES || (current.length > 0 && size + bytes > BATCH_BYTES)) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(body);
    size += bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
};
