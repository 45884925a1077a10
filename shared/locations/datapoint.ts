import type * as z from 'zod';
import { type ErrorDetail, validationError } from '../core/errors.ts';
import { datapointInput, MIN_MAGNITUDE } from './schemas.ts';
import { toUtc } from './timestamps.ts';

const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** A valid datapoint, converted to UTC. */
export interface Datapoint {
  user_id: string;
  lat: number;
  long: number;
  accuracy: number;
  speed: number | null;
  /** As sent, and the zone it was read in (kept for audits of the conversion). */
  timestamp: string;
  zone: string;
  timestamp_utc: string;
  instant: string;
  minute: string;
}

// Tiny magnitudes (5e-324 is valid JSON) would fail DynamoDB's 1e-130 floor, here or in an average.
const storable = (x: number) => (Math.abs(x) < MIN_MAGNITUDE ? 0 : x);

type Checked = { ok: true; point: Datapoint } | { ok: false; errors: ErrorDetail[] };

// zod reports unknown keys as one issue on the object; each offending field is named instead.
const details = (error: z.ZodError): ErrorDetail[] =>
  error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: key, message: 'unknown field' }))
      : [{ path: issue.path.map(String).join('.') || 'body', message: issue.message }],
  );

/** Validates one datapoint as API.md defines it and converts its timestamp to UTC. */
export const checkDatapoint = (input: unknown, nowMs: number): Checked => {
  const parsed = datapointInput.safeParse(input);
  if (!parsed.success) return { ok: false, errors: details(parsed.error) };
  const { timestamp, lat, long, accuracy, speed, user_id } = parsed.data;
  const utc = toUtc(timestamp, lat, long);
  if (!utc.ok) return { ok: false, errors: [{ path: 'timestamp', message: utc.message }] };
  if (utc.value.epochMs > nowMs + FUTURE_TOLERANCE_MS) {
    return {
      ok: false,
      errors: [{ path: 'timestamp', message: `${utc.value.utc} is more than 5 minutes in the future` }],
    };
  }
  return {
    ok: true,
    point: {
      user_id,
      lat: storable(lat),
      long: storable(long),
      accuracy: storable(accuracy),
      speed: speed == null ? null : storable(speed),
      timestamp,
      zone: utc.value.zone,
      timestamp_utc: utc.value.utc,
      instant: utc.value.instant,
      minute: utc.value.minute,
    },
  };
};

export const requireDatapoint = (input: unknown, nowMs: number): Datapoint => {
  const checked = checkDatapoint(input, nowMs);
  if (!checked.ok) throw validationError('Invalid datapoint', checked.errors);
  return checked.point;
};
