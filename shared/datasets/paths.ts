import { validationError } from '../core/errors.ts';
import type { Catalogue, CatalogueEntry } from './extract.ts';

// Field paths as API.md defines them: dot-separated keys, where a key that itself holds dots is
// matched whole; a bare name resolves to the unique full path that ends with it, on key boundaries
// (`num_agents` does not match the key `cti.num_agents`). A full path always wins over suffixes.

const MAX_CANDIDATES = 50;

const endsWithName = (entry: CatalogueEntry, name: string) => {
  for (let k = 1; k < entry.segments.length; k++) {
    if (entry.segments.slice(-k).join('.') === name) return true;
  }
  return false;
};

const suggestions = (catalogue: Catalogue, name: string): string[] => {
  const needle = name.toLowerCase().split('.').pop() ?? '';
  const near = catalogue.paths.filter((p) => p.path.toLowerCase().includes(needle));
  return (near.length ? near : catalogue.paths.filter((p) => p.column))
    .map((p) => p.path)
    .slice(0, MAX_CANDIDATES);
};

/** The catalogue entry a requested path names; a 400 listing candidates when there is none or several. */
const resolvePath = (catalogue: Catalogue, name: string, param: string): CatalogueEntry => {
  const exact = catalogue.paths.find((p) => p.path === name);
  if (exact) return exact;
  const matches = catalogue.paths.filter((p) => endsWithName(p, name));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    const candidates = matches.map((p) => p.path).slice(0, MAX_CANDIDATES);
    throw validationError(`${param} "${name}" is ambiguous`, [
      { path: param, message: `matches ${matches.length} fields: ${candidates.join(', ')}`, candidates },
    ]);
  }
  const candidates = suggestions(catalogue, name);
  throw validationError(`${param} "${name}" is not a field of this dataset`, [
    { path: param, message: `unknown field; candidates: ${candidates.join(', ')}`, candidates },
  ]);
};

/** Like resolvePath, but the field must hold values (not only objects or arrays of objects). */
export const resolveColumn = (catalogue: Catalogue, name: string, param: string) => {
  const entry = resolvePath(catalogue, name, param);
  if (entry.column) return { entry, column: entry.column };
  const candidates = catalogue.paths
    .filter((p) => p.column && p.path.startsWith(`${entry.path}.`))
    .map((p) => p.path)
    .slice(0, MAX_CANDIDATES);
  throw validationError(`${param} "${entry.path}" holds only objects; name one of its fields`, [
    { path: param, message: `candidates: ${candidates.join(', ')}`, candidates },
  ]);
};
