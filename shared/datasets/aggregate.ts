import { validationError } from '../core/errors.ts';
import {
  type Catalogue,
  type CatalogueEntry,
  type ColumnMeta,
  columnParts,
  extractSource,
  numericValue,
  type ObjectReader,
  partContexts,
} from './extract.ts';
import { resolveColumn } from './paths.ts';
import {
  type CategoricalStats,
  describeCategorical,
  describeNumeric,
  histogram,
  type NumericStats,
  type Scalar,
} from './stats.ts';

// Answers `aggregate` from the columnar extract: it streams the parts of the field's column (and of
// the group_by field's), never the raw file nor any other column.

type Stats = NumericStats | CategoricalStats;
export type Aggregate =
  | ({ field: string } & Stats)
  | { field: string; group_by: string; groups: ({ key: Scalar } & Stats)[] };

const int32s = (bytes: Uint8Array) =>
  bytes.byteOffset % 4 === 0
    ? new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)
    : new Int32Array(Uint8Array.from(bytes).buffer);
const float64s = (bytes: Uint8Array) =>
  bytes.byteOffset % 8 === 0
    ? new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8)
    : new Float64Array(Uint8Array.from(bytes).buffer);
const json = (bytes: Uint8Array) => JSON.parse(Buffer.from(bytes).toString('utf8')) as Scalar[];

/**
 * Group keys sort numbers (and numeric strings) by value first, then other strings by code point,
 * then booleans; a number sorts before the numeric string that spells the same value.
 */
const compareKeys = (a: Scalar, b: Scalar): number => {
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

/**
 * One dictionary over the per-part ones, merged by value. Parts are merged in file order, so a
 * global code is lower for a value seen earlier in the file, as describeCategorical's ties need.
 */
class Dictionary {
  readonly values: Scalar[] = [];
  private readonly codeOf = new Map<Scalar, number>();
  /** The global code of each code of a part's dictionary. */
  translate(part: readonly Scalar[]): Int32Array {
    const out = new Int32Array(part.length);
    for (let i = 0; i < part.length; i++) {
      const value = part[i]!;
      let code = this.codeOf.get(value);
      if (code === undefined) {
        code = this.values.length;
        this.values.push(value);
        this.codeOf.set(value, code);
      }
      out[i] = code;
    }
    return out;
  }
}

/** Parts read ahead of the one being merged: S3 latency hidden, memory still a few parts. */
const PARTS_AHEAD = 4;

/** `load(i)` for i < count, at most `ahead` in flight, handed over in order. */
async function* inOrder<T>(count: number, ahead: number, load: (i: number) => Promise<T>) {
  const pending: Promise<T>[] = [];
  const start = (i: number) => {
    if (i >= count) return;
    const p = load(i);
    // Awaited in turn below; a part after a failed one must not count as an unhandled rejection.
    p.catch(() => {});
    pending[i] = p;
  };
  for (let i = 0; i < ahead; i++) start(i);
  for (let i = 0; i < count; i++) {
    const value = await pending[i]!;
    delete pending[i];
    start(i + ahead);
    yield value;
  }
}

/** One part of the field, as stored: values (numbers, or codes of the part's dictionary), group key codes. */
interface FieldPart {
  values: Float64Array | Int32Array;
  dict: Scalar[];
  /** Codes into `groupDict` (-1: no key), when grouping. */
  keys?: Int32Array;
  groupDict?: Scalar[];
}

/**
 * For each value of a part, the code (in the part's group dictionary) of its group key, -1 for none:
 * the key in the value's own context, else in the nearest enclosing one. Contexts never cross parts.
 */
const partGroupKeys = (
  [first, end]: [number, number],
  fctx: Int32Array,
  group: { ctx: Int32Array; codes: Int32Array } | undefined,
  parent: Int32Array,
): Int32Array => {
  const keyOf = new Int32Array(end - first).fill(-1);
  if (group) for (let i = 0; i < group.ctx.length; i++) keyOf[group.ctx[i]! - first] = group.codes[i]!;
  const keys = new Int32Array(fctx.length);
  for (let i = 0; i < fctx.length; i++) {
    let c = fctx[i]!;
    let k = keyOf[c - first]!;
    while (k < 0 && c >= 0) {
      c = parent[c - first]!;
      if (c >= 0) k = keyOf[c - first]!;
    }
    keys[i] = k;
  }
  return keys;
};

/** `codes` through `translation`, in place; -1 (no key) stays. */
const remap = (codes: Int32Array, translation: Int32Array) => {
  for (let i = 0; i < codes.length; i++) if (codes[i]! >= 0) codes[i] = translation[codes[i]!]!;
  return codes;
};

export const aggregate = async (
  catalogue: Catalogue,
  query: { field: string; group_by?: string | undefined; bins?: number | undefined },
  read: ObjectReader,
): Promise<Aggregate> => {
  const load = extractSource(catalogue, read);
  const { entry: field, column } = resolveColumn(catalogue, query.field, 'field');
  const grouping =
    query.group_by === undefined ? undefined : resolveColumn(catalogue, query.group_by, 'group_by');
  if (grouping) checkGroupable(field, grouping.entry, grouping.column.levels);
  const groupParts = new Set(grouping ? columnParts(grouping.column).map(([part]) => part) : []);
  const object = (part: number, c: ColumnMeta, name: string) => load(part, `columns/${c.index}/${name}`);

  const readPart = async (part: number): Promise<FieldPart> => {
    const [values, dict] = await Promise.all([
      column.numeric
        ? object(part, column, 'num').then(float64s)
        : object(part, column, 'codes').then(int32s),
      column.numeric ? [] : object(part, column, 'dict.json').then(json),
    ]);
    if (!grouping) return { values, dict };
    const g = grouping.column;
    const [fctx, parent, group] = await Promise.all([
      object(part, column, 'ctx').then(int32s),
      load(part, 'parent').then(int32s),
      groupParts.has(part)
        ? Promise.all([
            object(part, g, 'ctx').then(int32s),
            object(part, g, 'codes').then(int32s),
            object(part, g, 'dict.json').then(json),
          ])
        : undefined,
    ]);
    const keys = partGroupKeys(
      partContexts(catalogue, part),
      fctx,
      group && { ctx: group[0], codes: group[1] },
      parent,
    );
    return { values, dict, keys, groupDict: group?.[2] ?? [] };
  };

  // The column's values (numbers, or global dictionary codes) and group keys, filled part by part:
  // exact statistics need every value, but only those, never the other columns or a part's contexts.
  const parts = columnParts(column);
  const values = column.numeric ? new Float64Array(column.count) : new Int32Array(column.count);
  const keys = grouping ? new Int32Array(column.count) : undefined;
  const dictionary = new Dictionary();
  const groupDictionary = new Dictionary();
  let offset = 0;
  for await (const part of inOrder(parts.length, PARTS_AHEAD, (i) => readPart(parts[i]![0]))) {
    values.set(
      column.numeric ? part.values : remap(part.values as Int32Array, dictionary.translate(part.dict)),
      offset,
    );
    if (keys) keys.set(remap(part.keys!, groupDictionary.translate(part.groupDict!)), offset);
    offset += part.values.length;
  }

  const describe = (v: Float64Array | Int32Array): Stats => {
    if (!column.numeric) return describeCategorical(v as Int32Array, dictionary.values);
    const stats = describeNumeric(v as Float64Array);
    if (query.bins === undefined) return stats;
    // describeNumeric has sorted the values in place.
    return { ...stats, histogram: histogram(v as Float64Array, query.bins) };
  };
  if (!grouping || !keys) return { field: field.path, ...describe(values) };
  const groupKeys = groupDictionary.values;
  const split = column.numeric
    ? partition(values as Float64Array, keys, groupKeys.length, (n) => new Float64Array(n))
    : partition(values as Int32Array, keys, groupKeys.length, (n) => new Int32Array(n));
  const groups = [...split]
    .map(([code, part]) => ({ key: groupKeys[code]!, ...describe(part) }))
    .sort((a, b) => compareKeys(a.key, b.key));
  return { field: field.path, group_by: grouping.entry.path, groups };
};
