import { describe, expect, test } from '@jest/globals';
import { classify } from '../../../shared/events/classify.ts';
import {
  BUILTIN_JSON_SCHEMAS,
  builtinValidator,
  compileSchema,
  type Mode,
  type ResolvedType,
} from '../../../shared/events/types.ts';

const received = '2024-05-01T12:00:00.000Z';
const hover = (data: unknown, extra: Record<string, unknown> = {}) => ({
  session_id: 's1',
  category: 'mouse',
  name: 'hover',
  data,
  timestamp: '2024-05-01 11:00:00',
  ...extra,
});
const v1 = compileSchema({
  type: 'object',
  properties: { x: { type: 'number' } },
  required: ['x'],
  additionalProperties: false,
});
const v2 = compileSchema({ type: 'object', properties: { x: { type: 'string' } }, required: ['x'] });
const registryOf =
  (mode: Mode): ((c: string, n: string) => ResolvedType | undefined) =>
  (category, name) =>
    category === 'mouse' && name === 'hover'
      ? { owner: 'app', mode, latestVersion: 2, validator: (v) => [undefined, v1, v2][v] }
      : undefined;

describe('compileSchema', () => {
  test('refuses what is no JSON Schema 2020-12 with a 400 on schema', () => {
    for (const bad of [
      { type: 'nope' },
      { minLength: -1 },
      { foo: 1 },
      { format: 'no-such' },
      7,
      { $ref: 'http://x/y' },
    ]) {
      expect(() => compileSchema(bad)).toThrow(
        expect.objectContaining({ status: 400, code: 'validation_error' }),
      );
    }
  });

  test('says where data fails, as paths under data', () => {
    expect(v1({ data: { y: 1 } })).toEqual([
      { path: 'data.x', message: "must have required property 'x'" },
      { path: 'data.y', message: 'must NOT have additional properties' },
    ]);
    expect(compileSchema({ format: 'email' })({ data: 'a@b.example' })).toEqual([]);
  });

  test('keeps the top-level fields strict whatever the schema says of data', () => {
    expect(v2({ data: { x: 'a' }, referrer: 'r' })).toEqual([
      { path: 'referrer', message: 'Unrecognized key: "referrer"' },
    ]);
  });
});

describe('the built-in types as JSON Schema', () => {
  const cases: [string, string, unknown][] = [
    ['page interaction', 'pageview', { host: 'h', path: '/' }],
    ['page interaction', 'pageview', { host: '', path: '/' }],
    ['page interaction', 'pageview', { host: 'h', path: 'x' }],
    ['page interaction', 'pageview', { host: 'h', path: '/', x: 1 }],
    ['page interaction', 'pageview', { host: 'h' }],
    ['page interaction', 'pageview', { host: 3, path: '/' }],
    ['page interaction', 'cta click', { host: 'h', path: '/', element: 'b' }],
    ['page interaction', 'cta click', { host: 'h', path: '/', element: '' }],
    ['page interaction', 'cta click', { host: 'h', path: '/' }],
    ['form interaction', 'submit', { host: 'h', path: '/f', form: { a: [1, null, { b: true }] } }],
    ['form interaction', 'submit', { host: 'h', path: '/f', form: [] }],
    ['form interaction', 'submit', { host: 'h', path: '/f', form: 'x' }],
    ['form interaction', 'submit', { host: 'h', path: '/f' }],
  ];
  test.each(cases)('%s / %s judges %j as the zod version 1 does', (category, name, data) => {
    const sent = { session_id: 's', category, name, data, timestamp: '2024-01-01 00:00:00' };
    const zodPasses = builtinValidator(category, name)?.(sent).length === 0;
    const schema = BUILTIN_JSON_SCHEMAS[category]?.[name];
    expect(compileSchema(schema)(sent).length === 0).toBe(zodPasses);
  });
});

describe('classify against stored types', () => {
  test('enforce: an invalid event is invalid_payload; a named version applies; the latest otherwise', () => {
    const registry = registryOf('enforce');
    const latest = classify('app', 'a', hover({ x: 'text' }), received, registry);
    expect(latest.kind === 'event' && latest.event.schema_version).toBe(2);
    const named = classify('app', 'b', hover({ x: 1 }, { schema_version: 1 }), received, registry);
    expect(named.kind === 'event' && [named.event.schema_version, named.event.violations]).toEqual([1, []]);
    const invalid = classify('app', 'c', hover({ x: 'text' }, { schema_version: 1 }), received, registry);
    expect(invalid.kind === 'error' && [invalid.error.code, invalid.type]).toEqual([
      'invalid_payload',
      { owner: 'app', category: 'mouse', name: 'hover', schema_version: 1 },
    ]);
    const missing = classify('app', 'd', hover({ x: 1 }, { schema_version: 3 }), received, registry);
    expect(missing.kind === 'error' && missing.error.message).toBe(
      'schema_version 3 of this type does not exist',
    );
  });

  test('warn: an invalid event is stored with its violations', () => {
    const outcome = classify('app', 'a', hover({ x: 1 }), received, registryOf('warn'));
    expect(outcome.kind === 'event' && [outcome.event.schema_version, outcome.event.violations]).toEqual([
      2,
      [{ path: 'data.x', message: 'must be string' }],
    ]);
  });

  test('off: data is stored unchecked, without a version, whatever version is named', () => {
    const outcome = classify(
      'app',
      'a',
      hover({ anything: [1] }, { schema_version: 9 }),
      received,
      registryOf('off'),
    );
    expect(outcome.kind === 'event' && [outcome.event.schema_version, outcome.event.violations]).toEqual([
      null,
      [],
    ]);
    const notObject = classify('app', 'b', hover('text'), received, registryOf('off'));
    expect(notObject.kind === 'error' && notObject.error.code).toBe('invalid_envelope');
  });

  test('a type the registry does not know is unknown_event_type with no owner or version', () => {
    const outcome = classify('app', 'a', { ...hover({}), name: 'click' }, received, registryOf('enforce'));
    expect(outcome.kind === 'error' && [outcome.error.code, outcome.type]).toEqual([
      'unknown_event_type',
      { owner: null, category: 'mouse', name: 'click', schema_version: null },
    ]);
  });
});
