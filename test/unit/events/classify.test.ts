import { describe, expect, test } from '@jest/globals';
import { classify } from '../../../shared/events/classify.ts';
import { storeAll } from '../../../shared/events/use-cases/processing.ts';

const received = '2024-05-01T12:00:00.000Z';
const base = {
  session_id: 's1',
  category: 'page interaction',
  name: 'cta click',
  data: { host: 'www.example.com', path: '/', element: 'chat bubble' },
  timestamp: '2024-05-01 11:00:00.000100',
};
const codeOf = (sent: unknown) => {
  const outcome = classify('app', 'e1', sent, received);
  return outcome.kind === 'error' ? outcome.error.code : 'stored';
};

describe('classify', () => {
  test('stores a valid event with its normalised timestamp', () => {
    const outcome = classify('app', 'e1', base, received);
    expect(outcome).toEqual({
      kind: 'event',
      owner: 'global',
      mode: 'enforce',
      time: { iso: '2024-05-01T11:00:00.000100Z', key: '2024-05-01T11:00:00.000100' },
      event: {
        id: 'e1',
        application_id: 'app',
        session_id: 's1',
        category: 'page interaction',
        name: 'cta click',
        data: base.data,
        timestamp: '2024-05-01T11:00:00.000100Z',
        received_at: received,
        schema_version: 1,
        violations: [],
      },
    });
  });

  test('accepts any JSON values in a submitted form', () => {
    const submit = {
      ...base,
      category: 'form interaction',
      name: 'submit',
      data: { host: 'h', path: '/f', form: { a: 1, b: null, c: [true, { d: 'x' }] } },
    };
    expect(codeOf(submit)).toBe('stored');
  });

  test('gives each kind of failure its code', () => {
    expect(codeOf({ ...base, session_id: 3 })).toBe('invalid_envelope');
    expect(codeOf({ ...base, name: 'hover' })).toBe('unknown_event_type');
    expect(codeOf({ ...base, category: 'constructor', name: 'name' })).toBe('unknown_event_type');
    expect(codeOf({ ...base, data: { host: 'h', path: '/' } })).toBe('invalid_payload');
    expect(codeOf({ ...base, data: { ...base.data, extra: 1 } })).toBe('invalid_payload');
    expect(codeOf({ ...base, data: { ...base.data, path: 'relative' } })).toBe('invalid_payload');
    expect(codeOf({ ...base, data: { ...base.data, host: '' } })).toBe('invalid_payload');
    expect(codeOf({ ...base, referrer: 'x' })).toBe('invalid_payload');
    expect(codeOf({ ...base, timestamp: '01/05/2024' })).toBe('invalid_timestamp');
    expect(codeOf({ ...base, timestamp: '2024-05-01 12:01:00.000001' })).toBe('future_timestamp');
    expect(codeOf({ ...base, timestamp: '2024-05-01 12:01:00' })).toBe('stored');
  });

  test('an error keeps the event exactly as it was sent and says what was wrong', () => {
    const sent = { ...base, data: { host: 'h', path: 'x', element: 'e' } };
    const outcome = classify('app', 'e1', sent, received);
    expect(outcome.kind === 'error' && outcome.error).toEqual({
      id: 'e1',
      application_id: 'app',
      code: 'invalid_payload',
      message: 'data.path: must start with /',
      received_at: received,
      event: sent,
    });
  });
});

describe('storeAll', () => {
  test('counts only what this call wrote, so a redelivery adds nothing', async () => {
    const outcomes = [
      classify('app', 'a', base, received),
      classify('app', 'b', { ...base, name: 'hover' }, received),
      classify('app', 'c', base, received),
    ];
    const written = new Set<string>(['c']);
    const store = {
      claim: async (o: (typeof outcomes)[number]) => {
        const id = o.kind === 'event' ? o.event.id : o.error.id;
        if (written.has(id)) return { stored: false };
        written.add(id);
        return { stored: true };
      },
      writeCopies: async () => {},
    };
    expect(await storeAll(outcomes, store)).toEqual({
      stored: 1,
      duplicates: 1,
      errors: { unknown_event_type: 1 },
      // The unknown type has no mode, so no per-type count.
      byType: new Map([
        [
          JSON.stringify(['page interaction', 'cta click', 'enforce']),
          {
            category: 'page interaction',
            name: 'cta click',
            mode: 'enforce',
            stored: 1,
            warned: 0,
            errors: 0,
          },
        ],
      ]),
    });
    expect(await storeAll(outcomes, store)).toEqual({
      stored: 0,
      duplicates: 3,
      errors: {},
      byType: new Map(),
    });
  });

  test('writes the copy of every claim that has one, won or lost, in one call after the claims', async () => {
    const outcomes = ['a', 'b', 'c'].map((id) => classify('app', id, base, received));
    const log: string[] = [];
    await storeAll(outcomes, {
      claim: async (o) => {
        const id = o.kind === 'event' ? o.event.id : o.error.id;
        log.push(`claim ${id}`);
        return id === 'b' ? { stored: false } : { stored: id === 'a', copy: { id } };
      },
      writeCopies: async (copies) => {
        log.push(`copies ${copies.map((c) => c.id).join(',')}`);
      },
    });
    expect(log).toEqual(['claim a', 'claim b', 'claim c', 'copies a,c']);
  });
});
