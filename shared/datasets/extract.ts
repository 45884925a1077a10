import type { JsonRecord } from './reader.ts';
import type { Scalar } from './stats.ts';

// Built while the file streams in, so a query reads only the columns it needs instead of the raw file:
// - the field catalogue: every path with its JSON type and the number of non-null values there;
// - one column per path that holds scalars (arrays flattened): each value's dictionary code, its
//   numeric value (when every value is a number or a numeric string) and its context id;
// - `parent`: the enclosing context of every context. Each record and each array element gets a
//   context id; a group_by key is looked up in the value's own context, then its ancestors, so it
//   comes from the same array element or record as the value.
// The columns are cut into parts of whole records, each written out once it holds `partBytes`, so the
// import's memory is bounded by two parts (one filling, one being written) whatever the file's size
// (the catalogue alone grows with the number of distinct paths). A record's contexts all lie in its part, so a group_by key is always
// found in the value's own part; dictionaries are per part and merged by value when a query reads them.

export type FieldType = 'number' | 'string' | 'boolean' | 'object' | 'array' | 'mixed';

export interface ColumnMeta {
  /** Index of the column's sections (`columns/<index>/…`) in each part. */
  index: number;
  count: number;
  numeric: boolean;
  /** Paths of the innermost arrays around the values ('' = the record itself). */
  levels: string[];
  /** `[part, values in it]` for each part holding values of the column, ascending; absent: one unprefixed part. */
  parts?: [number, number][];
}

export interface CatalogueEntry {
  path: string;
  /** Keys along the path; a key may contain dots, so the path string alone is ambiguous. */
  segments: string[];
  type: FieldType;
  count: number;
  column?: ColumnMeta;
}

export interface Catalogue {
  records: number;
  /** Number of context ids (records + array elements). */
  contexts: number;
  /**
   * The first context id of each part. Absent in extracts written before parts existed: they are one
   * part stored as one object per section, unprefixed (`columns/3/num`).
   */
  parts?: number[];
  /** Where each section (`parent`, `columns/3/num`) lies in its part's object `parts/<n>`: [offset, length]. */
  sections?: Record<string, [number, number]>[];
  paths: CatalogueEntry[];
}

/** Where the import writes the extract's objects (names relative to the extract). */
export type ExtractSink = (name: string, bytes: Uint8Array) => Promise<void>;
/** Reads one object of the extract, whole or the byte range [start, end); fresh bytes each call. */
export type ObjectReader = (name: string, range?: [number, number]) => Promise<Uint8Array>;
/** Reads one section of one part (`parent`, `columns/3/num`); fresh bytes each call, as they are changed in place. */
export type ExtractSource = (part: number, section: string) => Promise<Uint8Array>;

/** A part is written out once its columns hold about this many bytes (env DATASET_PART_BYTES). */
export const DEFAULT_PART_BYTES = 32 * 1024 * 1024;

/**
 * Sections of a part through `read`: a ranged read of the part's one object (one PUT per part keeps
 * an import's request count low), or, in a pre-parts extract, the section's own object.
 */
export const extractSource =
  (catalogue: Catalogue, read: ObjectReader): ExtractSource =>
  async (part, section) => {
    if (!catalogue.sections) return read(section);
    const at = catalogue.sections[part]?.[section];
    if (!at) throw new Error(`the extract has no section ${section} in part ${part}`);
    return at[1] === 0 ? new Uint8Array(0) : read(`parts/${part}`, [at[0], at[0] + at[1]]);
  };

/** The parts of a column with their value counts (a pre-parts extract is one part). */
export const columnParts = (column: ColumnMeta): [number, number][] => column.parts ?? [[0, column.count]];

/** The context ids of a part: [first, end). */
export const partContexts = (catalogue: Catalogue, part: number): [number, number] => {
  const starts = catalogue.parts ?? [0];
  return [starts[part]!, starts[part + 1] ?? catalogue.contexts];
};

/** A numeric string in the JSON number grammar, allowing a leading '+' and surrounding spaces. */
const NUMERIC = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

export const numericValue = (v: Scalar): number =>
  typeof v === 'number' ? v : typeof v === 'string' && NUMERIC.test(v) ? Number(v) : Number.NaN;

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

const int32List = () => new TypedList((size) => new Int32Array(size));
const float64List = () => new TypedList((size) => new Float64Array(size));

const TYPE_BITS: Record<Exclude<FieldType, 'mixed'>, number> = {
  number: 1,
  string: 2,
  boolean: 4,
  object: 8,
  array: 16,
};

// Rough heap cost of what a part holds, to decide when to write it out: a value is a context id, a
// code and a number; a new dictionary entry a Map slot, an array slot and the value itself.
const VALUE_BYTES = 16;
const CONTEXT_BYTES = 4;
const DICT_ENTRY_BYTES = 64;

/** The values one part holds for one column. */
class PartColumn {
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
class Column {
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

interface PathNode {
  path: string;
  segments: string[];
  types: number;
  count: number;
  children: Map<string, PathNode> | undefined;
  column: Column | undefined;
}

const newNode = (segments: string[]): PathNode => ({
  path: segments.join('.'),
  segments,
  types: 0,
  count: 0,
  children: undefined,
  column: undefined,
});

const bytesOf = (a: Int32Array | Float64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export class ExtractBuilder {
  records = 0;
  private readonly root = newNode([]);
  /** Nodes by path string: keys with dots can make two nodes share a path, and they are one field. */
  private readonly byPath = new Map<string, PathNode>();
  private readonly columns: Column[] = [];
  /** First context id of each part written so far, and of the part in progress. */
  private readonly partStarts: number[] = [0];
  private contexts = 0;
  private parent = int32List();
  /** Columns with values in the part in progress. */
  private touched: Column[] = [];
  /** Approximate bytes held by the part in progress. */
  buffered = 0;
  private readonly sections: Record<string, [number, number]>[] = [];
  /** The write of the previous part, if one is in flight. */
  private writing: Promise<void> = Promise.resolve();

  private readonly sink: ExtractSink;
  private readonly partBytes: number;

  constructor(sink: ExtractSink, partBytes = DEFAULT_PART_BYTES) {
    this.sink = sink;
    this.partBytes = partBytes;
  }

  add(record: JsonRecord): void {
    this.records++;
    const id = this.newContext(-1);
    this.visitObject(record, this.root, id, '');
  }

  /** True once the part in progress should be written out (call `flush` between records). */
  get full(): boolean {
    return this.buffered >= this.partBytes;
  }

  /** Starts writing the part in progress, if it holds anything, once the previous part is written. */
  async flush(): Promise<void> {
    const part = this.partStarts.length - 1;
    if (this.contexts === this.partStarts[part]) return;
    const objects: [string, Uint8Array][] = [['parent', bytesOf(this.parent.view())]];
    for (const column of this.touched) {
      const values = column.current!;
      const dir = `columns/${column.index}`;
      column.parts.push([part, values.codes.length]);
      objects.push(
        [`${dir}/ctx`, bytesOf(values.ctx.view())],
        [`${dir}/codes`, bytesOf(values.codes.view())],
      );
      objects.push([`${dir}/dict.json`, Buffer.from(JSON.stringify(values.dict))]);
      if (column.numeric) objects.push([`${dir}/num`, bytesOf(values.num.view())]);
      column.current = undefined;
    }
    this.touched = [];
    this.parent = int32List();
    this.buffered = 0;
    this.partStarts.push(this.contexts);
    // The part is written while the next one fills; at most one write is in flight, so the import
    // holds at most two parts.
    const previous = this.writing;
    const index: Record<string, [number, number]> = {};
    let offset = 0;
    for (const [name, bytes] of objects) {
      index[name] = [offset, bytes.length];
      offset += bytes.length;
    }
    this.sections.push(index);
    const body = Buffer.concat(objects.map(([, bytes]) => bytes));
    this.writing = previous.then(() => this.sink(`parts/${part}`, body));
    // Awaited by the next flush or by finish; until then a failed write must not count as unhandled.
    this.writing.catch(() => {});
    await previous;
  }

  /** Writes the last part; returns the catalogue (not yet stored: it is what makes the extract visible). */
  async finish(): Promise<Catalogue> {
    await this.flush();
    await this.writing;
    return {
      records: this.records,
      contexts: this.contexts,
      parts: this.partStarts.slice(0, -1),
      sections: this.sections,
      paths: this.paths(),
    };
  }

  private newContext(parent: number): number {
    this.parent.push(parent);
    this.buffered += CONTEXT_BYTES;
    return this.contexts++;
  }

  private child(node: PathNode, key: string): PathNode {
    node.children ??= new Map();
    let child = node.children.get(key);
    if (!child) {
      child = newNode([...node.segments, key]);
      node.children.set(key, child);
    }
    return child;
  }

  private visitObject(obj: JsonRecord, node: PathNode, ctx: number, level: string) {
    for (const key in obj) {
      const value = obj[key];
      if (value === null || value === undefined) continue;
      const child = this.child(node, key);
      child.count++;
      if (Array.isArray(value)) {
        child.types |= TYPE_BITS.array;
        this.visitArray(value, child, ctx);
      } else if (typeof value === 'object') {
        child.types |= TYPE_BITS.object;
        this.visitObject(value as JsonRecord, child, ctx, level);
      } else {
        child.types |= TYPE_BITS[typeof value as 'number' | 'string' | 'boolean'];
        this.addValue(child, value as Scalar, ctx, level);
      }
    }
  }

  private visitArray(values: unknown[], node: PathNode, parentCtx: number) {
    for (const value of values) {
      if (value === null || value === undefined) continue;
      const ctx = this.newContext(parentCtx);
      if (Array.isArray(value)) this.visitArray(value, node, ctx);
      else if (typeof value === 'object') this.visitObject(value as JsonRecord, node, ctx, node.path);
      else this.addValue(node, value as Scalar, ctx, node.path);
    }
  }

  private addValue(node: PathNode, value: Scalar, ctx: number, level: string) {
    const column = this.column(node);
    if (!column.current) {
      column.current = new PartColumn();
      this.touched.push(column);
    }
    column.count++;
    column.levels.add(level);
    let numeric: number | undefined;
    if (column.numeric) {
      const x = numericValue(value);
      if (Number.isNaN(x)) column.numeric = false;
      else numeric = x;
    }
    this.buffered += column.current.add(value, ctx, numeric);
  }

  private column(node: PathNode): Column {
    if (!node.column) {
      const existing = this.byPath.get(node.path);
      node.column = existing?.column ?? new Column(this.columns.length);
      if (!existing) {
        this.byPath.set(node.path, node);
        this.columns.push(node.column);
      } else existing.column = node.column;
    }
    return node.column;
  }

  private paths(): CatalogueEntry[] {
    const merged = new Map<string, CatalogueEntry & { bits: number; col?: Column }>();
    const walk = (node: PathNode) => {
      for (const child of node.children?.values() ?? []) {
        const entry = merged.get(child.path);
        if (entry) {
          entry.bits |= child.types;
          entry.count += child.count;
          entry.col ??= child.column;
        } else if (child.count > 0 || child.column) {
          merged.set(child.path, {
            path: child.path,
            segments: child.segments,
            type: 'mixed',
            count: child.count,
            bits: child.types,
            col: child.column,
          });
        }
        walk(child);
      }
    };
    walk(this.root);
    return [...merged.values()]
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
      .map(({ bits, col, ...rest }) => {
        const type = (Object.keys(TYPE_BITS) as (keyof typeof TYPE_BITS)[]).find(
          (t) => TYPE_BITS[t] === bits,
        );
        const out: CatalogueEntry = { ...rest, type: type ?? 'mixed' };
        if (col) {
          out.column = {
            index: col.index,
            count: col.count,
            numeric: col.numeric,
            levels: [...col.levels].sort(),
            parts: col.parts,
          };
        }
        return out;
      });
  }
}
