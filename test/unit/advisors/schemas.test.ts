import { describe, expect, test } from '@jest/globals';
import { importFile, listAdvisorsQuery } from '../../../shared/advisors/schemas.ts';

const issues = (value: unknown) => {
  const result = importFile.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => [i.path.join('.'), i.message]);
};

describe('import file schema', () => {
  test('accepts the fixture shape, trimming names and defaulting missing lists', () => {
    const file = importFile.parse({
      clients: [{ first_name: ' Nate ', last_name: 'Jacobs' }],
      financial_advisors: [{ name: 'Jessica Day' }],
    });
    expect(file).toEqual({
      clients: [{ first_name: 'Nate', last_name: 'Jacobs', accounts: [] }],
      financial_advisors: [{ name: 'Jessica Day', focus_areas: [] }],
    });
  });

  test('names the path of a value with too many decimals', () => {
    expect(
      issues({
        clients: [
          {
            first_name: 'A',
            last_name: 'B',
            accounts: [
              { type: 'ira', value: 1 },
              { type: 'x', value: 2.345 },
            ],
          },
        ],
        financial_advisors: [],
      }),
    ).toEqual([['clients.0.accounts.1.value', 'must have at most 2 decimal places']]);
  });

  test('refuses an empty name and control characters in names', () => {
    const paths = issues({
      clients: [{ first_name: '', last_name: 'B' }],
      financial_advisors: [{ name: 'Tab\tName' }],
    }).map(([path]) => path);
    expect(paths).toEqual(['clients.0.first_name', 'financial_advisors.0.name']);
  });

  test('refuses two clients with the same name, pointing at the later one', () => {
    expect(
      issues({
        clients: [
          { first_name: 'Rue', last_name: 'Bennett' },
          { first_name: 'Nate', last_name: 'Jacobs' },
          { first_name: 'rue', last_name: 'BENNETT' },
        ],
        financial_advisors: [],
      }),
    ).toEqual([['clients.2', 'same first and last name as clients.0']]);
  });
});

describe('advisor list query', () => {
  test('reads the availability filter as a boolean and leaves it out when absent', () => {
    expect(listAdvisorsQuery.parse({ available: 'false' }).available).toBe(false);
    expect(listAdvisorsQuery.parse({}).available).toBeUndefined();
    expect(listAdvisorsQuery.safeParse({ available: 'yes' }).success).toBe(false);
  });
});
