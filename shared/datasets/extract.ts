import { catalogueEntries, childNode, newNode, type PathNode, TYPE_BITS } from './extract-catalogue.ts';
import {
  CONTEXT_BYTES,
  Column,
  encodePart,
  type Int32List,
  int32List,
  PartColumn,
} from './extract-columns.ts';
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
// (the catalogue alone grows with the number of distinct paths). A record's contexts all lie in its
// part, so a group_by key is always found in the value's own part; dictionaries are per part and merged
// by value when a query reads them. This file holds the extract's format and the builder's walk over
// the records; the columns it fills are in extract-columns.ts, the path tree in extract-catalogue.ts.

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

/** A part is written out once its columns hold about this many bytes (deployed as DATASET_PART_BYTES). */
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

export class ExtractBuilder {
  records = 0;
  private readonly root = newNode([]);
  /** Nodes by path string: keys with dots can make two nodes share a path, and they are one field. */
  private readonly byPath = new Map<string, PathNode>();
  private readonly columns: Column[] = [];
  /** First context id of each part written so far, and of the part in progress. */
  private readonly partStarts: number[] = [0];
  private contexts = 0;
  private parent: Int32List = int32List();
  /** Columns with values in the part in progress. */
  private touched: Column[] = [];
  /** Approximate bytes held by the part in progress. */
  buffered = 0;
  private readonly sections: Record<string, [number, number]>[] = [];
  /** The write of the previous part, if one is in flight. */
  private writing: Promise<void> = Promise.resolve();

  private readonly sink: ExtractSink;
  private readonly partBytes: number;

  constructor(sink: ExtractSink, partBytes: number) {
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
    const { sections, body } = encodePart(part, this.parent, this.touched);
    this.touched = [];
    this.parent = int32List();
    this.buffered = 0;
    this.partStarts.push(this.contexts);
    // The part is written while the next one fills; at most one write is in flight, so the import
    // holds at most two parts.
    const previous = this.writing;
    this.sections.push(sections);
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
      paths: catalogueEntries(this.root),
    };
  }

  private newContext(parent: number): number {
    this.parent.push(parent);
    this.buffered += CONTEXT_BYTES;
    return this.contexts++;
  }

  private visitObject(obj: JsonRecord, node: PathNode, ctx: number, level: string) {
    for (const key in obj) {
      const value = obj[key];
      if (value === null || value === undefined) continue;
      const child = childNode(node, key);
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
}
