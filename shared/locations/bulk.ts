import { parse } from 'csv-parse/sync';
import {
  type ErrorDetail,
  invalidJson,
  payloadTooLarge,
  unsupportedMediaType,
  validationError,
} from '../core/errors.ts';
import { checkJsonDepth } from '../core/http.ts';
import { checkDatapoint, type Datapoint } from './datapoint.ts';

export const MAX_ROWS = 10_000;

export const CSV_COLUMNS = ['timestamp', 'lat', 'long', 'accuracy', 'speed', 'user_id'] as const;
const NUMERIC = new Set(['lat', 'long', 'accuracy', 'speed']);
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** One row of an import: the datapoint as sent, or why it could not even be read. */
export type BulkRow = { input: unknown } | { errors: ErrorDetail[] };

const tooManyRows = (rows: number) =>
  rows > MAX_ROWS ? payloadTooLarge(`At most ${MAX_ROWS} rows per import, got ${rows}`) : undefined;

// A cell that is not a number stays a string, so validation names the field ("expected number").
const csvValue = (column: string, cell: string): unknown => {
  if (!NUMERIC.has(column)) return cell;
  if (cell === '' || cell.toLowerCase() === 'null') return column === 'speed' ? null : undefined;
  return NUMBER.test(cell) ? Number(cell) : cell;
};

/** A CSV with the header `timestamp,lat,long,accuracy,speed,user_id` (any column order). */
export const csvRows = (raw: Buffer): BulkRow[] => {
  let records: string[][];
  try {
    records = parse(raw, { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true });
  } catch (err) {
    throw validationError('The body is not readable CSV', [
      { path: 'body', message: (err as Error).message },
    ]);
  }
  const [header, ...rows] = records;
  const columns = header ?? [];
  const problems: ErrorDetail[] = [
    ...CSV_COLUMNS.filter((c) => !columns.includes(c)).map((c) => ({ path: c, message: 'missing column' })),
    ...columns
      .filter((c, i) => !(CSV_COLUMNS as readonly string[]).includes(c) || columns.indexOf(c) !== i)
      .map((c) => ({ path: c, message: 'unknown or repeated column' })),
  ];
  if (problems.length > 0) {
    throw validationError(`The CSV header must be ${CSV_COLUMNS.join(',')}`, problems);
  }
  const tooMany = tooManyRows(rows.length);
  if (tooMany) throw tooMany;
  return rows.map((cells) =>
    cells.length === columns.length
      ? { input: Object.fromEntries(columns.map((c, i) => [c, csvValue(c, cells[i]!)])) }
      : { errors: [{ path: 'row', message: `expected ${columns.length} fields, got ${cells.length}` }] },
  );
};

/** A JSON array of datapoints. */
export const jsonRows = (raw: Buffer): BulkRow[] => {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw invalidJson(`Request body is not valid JSON: ${(err as Error).message}`);
  }
  // The raw body bypasses the core JSON parser, so its depth limit is applied here.
  checkJsonDepth(raw);
  if (!Array.isArray(body)) {
    throw validationError('Expected a JSON array of datapoints', [
      { path: 'body', message: 'expected an array' },
    ]);
  }
  const tooMany = tooManyRows(body.length);
  if (tooMany) throw tooMany;
  return body.map((input) => ({ input }));
};

const JSON_TYPES = /^(|application\/(.+\+)?json|text\/plain)$/;

/** The rows of an import body: CSV for `text/csv`, else a JSON array. */
export const bulkRows = (raw: Buffer, contentType: string): BulkRow[] => {
  if (contentType === 'text/csv') return csvRows(raw);
  if (JSON_TYPES.test(contentType)) return jsonRows(raw);
  throw unsupportedMediaType(`Expected application/json or text/csv, got ${contentType}`);
};

export interface ImportPlan {
  /** Valid points to store, the first of each (user, instant) in the request. */
  points: Datapoint[];
  /** Later repeats of a point earlier in the same request. */
  repeats: number;
  rejected: { row: number; errors: ErrorDetail[] }[];
}

/** Validates every row; within one request the first row of a (user, instant) is the one kept. */
export const planImport = (rows: BulkRow[], nowMs: number): ImportPlan => {
  const seen = new Set<string>();
  const plan: ImportPlan = { points: [], repeats: 0, rejected: [] };
  rows.forEach((row, index) => {
    const checked =
      'errors' in row ? { ok: false as const, errors: row.errors } : checkDatapoint(row.input, nowMs);
    if (!checked.ok) {
      plan.rejected.push({ row: index + 1, errors: checked.errors });
      return;
    }
    const key = `${checked.point.user_id}\n${checked.point.instant}`;
    if (seen.has(key)) {
      plan.repeats++;
      return;
    }
    seen.add(key);
    plan.points.push(checked.point);
  });
  return plan;
};
