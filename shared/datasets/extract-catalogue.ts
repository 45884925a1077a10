import type { CatalogueEntry, FieldType } from './extract.ts';
import type { Column } from './extract-columns.ts';

// The field catalogue while an extract is built: a tree of the paths seen, each with the JSON types
// found there and the number of non-null values, and at the end the sorted entries it becomes.

export const TYPE_BITS: Record<Exclude<FieldType, 'mixed'>, number> = {
  number: 1,
  string: 2,
  boolean: 4,
  object: 8,
  array: 16,
};

export interface PathNode {
  path: string;
  segments: string[];
  types: number;
  count: number;
  children: Map<string, PathNode> | undefined;
  column: Column | undefined;
}

export const newNode = (segments: string[]): PathNode => ({
  path: segments.join('.'),
  segments,
  types: 0,
  count: 0,
  children: undefined,
  column: undefined,
});

export const childNode = (node: PathNode, key: string): PathNode => {
  node.children ??= new Map();
  let child = node.children.get(key);
  if (!child) {
    child = newNode([...node.segments, key]);
    node.children.set(key, child);
  }
  return child;
};

/** The catalogue's entries, by path: nodes that share a path (keys with dots) are one field. */
export const catalogueEntries = (root: PathNode): CatalogueEntry[] => {
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
  walk(root);
  return [...merged.values()]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map(({ bits, col, ...rest }) => {
      const type = (Object.keys(TYPE_BITS) as (keyof typeof TYPE_BITS)[]).find((t) => TYPE_BITS[t] === bits);
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
};
