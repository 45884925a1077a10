import { validationError } from '../core/errors.ts';
import type { Catalogue, CatalogueEntry, ColumnMeta } from './extract.ts';
import { numericValue } from './extract.ts';
import { resolveColumn } from './paths.ts';
import {
  type CategoricalStats,
  describeCategorical,
  describeNumeric,
  type NumericStats,
  type Scalar,
} from './stats.ts';

// Answers `aggregate` from the columnar extract: it loads only the columns of the field (and of the
// group_by field), never the raw file.

/** Reads one object of the dataset's extract (e.g. `columns/3/num`); fresh bytes each call, as they are sorted in place. */
export type ExtractSource = (name: string) => Promise<Uint8Array>;

type Stats = NumericStats | CategoricalStats;
export type Aggregate =
  | ({ field: string } & Stats)
  | { field: string; group_by: string; groups: ({ key: Scalar } & Stats)[] };

const int32s = (bytes: Uint8Array) =>
  bytes.byteOffset % 4 === 0
    ? new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)
    : new Int32Array(bytes.slice().buffer);
const float64s = (bytes: Uint8Array) =>
  bytes.byteOffset % 8 === 0
    ? new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8)
    : new Float64Array(bytes.slice().buffer);
const json = (bytes: Uint8Array) => JSON.parse(Buffer.from(bytes).toString('utf8')) as Scalar[];

const col = (c: ColumnMeta, part: string) => `columns/${c.index}/${part}`;

/**
 * Group keys sort numbers (and numeric strings) by value first, then other strings by code point,
 * then booleans; a number sorts before the numeric string that spells the same value.
 */
export const compareKeys = (a: Scalar, b: Scalar): number => {
  const rank = (v: Scalar) => (typeof v === 'boolean' ? 2 : Number.isNaN(numericValue(v)) ? 1 : 0);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) {
    const d = numericValue(a) - numericValue(b);
    if (d !== 0) return d;
    if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  }
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
};

/** group_by must come from the value's own record or array element, or an enclosing one. */
const checkGroupable = (field: CatalogueEntry, group: CatalogueEntry, levels: string[]) => {
  const outside = levels.find((l) => l !== '' && field.path !== l && !field.path.startsWith(`${l}.`));
  if (outside !== undefined) {
    throw validationError(
      `group_by "${group.path}" is not in the same record or array element as "${field.path}"`,
      [
        {
          path: 'group_by',
          message: `its values lie inside the array "${outside}", which does not contain "${field.path}"`,
        },
      ],
    );
  }
};

/** For each value of the field, the dictionary code of its group key (-1: no key in its context). */
const groupKeys = async (
  catalogue: Catalogue,
  fieldColumn: ColumnMeta,
  groupColumn: ColumnMeta,
  load: ExtractSource,
): Promise<Int32Array> => {
  const [fctx, gctx, gcodes, parent] = await Promise.all([
    load(col(fieldColumn, 'ctx')).then(int32s),
    load(col(groupColumn, 'ctx')).then(int32s),
    load(col(groupColumn, 'codes')).then(int32s),
    load('parent').then(int32s),
  ]);
  const keyOf = new Int32Array(catalogue.contexts).fill(-1);
  for (let i = 0; i < gctx.length; i++) keyOf[gctx[i]!] = gcodes[i]!;
  const keys = new Int32Array(fctx.length);
  for (let i = 0; i < fctx.length; i++) {
    let c = fctx[i]!;
    let k = keyOf[c]!;
    while (k < 0 && c >= 0) {
      c = parent[c]!;
      if (c >= 0) k = keyOf[c]!;
    }
    keys[i] = k;
  }
  return keys;
};

/** Splits `values` by key code, in one counting pass; drops values without a key. */
const partition = <A extends Int32Array | Float64Array>(
  values: A,
  keys: Int32Array,
  keyCount: number,
  make: (n: number) => A,
): Map<number, A> => {
  const sizes = new Int32Array(keyCount);
  for (let i = 0; i < keys.length; i++) if (keys[i]! >= 0) sizes[keys[i]!]!++;
  const parts = new Map<number, A>();
  const fill = new Int32Array(keyCount);
  for (let k = 0; k < keyCount; k++) if (sizes[k]! > 0) parts.set(k, make(sizes[k]!));
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (k >= 0) parts.get(k)![fill[k]!++] = values[i]!;
  }
  return parts;
};

export const aggregate = async (
  catalogue: Catalogue,
  query: { field: string; group_by?: string | undefined },
  load: ExtractSource,
): Promise<Aggregate> => {
  const { entry: field, column } = resolveColumn(catalogue, query.field, 'field');
  const values = column.numeric
    ? load(col(column, 'num')).then(float64s)
    : load(col(column, 'codes')).then(int32s);
  const dict = column.numeric ? Promise.resolve([]) : load(col(column, 'dict.json')).then(json);
  const describe = (v: Float64Array | Int32Array, d: Scalar[]): Stats =>
    column.numeric ? describeNumeric(v as Float64Array) : describeCategorical(v as Int32Array, d);

  if (query.group_by === undefined) {
    return { field: field.path, ...describe(await values, await dict) };
  }
  const { entry: group, column: groupColumn } = resolveColumn(catalogue, query.group_by, 'group_by');
  checkGroupable(field, group, groupColumn.levels);
  const [keys, groupDict, v, d] = await Promise.all([
    groupKeys(catalogue, column, groupColumn, load),
    load(col(groupColumn, 'dict.json')).then(json),
    values,
    dict,
  ]);
  const parts = column.numeric
    ? partition(v as Float64Array, keys, groupDict.length, (n) => new Float64Array(n))
    : partition(v as Int32Array, keys, groupDict.length, (n) => new Int32Array(n));
  const groups = [...parts]
    .map(([code, part]) => ({ key: groupDict[code]!, ...describe(part, d) }))
    .sort((a, b) => compareKeys(a.key, b.key));
  return { field: field.path, group_by: group.path, groups };
};
