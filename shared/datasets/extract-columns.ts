import type { Scalar } from './stats.ts';

// The columns of an extract while it is built: each column's values in the part that is filling, kept
// in typed arrays, and how a full part is laid out as the one object it is stored as (its sections
// back to back; extract.ts's extractSource reads them back by range).

/** Column values of unknown count in a typed array that doubles as it fills. */
class TypedList<A extends Int32Array | Float64Array> {
  length = 0;
  private data: A;
  private readonly allocate: (size: number) => A;
  constructor(allocate: (size: number) => A) {
    this.allocate = allocate;
    this.data = allocate(1024);
  }
  push(x: number) {
    if (this.length === this.data.length) {
      const next = this.allocate(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
  view = () => this.data.subarray(0, this.length) as A;
}

export const int32List = () => new TypedList((size) => new Int32Array(size));
const float64List = () => new TypedList((size) => new Float64Array(size));
export type Int32List = ReturnType<typeof int32List>;

// Rough heap cost of what a part holds, to decide when to write it out: a value is a context id, a
// code and a number; a new dictionary entry a Map slot, an array slot and the value itself.
const VALUE_BYTES = 16;
export const CONTEXT_BYTES = 4;
const DICT_ENTRY_BYTES = 64;

/** The values one part holds for one column. */
export class PartColumn {
  readonly ctx = int32List();
  readonly codes = int32List();
  readonly num = float64List();
  readonly dict: Scalar[] = [];
  private readonly codeOf = new Map<Scalar, number>();

  /** Adds a value; returns the bytes it added to the part. */
  add(value: Scalar, ctx: number, numeric: number | undefined): number {
    let added = VALUE_BYTES;
    // Map keys compare by type and value, so 3 and "3" stay distinct categories.
    let code = this.codeOf.get(value);
    if (code === undefined) {
      code = this.dict.length;
      this.dict.push(value);
      this.codeOf.set(value, code);
      added += DICT_ENTRY_BYTES + (typeof value === 'string' ? 2 * value.length : 0);
    }
    this.codes.push(code);
    this.ctx.push(ctx);
    if (numeric !== undefined) this.num.push(numeric);
    return added;
  }
}

/** A column across the whole file: what the catalogue says of it, and the part in progress. */
export class Column {
  readonly levels = new Set<string>();
  readonly parts: [number, number][] = [];
  numeric = true;
  count = 0;
  current: PartColumn | undefined;
  readonly index: number;
  constructor(index: number) {
    this.index = index;
  }
}

const bytesOf = (a: Int32Array | Float64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * Part `part` as one object: the contexts' parents and the values of the columns that have some in it,
 * with where each section lies in the object. Takes the columns' values out of them.
 */
export const encodePart = (part: number, parent: Int32List, columns: Column[]) => {
  const objects: [string, Uint8Array][] = [['parent', bytesOf(parent.view())]];
  for (const column of columns) {
    const values = column.current!;
    const dir = `columns/${column.index}`;
    column.parts.push([part, values.codes.length]);
    objects.push([`${dir}/ctx`, bytesOf(values.ctx.view())], [`${dir}/codes`, bytesOf(values.codes.view())]);
    objects.push([`${dir}/dict.json`, Buffer.from(JSON.stringify(values.dict))]);
    if (column.numeric) objects.push([`${dir}/num`, bytesOf(values.num.view())]);
    column.current = undefined;
  }
  const sections: Record<string, [number, number]> = {};
  let offset = 0;
  for (const [name, bytes] of objects) {
    sections[name] = [offset, bytes.length];
    offset += bytes.length;
  }
  return { sections, body: Buffer.concat(objects.map(([, bytes]) => bytes)) };
};
