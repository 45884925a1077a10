// A JSON Schema is easier to check as a list of fields than as nested JSON: each property the schema
// describes, its type, whether it is required and its constraints. The JSON itself is shown next to it.

export interface SchemaField {
  /** Dot-separated; `[]` marks the elements of an array. */
  path: string;
  type: string;
  required: boolean;
  rules: string[];
}

type Node = Record<string, unknown>;

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

const RULES: [keyword: string, label: string][] = [
  ['minLength', 'min length'],
  ['maxLength', 'max length'],
  ['minimum', '≥'],
  ['exclusiveMinimum', '>'],
  ['maximum', '≤'],
  ['exclusiveMaximum', '<'],
  ['multipleOf', 'multiple of'],
  ['pattern', 'pattern'],
  ['format', 'format'],
  ['minItems', 'min items'],
  ['maxItems', 'max items'],
];

const typeOf = (node: Node): string => {
  if ('const' in node) return 'const';
  if (Array.isArray(node.enum)) return 'enum';
  if (Array.isArray(node.type)) return node.type.join(' | ');
  if (typeof node.type === 'string') return node.type;
  if (typeof node.$ref === 'string') return node.$ref;
  for (const k of ['oneOf', 'anyOf', 'allOf'])
    if (Array.isArray(node[k])) return `${k} (${(node[k] as unknown[]).length})`;
  if (isNode(node.properties)) return 'object';
  return 'any';
};

const rulesOf = (node: Node): string[] => {
  const rules = RULES.filter(([k]) => k in node).map(([k, label]) => `${label} ${JSON.stringify(node[k])}`);
  if ('const' in node) rules.push(`= ${JSON.stringify(node.const)}`);
  if (Array.isArray(node.enum)) rules.push(`one of ${node.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  if (node.additionalProperties === false) rules.push('no other fields');
  return rules;
};

const MAX_DEPTH = 8;

/** The fields of an object schema, depth first, each followed by the fields inside it. */
export const schemaFields = (schema: unknown, prefix = '', depth = 0): SchemaField[] => {
  if (!isNode(schema) || depth > MAX_DEPTH) return [];
  const properties = isNode(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  return Object.entries(properties).flatMap(([key, sub]) => {
    const path = `${prefix}${key}`;
    if (!isNode(sub))
      return [{ path, type: sub === false ? 'never' : 'any', required: required.has(key), rules: [] }];
    const field = { path, type: typeOf(sub), required: required.has(key), rules: rulesOf(sub) };
    const items = isNode(sub.items) ? sub.items : undefined;
    if (items) field.type = `array of ${typeOf(items)}`;
    return [
      field,
      ...schemaFields(sub, `${path}.`, depth + 1),
      ...(items ? schemaFields(items, `${path}[].`, depth + 1) : []),
    ];
  });
};
