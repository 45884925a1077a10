import type * as z from 'zod';
import { zodDetails } from '../core/validation.ts';
import { type EventError, type EventErrorCode, envelope, type StoredEvent } from './schemas.ts';
import { type EventTime, isFuture, parseEventTime } from './timestamps.ts';
import { builtinRegistry, type Mode, type Problem, type TypeRegistry } from './types.ts';

/** The type an error was judged under, for the summary; null where the error has none. */
export interface ErrorType {
  owner: string | null;
  category: string | null;
  name: string | null;
  schema_version: number | null;
}

/** What processing makes of one queued event: exactly one of a stored event or an error record. */
export type Outcome =
  | { kind: 'event'; event: StoredEvent; time: EventTime; owner: string; mode: Mode }
  | { kind: 'error'; error: EventError; type: ErrorType; mode?: Mode };

const describe = (problems: Problem[]) =>
  problems.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');

const zodProblems = (error: z.ZodError): Problem[] =>
  zodDetails(error).map((d) => ({ path: d.path ?? '', message: d.message }));

const nameOf = (value: unknown) => (typeof value === 'string' ? value : null);

/**
 * Judges one event against the types of its application (`registry`): stored (with the version
 * applied and, under `warn`, its violations) or an error record with its code.
 */
export const classify = (
  applicationId: string,
  id: string,
  sent: unknown,
  receivedAt: string,
  registry: TypeRegistry = builtinRegistry,
): Outcome => {
  const raw = (sent && typeof sent === 'object' ? sent : {}) as Record<string, unknown>;
  let type: ErrorType = {
    owner: null,
    category: nameOf(raw.category),
    name: nameOf(raw.name),
    schema_version: null,
  };
  let mode: Mode | undefined;
  const fail = (code: EventErrorCode, message: string): Outcome => ({
    kind: 'error',
    error: { id, application_id: applicationId, code, message, received_at: receivedAt, event: sent },
    type,
    ...(mode ? { mode } : {}),
  });
  const parsed = envelope.safeParse(sent);
  if (!parsed.success) return fail('invalid_envelope', describe(zodProblems(parsed.error)));
  const { session_id, category, name, timestamp } = parsed.data;
  const resolved = registry(category, name);
  if (!resolved) return fail('unknown_event_type', `No event type "${name}" in category "${category}"`);
  let version: number | null = null;
  let violations: Problem[] = [];
  type = { ...type, owner: resolved.owner };
  mode = resolved.mode;
  if (resolved.mode !== 'off') {
    version = parsed.data.schema_version ?? resolved.latestVersion;
    type = { ...type, schema_version: version };
    const validator = resolved.validator(version);
    if (!validator) return fail('invalid_payload', `schema_version ${version} of this type does not exist`);
    violations = validator(raw);
    if (violations.length > 0 && resolved.mode === 'enforce')
      return fail('invalid_payload', describe(violations));
  }
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
    owner: resolved.owner,
    mode: resolved.mode,
    event: {
      id,
      application_id: applicationId,
      session_id,
      category,
      name,
      data: parsed.data.data,
      timestamp: time.iso,
      received_at: receivedAt,
      schema_version: version,
      violations,
    },
  };
};
