import { createHash } from 'node:crypto';

// Import files carry no ids, so entities are identified by their names. Ids are derived from the
// normalised names: the same person in a later file (even with other spacing or letter case) maps to
// the same item, which makes re-imports idempotent without a lookup table.

/** Unicode NFC, trimmed, inner whitespace collapsed, lower case. */
const normaliseName = (name: string): string =>
  name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();

// U+0001 sorts below every character a name may contain (schemas refuse control characters), so
// "van" sorts before "van dyke" and the parts of a composite key never run into each other.
const SEP = '\u0001';

const digest = (prefix: string, key: string) =>
  `${prefix}_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;

export const clientId = (firstName: string, lastName: string): string =>
  digest('cl', `${normaliseName(firstName)}${SEP}${normaliseName(lastName)}`);

export const advisorId = (name: string): string => digest('adv', normaliseName(name));

/** Sort key of a client: last name, then first name, then id to keep equal names apart. */
export const clientSortKey = (firstName: string, lastName: string, id: string): string =>
  [normaliseName(lastName), normaliseName(firstName), id].join(SEP);

export const advisorSortKey = (name: string, id: string): string => [normaliseName(name), id].join(SEP);
