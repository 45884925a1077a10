import { describe, expect, test } from '@jest/globals';
import { schemaFields } from '../../../console/src/schema.ts';

describe('the fields of a JSON Schema, as the event types view lists them', () => {
  test('lists each property with its type, whether it is required and its rules, nested ones after their parent', () => {
    const schema = {
      type: 'object',
      properties: {
        host: { type: 'string', minLength: 1 },
        total: { type: ['number', 'null'], minimum: 0 },
        currency: { enum: ['EUR', 'USD'] },
        items: {
          type: 'array',
          maxItems: 50,
          items: { type: 'object', properties: { sku: { type: 'string', pattern: '^[A-Z]+$' } } },
        },
        address: {
          type: 'object',
          additionalProperties: false,
          required: ['city'],
          properties: { city: { type: 'string' } },
        },
      },
      required: ['host', 'total'],
    };
    expect(schemaFields(schema)).toEqual([
      { path: 'host', type: 'string', required: true, rules: ['min length 1'] },
      { path: 'total', type: 'number | null', required: true, rules: ['≥ 0'] },
      { path: 'currency', type: 'enum', required: false, rules: ['one of "EUR", "USD"'] },
      { path: 'items', type: 'array of object', required: false, rules: ['max items 50'] },
      { path: 'items[].sku', type: 'string', required: false, rules: ['pattern "^[A-Z]+$"'] },
      { path: 'address', type: 'object', required: false, rules: ['no other fields'] },
      { path: 'address.city', type: 'string', required: true, rules: [] },
    ]);
  });

  test('finds no fields in a schema that names none, or in something that is not a schema object', () => {
    expect(schemaFields({ type: 'object' })).toEqual([]);
    expect(schemaFields(true)).toEqual([]);
    expect(schemaFields(null)).toEqual([]);
  });
});
