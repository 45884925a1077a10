import { DateTime } from 'luxon';
import * as z from 'zod';
import { pageQuery, rangeInOrder } from '../core/validation.ts';

/** The largest bulk import body (JSON or CSV). */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

const USER_ID = /^[A-Za-z0-9_.-]{1,128}$/;
const TIMESTAMP_DOC =
  '`YYYY-MM-DD HH:MM:SS[.ffffff]` without a zone is the local wall-clock time at (lat, long), converted ' +
  'to UTC with the IANA zone found there (a wall time skipped by a DST change is shifted forward by the ' +
  'gap; one that occurs twice is the earlier instant; at sea the nautical Etc/GMT±N zone applies). ISO ' +
  '8601 with `Z` or an offset is taken as it is. Up to 6 fraction digits; at most 5 minutes in the future.';

// DynamoDB stores numbers of magnitude 1e-130 to 1e126 (and the SDK refuses unsafe integers): the
// bounds keep every value, and every average of values, storable. Nothing real is faster than light
// (3e8 m/s) or less accurate than the Earth is wide.
const MAX_MEASURE = 1e9;
/** Magnitudes below this are stored as 0: far below any measurement, and averages stay storable. */
export const MIN_MAGNITUDE = 1e-9;
const TINY_DOC = `A non-zero value of magnitude below ${MIN_MAGNITUDE.toExponential()} is stored as 0.`;

const userId = z
  .string()
  .regex(USER_ID, '1–128 characters of A-Z, a-z, 0-9, "_", "." or "-"')
  .meta({ example: 'a1' });

/** The shape of one datapoint; the timestamp is then converted (and checked) by `checkDatapoint`. */
export const datapointInput = z
  .strictObject({
    timestamp: z.string().meta({ description: TIMESTAMP_DOC, example: '2017-01-01 13:05:12' }),
    lat: z.number().min(-90).max(90).meta({ description: TINY_DOC }),
    long: z.number().min(-180).max(180).meta({ description: TINY_DOC }),
    accuracy: z
      .number()
      .min(0)
      .max(MAX_MEASURE)
      .meta({ description: `Metres, at most ${MAX_MEASURE.toExponential()}. ${TINY_DOC}` }),
    speed: z
      .number()
      .min(0)
      .max(MAX_MEASURE)
      .nullable()
      .optional()
      .meta({
        description:
          `Metres per second, at most ${MAX_MEASURE.toExponential()}; null (or omitted) when the device ` +
          `does not know. ${TINY_DOC}`,
      }),
    user_id: userId,
  })
  .meta({ id: 'LocationDatapoint' });

export const storeResult = z
  .object({
    status: z.enum(['stored', 'duplicate']),
    user_id: z.string(),
    timestamp_utc: z.string().meta({ example: '2017-01-01T18:05:12Z' }),
    minute: z.string().meta({ example: '2017-01-01T18:05:00Z' }),
  })
  .meta({ id: 'LocationStoreResult' });

export const importResult = z
  .object({
    stored: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.array(
      z.object({
        row: z.number().int().meta({ description: '1-based; the CSV header is not counted' }),
        errors: z.array(z.object({ path: z.string(), message: z.string() })),
      }),
    ),
  })
  .meta({ id: 'LocationImportResult' });

/** ISO 8601 (a space instead of `T` is accepted); without a zone it is UTC. */
export const parseIsoInstant = (value: string): DateTime =>
  DateTime.fromISO(value.replace(' ', 'T'), { zone: 'utc' });

const isoInstant = z
  .string()
  .refine((s) => parseIsoInstant(s).isValid, 'expected an ISO 8601 date-time')
  .meta({ description: 'ISO 8601; without a zone it is read as UTC' });

export const averagesQuery = pageQuery
  .extend({
    from: isoInstant.optional().meta({ description: 'Inclusive: minutes starting at or after it' }),
    to: isoInstant.optional().meta({ description: 'Exclusive: minutes starting before it' }),
  })
  .superRefine(
    rangeInOrder((value) => {
      const instant = parseIsoInstant(value);
      return instant.isValid ? instant.toMillis() : undefined;
    }),
  );

export const averagesPath = z.object({ user_id: userId });

const minuteAverage = z
  .object({
    minute: z.string().meta({ example: '2017-01-01T18:05:00Z' }),
    lat: z.number(),
    long: z.number().meta({ description: 'Circular mean: 179.9 and -179.9 average to ±180' }),
    accuracy: z.number(),
    speed: z.number().nullable().meta({ description: 'Mean of the non-null speeds; null if none' }),
    count: z.number().int(),
  })
  .meta({ id: 'LocationMinuteAverage' });

export const averagesPage = z
  .object({
    user_id: z.string(),
    items: z.array(minuteAverage),
    next_cursor: z.string().nullable(),
  })
  .meta({ id: 'LocationAverages' });

export type MinuteAverage = z.output<typeof minuteAverage>;

/** The body of a user-minutes message: the minutes whose average is due for a recompute. */
export const userMinutesMessage = z.object({
  minutes: z.array(z.object({ user_id: z.string(), minute: z.string() })),
});
export type UserMinutesMessage = z.output<typeof userMinutesMessage>;
export type UserMinute = UserMinutesMessage['minutes'][number];
