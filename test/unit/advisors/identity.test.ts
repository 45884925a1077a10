import { describe, expect, test } from '@jest/globals';
import { advisorId, advisorSortKey, clientId, clientSortKey } from '../../../shared/advisors/identity.ts';

describe('natural-key identity', () => {
  test('derives stable ids from the names (values computed independently with Python hashlib)', () => {
    expect(clientId('Maddy', 'Perez')).toBe('cl_b49dd2b6769c5fc8586f1f70');
    expect(advisorId('Nick Miller')).toBe('adv_a2b828c77277ab6b0c8a1abb');
  });

  test('ignores letter case and surrounding or repeated spaces', () => {
    expect(clientId('  maddy ', 'PEREZ')).toBe(clientId('Maddy', 'Perez'));
    expect(advisorId('Nick   Miller')).toBe(advisorId('Nick Miller'));
  });

  test('keeps first and last name apart, so moving a word between them is another person', () => {
    expect(clientId('Anne Marie', 'Smith')).not.toBe(clientId('Anne', 'Marie Smith'));
  });

  test('orders clients by last name, then first name, with a name before its longer forms', () => {
    const people = [
      ['Ann', 'Van Dyke'],
      ['Zoe', 'Van'],
      ['Bob', 'van'],
      ['Al', 'Vaughn'],
      ['Rue', 'bennett'],
    ] as const;
    const sorted = [...people]
      .map(([first, last]) => ({
        name: `${first} ${last}`,
        key: clientSortKey(first, last, clientId(first, last)),
      }))
      .sort((a, b) => (a.key < b.key ? -1 : 1))
      .map((p) => p.name);
    expect(sorted).toEqual(['Rue bennett', 'Bob van', 'Zoe Van', 'Ann Van Dyke', 'Al Vaughn']);
  });

  test('orders advisors by name regardless of case', () => {
    const keys = ['nick Miller', 'Jessica Day'].map((n) => advisorSortKey(n, advisorId(n)));
    expect(keys[1]! < keys[0]!).toBe(true);
  });
});
