import type { JsonRecord } from './reader.ts';
import type { Scalar } from './stats.ts';

// Built once at import, so a query reads only the columns it needs instead of the raw file:
// - the field catalogue: every path with its JSON type and the number of non-null values there;
// - one column per path that holds scalars (arrays flattened): each value's dictionary code, its
//   numeric value (when every value is a number or a numeric string) and its context id;
// - `parent`: the enclosing context of every context. Each record and each array element gets a
//   context id; a group_by key is looked up in the value's own context, then its ancestors, so it
//   comes from the same array element or record as the value.

export type FieldType = 'number' | 'string' | 'boolean' | 'object' | 'array' | 'mixed';

export interface ColumnMeta {
  /** Index of the column's objects (`columns/<index>/…`). */
  index: number;
  count: number;
  numeric: boolean;
  /** Paths of the innermost arrays around the values ('' = the record itself). */
  levels: string[];
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
  paths: CatalogueEntry[];
}

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

class Column {
  readonly ctx = int32List();
  readonly codes = int32List();
  readonly num = float64List();
  readonly dict: Scalar[] = [];
  readonly levels = new Set<string>();
  numeric = true;
  private readonly codeOf = new Map<Scalar, number>();

  add(value: Scalar, ctx: number, level: string) {
    // Map keys compare by type and value, so 3 and "3" stay distinct categories.
    let code = this.codeOf.get(value);
    if (code === undefined) {
      code = this.dict.length;
      this.dict.push(value);
      this.codeOf.set(value, code);
    }
    this.codes.push(code);
    this.ctx.push(ctx);
    this.levels.add(level);
    if (this.numeric) {
      const x = numericValue(value);
      if (Number.isNaN(x)) this.numeric = false;
      else this.num.push(x);
    }
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

export interface BuiltExtract {
  catalogue: Catalogue;
  /** Object name (relative to the dataset's prefix) → bytes. */
  files: Map<string, Uint8Array>;
}

const bytesOf = (a: Int32Array | Float64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export class ExtractBuilder {
  records = 0;
  private readonly root = newNode([]);
  /** Nodes by path string: keys with dots can make two nodes share a path, and they are one field. */
  private readonly byPath = new Map<string, PathNode>();
  private readonly parent = int32List();

  add(record: JsonRecord): void {
    this.records++;
    const id = this.newContext(-1);
    this.visitObject(record, this.root, id, '');
  }

  private newContext(parent: number): number {
    this.parent.push(parent);
    return this.parent.length - 1;
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
        this.column(child).add(value as Scalar, ctx, level);
      }
    }
  }

  private visitArray(values: unknown[], node: PathNode, parentCtx: number) {
    for (const value of values) {
      if (value === null || value === undefined) continue;
      const ctx = this.newContext(parentCtx);
      if (Array.isArray(value)) this.visitArray(value, node, ctx);
      else if (typeof value === 'object') this.visitObject(value as JsonRecord, node, ctx, node.path);
      else this.column(node).add(value as Scalar, ctx, node.path);
    }
  }

  private column(node: PathNode): Column {
    if (!node.column) {
      const existing = this.byPath.get(node.path);
      node.column = existing?.column ?? new Column();
      if (!existing) this.byPath.set(node.path, node);
      else existing.column = node.column;
    }
    return node.column;
  }

  build(): BuiltExtract {
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
    const files = new Map<string, Uint8Array>();
    const paths: CatalogueEntry[] = [];
    let columns = 0;
    for (const entry of [...merged.values()].sort((a, b) =>
      a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
    )) {
      const { bits, col, ...rest } = entry;
      const type = (Object.keys(TYPE_BITS) as (keyof typeof TYPE_BITS)[]).find((t) => TYPE_BITS[t] === bits);
      const out: CatalogueEntry = { ...rest, type: type ?? 'mixed' };
      if (col) {
        const index = columns++;
        out.column = { index, count: col.codes.length, numeric: col.numeric, levels: [...col.levels].sort() };
        files.set(`columns/${index}/ctx`, bytesOf(col.ctx.view()));
        files.set(`columns/${index}/codes`, bytesOf(col.codes.view()));
        files.set(`columns/${index}/dict.json`, Buffer.from(JSON.stringify(col.dict)));
        if (col.numeric) files.set(`columns/${index}/num`, bytesOf(col.num.view()));
      }
      paths.push(out);
    }
    files.set('parent', bytesOf(this.parent.view()));
    return { catalogue: { records: this.records, contexts: this.parent.length, paths }, files };
  }
}
