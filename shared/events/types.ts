import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type * as z from 'zod';
import { validationError } from '../core/errors.ts';
import { zodDetails } from '../core/validation.ts';
import { ENVELOPE_FIELDS, eventTypes, strictEnvelope } from './schemas.ts';

const MODES = ['enforce', 'warn', 'off'] as const;
export type Mode = (typeof MODES)[number];
export const GLOBAL_OWNER = 'global';

export interface Problem {
  path: string;
  message: string;
}

/** Checks a whole event as sent against one version of its type; no problems means it passes. */
export type Validator = (sent: Record<string, unknown>) => Problem[];

/** The type an event falls under, as the consumer sees it while it processes one message. */
export interface ResolvedType {
  owner: string;
  mode: Mode;
  latestVersion: number;
  /** The validator of an existing version, undefined for one that does not exist. */
  validator: (version: number) => Validator | undefined;
}

/** The types one application's events are validated against: its own, else the global ones. */
export type TypeRegistry = (category: string, name: string) => ResolvedType | undefined;

// The built-in types as JSON Schema (what GET /event-types shows and what the benchmark registers).
// Version 1 of a built-in is still validated by its zod schema in schemas.ts, whose messages the
// API has always given; a unit test holds the two to the same verdicts.
const host = { type: 'string', minLength: 1 };
const path = { type: 'string', minLength: 1, pattern: '^/' };
export const BUILTIN_JSON_SCHEMAS: Record<string, Record<string, Record<string, unknown>>> = {
  'page interaction': {
    pageview: {
      type: 'object',
      properties: { host, path },
      required: ['host', 'path'],
      additionalProperties: false,
    },
    'cta click': {
      type: 'object',
      properties: { host, path, element: { type: 'string', minLength: 1 } },
      required: ['host', 'path', 'element'],
      additionalProperties: false,
    },
  },
  'form interaction': {
    submit: {
      type: 'object',
      properties: { host, path, form: { type: 'object' } },
      required: ['host', 'path', 'form'],
      additionalProperties: false,
    },
  },
};
/** When the built-ins came to be, for their `created_at`. */
export const BUILTIN_CREATED_AT = '2021-01-01T00:00:00.000Z';

export const builtinSchema = (category: string, name: string): Record<string, unknown> | undefined => {
  const names = Object.hasOwn(BUILTIN_JSON_SCHEMAS, category) ? BUILTIN_JSON_SCHEMAS[category] : undefined;
  return names && Object.hasOwn(names, name) ? names[name] : undefined;
};

const builtinZod = (category: string, name: string): z.ZodType | undefined => {
  const names = Object.hasOwn(eventTypes, category) ? eventTypes[category] : undefined;
  return names && Object.hasOwn(names, name) ? names[name] : undefined;
};

// zod 4 compiles an object schema on its first parse, so a schema made per event costs ~100 µs
// each, and a consumer batch of 1000 events held the event loop for ~0.1–0.2 s.
const builtinValidators = new Map<string, Validator>();
/** Version 1 of a built-in type, validated as it always was. */
export const builtinValidator = (category: string, name: string): Validator | undefined => {
  const key = `${category}\u0000${name}`;
  const cached = builtinValidators.get(key);
  if (cached) return cached;
  const data = builtinZod(category, name);
  if (!data) return undefined;
  const strict = strictEnvelope(data);
  const validator: Validator = (sent) => {
    const result = strict.safeParse(sent);
    return result.success
      ? []
      : zodDetails(result.error).map((d) => ({ path: d.path ?? '', message: d.message }));
  };
  builtinValidators.set(key, validator);
  return validator;
};

/** Only the built-in types: what every application sees before any type is stored. */
export const builtinRegistry: TypeRegistry = (category, name) =>
  builtinSchema(category, name)
    ? {
        owner: GLOBAL_OWNER,
        mode: 'enforce',
        latestVersion: 1,
        validator: (version) => (version === 1 ? builtinValidator(category, name) : undefined),
      }
    : undefined;

// One Ajv instance per container: it keeps every compiled schema, and compiling is the expensive part
// (milliseconds), so the consumer compiles each stored version once and keeps its validator.
// `strictSchema` refuses unknown keywords (and unknown formats) at registration rather than ignoring
// them; Ajv's stricter type checks would refuse valid JSON Schemas (a `format` without a `type`).
const ajv = new Ajv2020({
  allErrors: true,
  strict: false,
  strictSchema: true,
  validateFormats: true,
  addUsedSchema: false,
});
addFormats.default(ajv);

const pointerToPath = (pointer: string) =>
  pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');

const ajvProblem = (error: ErrorObject): Problem => {
  const base = pointerToPath(error.instancePath);
  const missing =
    error.keyword === 'required' ? (error.params as { missingProperty: string }).missingProperty : undefined;
  const extra =
    error.keyword === 'additionalProperties'
      ? (error.params as { additionalProperty: string }).additionalProperty
      : undefined;
  const field = missing ?? extra;
  const at = field === undefined ? base : base ? `${base}.${field}` : field;
  return { path: at ? `data.${at}` : 'data', message: error.message ?? 'invalid' };
};

const unknownTopLevel = (sent: Record<string, unknown>): Problem[] =>
  Object.keys(sent)
    .filter((key) => !ENVELOPE_FIELDS.has(key))
    .map((key) => ({ path: key, message: `Unrecognized key: "${key}"` }));

/** Compiles a registered schema; throws 400 `validation_error` when it is no valid JSON Schema 2020-12. */
export const compileSchema = (schema: unknown): Validator => {
  let check: ReturnType<typeof ajv.compile>;
  try {
    check = ajv.compile(schema as Record<string, unknown>);
  } catch (err) {
    throw validationError('schema is not a valid JSON Schema (draft 2020-12)', [
      { path: 'schema', message: (err as Error).message },
    ]);
  }
  return (sent) => {
    const problems = unknownTopLevel(sent);
    if (!check(sent.data)) problems.push(...(check.errors ?? []).map(ajvProblem));
    return problems;
  };
};

// Immutable versions compile once per container, keyed by what identifies them.
const compiled = new Map<string, Validator>();
export const compiledValidator = (key: string): Validator | undefined => compiled.get(key);
export const versionValidator = (key: string, schema: unknown): Validator => {
  let validator = compiled.get(key);
  if (!validator) {
    validator = compileSchema(schema);
    compiled.set(key, validator);
  }
  return validator;
};
