import { createHash } from 'node:crypto';
import { validationError } from '../core/errors.ts';
import type { ErrorType } from './classify.ts';
import type { EventErrorCode } from './schemas.ts';

// The error summary is kept as counters, one item per (scope, shard, UTC hour), written in the same
// transaction as the error record they count, so a count exists exactly when its record does: a
// redelivery finds the record taken and the whole transaction (counters included) is cancelled, and
// a crash cannot leave one without the other. Reading a range is O(hours × shards), never O(errors).
//
// Shards: every writer of the all-applications scope shares its counter items, and DynamoDB takes at
// most 1,000 WCU/s per partition (a transactional write costs 2 WCU per item). Spreading each hour
// over ERROR_SHARDS items (the shard a hash of the record's key, so a retry hits the same one) lifts
// that to ~4,000 error records/s per hour for the whole system; the same shards spread the
// all-applications listing keys. Per-application keys carry one application's errors only.
export const ERROR_SHARDS = 8;

export const shardOf = (applicationId: string, id: string): number =>
  createHash('sha1').update(applicationId).update('\u0000').update(id).digest().readUInt16BE(0) %
  ERROR_SHARDS;

/** `YYYY-MM-DDTHH`: the hour of an instant, the sort key of its counters. */
export const hourOf = (iso: string) => iso.slice(0, 13);

const TOTAL = 'total';
const REPLAYED = 'replayed';
const byCodeAttr = (code: string) => `c#${code}`;
const byTypeAttr = (code: string, type: ErrorType) =>
  `t#${JSON.stringify([type.owner, type.category, type.name, type.schema_version, code])}`;

/** The counter attributes one error record adds 1 to. */
export const counterAttributes = (code: EventErrorCode, type: ErrorType): string[] => [
  TOTAL,
  byCodeAttr(code),
  byTypeAttr(code, type),
];
export const REPLAYED_ATTRIBUTE = REPLAYED;

/** An UpdateItem's ADD of 1 to each attribute (names may hold any character, so they are all aliased). */
export const addOne = (attributes: string[]) => ({
  UpdateExpression: `ADD ${attributes.map((_, i) => `#a${i} :one`).join(', ')}`,
  ExpressionAttributeNames: Object.fromEntries(attributes.map((a, i) => [`#a${i}`, a])),
  ExpressionAttributeValues: { ':one': 1 },
});

type Interval = 'hour' | 'day';

export interface SummaryRange {
  from: string;
  to: string;
  interval?: Interval;
}

const HOUR_MS = 3_600_000;
const MAX_SUMMARY_DAYS = 31;
const WHOLE_HOUR = /^\d{4}-\d\d-\d\dT\d\d:00(:00(\.0+)?)?(Z|[+-]00:00)$/;

// Date.parse rolls `02-30` over into March: a real hour reads back as written.
const realHour = (text: string) => {
  const ms = Date.parse(text);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 13) === text.slice(0, 13);
};

/** Checks `from`/`to` (whole UTC hours, from < to, at most 31 days) and returns them as times. */
export const summaryRange = (range: SummaryRange) => {
  const problems = (['from', 'to'] as const)
    .filter((k) => !WHOLE_HOUR.test(range[k]) || !realHour(range[k]))
    .map((path) => ({ path, message: 'must be a whole UTC hour, e.g. 2024-03-01T14:00:00Z' }));
  if (problems.length > 0) throw validationError('from and to must be whole hours', problems);
  const from = Date.parse(range.from);
  const to = Date.parse(range.to);
  if (from >= to)
    throw validationError('from must be before to', [{ path: 'from', message: 'not before to' }]);
  if (to - from > MAX_SUMMARY_DAYS * 24 * HOUR_MS) {
    throw validationError(`at most ${MAX_SUMMARY_DAYS} days`, [
      { path: 'to', message: `at most ${MAX_SUMMARY_DAYS} days after from` },
    ]);
  }
  return {
    from,
    to,
    fromHour: hourOf(new Date(from).toISOString()),
    toHour: hourOf(new Date(to).toISOString()),
  };
};

interface TypeCount {
  owner: string | null;
  category: string | null;
  name: string | null;
  schema_version: number | null;
  code: string;
  count: number;
}

export interface Summary {
  from: string;
  to: string;
  total: number;
  by_code: Record<string, number>;
  by_type: TypeCount[];
  replayed: number;
  series?: { start: string; by_code: Record<string, number> }[];
}

/** Adds counter items (each `{hour, total, c#…, t#…, replayed}`) into the summary of the range. */
export const summarize = (range: SummaryRange, items: Record<string, unknown>[]): Summary => {
  const { from, to } = summaryRange(range);
  const byCode: Record<string, number> = {};
  const byType = new Map<string, number>();
  let total = 0;
  let replayed = 0;
  const step = range.interval === 'day' ? 24 * HOUR_MS : HOUR_MS;
  const series = range.interval
    ? Array.from({ length: Math.ceil((to - from) / step) }, (_, i) => ({
        start: new Date(from + i * step).toISOString().replace('.000Z', 'Z'),
        by_code: {} as Record<string, number>,
      }))
    : undefined;
  for (const item of items) {
    const hourStart = Date.parse(`${item.hour as string}:00:00Z`);
    const bucket = series?.[Math.floor((hourStart - from) / step)];
    for (const [attribute, value] of Object.entries(item)) {
      if (typeof value !== 'number') continue;
      if (attribute === TOTAL) total += value;
      else if (attribute === REPLAYED) replayed += value;
      else if (attribute.startsWith('c#')) {
        const code = attribute.slice(2);
        byCode[code] = (byCode[code] ?? 0) + value;
        if (bucket) bucket.by_code[code] = (bucket.by_code[code] ?? 0) + value;
      } else if (attribute.startsWith('t#'))
        byType.set(attribute.slice(2), (byType.get(attribute.slice(2)) ?? 0) + value);
    }
  }
  const by_type = [...byType.entries()]
    .map(([key, count]) => {
      const [owner, category, name, schema_version, code] = JSON.parse(key) as [
        string | null,
        string | null,
        string | null,
        number | null,
        string,
      ];
      return { owner, category, name, schema_version, code, count };
    })
    .sort((a, b) => b.count - a.count || JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  return {
    from: iso(from),
    to: iso(to),
    total,
    by_code: byCode,
    by_type,
    replayed,
    ...(series ? { series } : {}),
  };
};
