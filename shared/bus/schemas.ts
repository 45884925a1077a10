import * as z from 'zod';
import { dateCount, isCalendarDate, isFutureDate } from './dates.ts';

const calendarDate = z
  .string()
  .refine(isCalendarDate, { message: 'must be a real calendar date YYYY-MM-DD' })
  .meta({ description: 'YYYY-MM-DD', example: '2024-03-01' });

export const processRequestQuery = z.object({
  date: calendarDate.refine((d) => !isFutureDate(d), { message: 'must not be in the future (UTC)' }),
});

export const jobIdPath = z.object({ job_id: z.string().min(1).max(64) });
export const queryIdPath = z.object({ query_id: z.string().min(1).max(64) });

/** The synchronous route answers at most this many dates; an asynchronous query ten times as many. */
const MAX_STATS_DATES = 366;
const MAX_QUERY_DATES = 3660;

/** `from`/`to`, both inclusive: `from` not after `to`, at most `maxDates` dates. */
const dateRange = (maxDates: number) =>
  z.object({ from: calendarDate, to: calendarDate }).superRefine((q, ctx) => {
    if (!isCalendarDate(q.from) || !isCalendarDate(q.to)) return;
    if (q.from > q.to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must not be after to' });
    else if (dateCount(q.from, q.to) > maxDates) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `at most ${maxDates} dates` });
    }
  });

export const countryStatsQuery = dateRange(MAX_STATS_DATES);
export const statsQueryRequest = dateRange(MAX_QUERY_DATES).meta({ id: 'CountryStatsQueryRequest' });

const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const acceptedJob = z
  .object({ job_id: z.string(), date: z.string(), status: z.enum(JOB_STATUSES) })
  .meta({ id: 'BusJobAccepted' });

export const job = z
  .object({
    job_id: z.string(),
    date: z.string(),
    status: z.enum(JOB_STATUSES),
    cities_total: z.number().int(),
    cities_done: z.number().int().meta({ description: 'Cities fetched successfully' }),
    cities_failed: z.array(z.number().int()).meta({ description: 'Cities still failing after retries' }),
    records: z.number().int().meta({ description: 'Departures of the cities done' }),
    bytes: z.number().int().meta({ description: 'Bytes stored' }),
    created_at: z.string(),
    finished_at: z.string().nullable(),
  })
  .meta({ id: 'BusJob' });
export type Job = z.output<typeof job>;

const countryDay = z
  .object({
    date: z.string(),
    country: z.string(),
    buses_started: z.number().int(),
    total_passengers: z.number().int(),
    accident: z.boolean(),
    average_delay_minutes: z.number().meta({ description: 'Mean delay in minutes, not rounded' }),
  })
  .meta({ id: 'CountryDayStats' });
export type CountryDay = z.output<typeof countryDay>;

export const countryStats = z
  .object({
    from: z.string(),
    to: z.string(),
    stats: z.array(countryDay),
    missing_dates: z.array(z.string()),
  })
  .meta({ id: 'CountryStats' });
export type CountryStats = z.output<typeof countryStats>;

export const acceptedQuery = z
  .object({ query_id: z.string(), from: z.string(), to: z.string(), status: z.enum(JOB_STATUSES) })
  .meta({ id: 'CountryStatsQueryAccepted' });

export const statsQuery = z
  .object({
    query_id: z.string(),
    from: z.string(),
    to: z.string(),
    status: z.enum(JOB_STATUSES),
    files_total: z.number().int().meta({ description: 'Stored files of the range when the query started' }),
    files_done: z.number().int(),
    bytes_total: z.number().int(),
    bytes_done: z.number().int(),
    result: countryStats
      .nullable()
      .meta({ description: 'What GET /country-stats answers for the range, once the query succeeded' }),
    error: z.object({ message: z.string() }).nullable(),
    created_at: z.string(),
    finished_at: z.string().nullable(),
  })
  .meta({ id: 'CountryStatsQuery' });
export type StatsQuery = z.output<typeof statsQuery>;

/** What the upstream's `GET /cities` answers. */
export const upstreamCities = z.array(
  z.looseObject({ id: z.number().int().nonnegative(), name: z.string(), country: z.string().min(1) }),
);
export type UpstreamCity = z.output<typeof upstreamCities>[number];

/** One SQS message per city of a job. */
export const fetchCityMessage = z.object({
  job_id: z.string(),
  date: z.string(),
  city: z.object({ id: z.number().int(), name: z.string(), country: z.string() }),
});
export type FetchCityMessage = z.output<typeof fetchCityMessage>;

/** One SQS message per stored file of a statistics query: the file set is fixed when the query starts. */
export const scanFileMessage = z.object({
  query_id: z.string(),
  /** The file's place in the query's file set: its partial totals are stored under it, once. */
  index: z.number().int().nonnegative(),
  key: z.string(),
  date: z.string(),
  country: z.string(),
  bytes: z.number().int().nonnegative(),
});
export type ScanFileMessage = z.output<typeof scanFileMessage>;
