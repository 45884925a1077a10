import { describe, expect, test } from '@jest/globals';
import {
  checkEnvelopes,
  eventsOfBody,
  packMessages,
  queueJson,
  sendBatches,
} from '../../../shared/events/ingest.ts';
import type { IngestMessage } from '../../../shared/events/schemas.ts';

/** The characters SQS accepts in a message body, narrowed to the BMP as the local emulator does. */
const SQS_SAFE = /^[\t\n\r\u0020-\ud7ff\ue000-\ufffd]*$/;

const event = (i: number, extra: Record<string, unknown> = {}) => ({
  session_id: 's1',
  category: 'page interaction',
  name: 'pageview',
  data: { host: 'h', path: `/${i}` },
  timestamp: '2021-01-01 09:15:27',
  ...extra,
});

describe('eventsOfBody', () => {
  test('takes one event, an array or the events wrapper', () => {
    expect(eventsOfBody(event(1))).toEqual([event(1)]);
    expect(eventsOfBody([event(1), event(2)])).toHaveLength(2);
    expect(eventsOfBody({ events: [event(1)] })).toEqual([event(1)]);
  });

  test('answers 413 beyond 500 events and 400 for an empty list or a scalar', () => {
    expect(() => eventsOfBody(Array.from({ length: 501 }, (_, i) => event(i)))).toThrow(
      expect.objectContaining({ status: 413 }),
    );
    expect(eventsOfBody(Array.from({ length: 500 }, (_, i) => event(i)))).toHaveLength(500);
    expect(() => eventsOfBody([])).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => eventsOfBody('hello')).toThrow(expect.objectContaining({ code: 'validation_error' }));
  });
});

describe('checkEnvelopes', () => {
  test('keeps a client id, assigns one otherwise, and rejects malformed envelopes by index', () => {
    let n = 0;
    const { accepted, rejected } = checkEnvelopes(
      [event(0, { id: 'client-1' }), { ...event(1), data: 'x' }, event(2), 42, event(4, { id: 'bad id!' })],
      () => `gen-${n++}`,
    );
    expect(accepted.map(({ index, id }) => ({ index, id }))).toEqual([
      { index: 0, id: 'client-1' },
      { index: 2, id: 'gen-0' },
    ]);
    expect(rejected.map(({ index, errors }) => ({ index, paths: errors.map((e) => e.path) }))).toEqual([
      { index: 1, paths: ['data'] },
      { index: 3, paths: [''] },
      { index: 4, paths: ['id'] },
    ]);
  });

  test('rejects an event too large for one queue message', () => {
    const big = event(0, { data: { host: 'h', path: `/${'x'.repeat(210 * 1024)}` } });
    const { accepted, rejected } = checkEnvelopes([big], () => 'id');
    expect(accepted).toEqual([]);
    expect(rejected[0]?.errors[0]?.message).toMatch(/larger than/);
  });
});

describe('queue JSON', () => {
  const hostile = {
    nonCharacters: 'a\ufffeb\uffffc',
    emoji: 'smile \ud83d\ude00 and \u{1f680}',
    loneHigh: 'x\ud800y',
    loneLow: '\udfff',
    afterBackslash: '\\\ud83d\ude00',
    key: { '\uffff\ud83d\ude00': 1 },
    plain: 'é中\u0000"',
  };

  test('escapes what SQS refuses, and parses back to the same value', () => {
    const text = queueJson(hostile);
    expect(text).toMatch(SQS_SAFE);
    expect(JSON.parse(text)).toEqual(hostile);
    expect(text).toContain('smile \\ud83d\\ude00 and \\ud83d\\ude80');
    expect(text).toContain('a\\ufffeb\\uffffc');
  });

  test('leaves JSON without such characters as JSON.stringify writes it', () => {
    const value = { a: 'é中\ufffd\ud7ff\ue000', b: [1, null, true] };
    expect(queueJson(value)).toBe(JSON.stringify(value));
  });

  test('the size limit counts the escaped form: 20,000 emoji are 80 KB sent but 240 KB queued', () => {
    const emoji = event(0, { data: { host: 'h', path: '\ud83d\ude00'.repeat(20_000) } });
    expect(Buffer.byteLength(JSON.stringify(emoji))).toBeLessThan(100 * 1024);
    const { accepted, rejected } = checkEnvelopes([emoji, event(1)], () => 'id');
    expect(accepted.map((a) => a.index)).toEqual([1]);
    expect(rejected[0]?.errors[0]?.message).toMatch(/larger than/);
  });

  test('packed messages are SQS-safe and stay under the SQS limits once escaped', () => {
    const accepted = Array.from({ length: 60 }, (_, i) => ({
      index: i,
      id: `e${i}`,
      event: event(i, { data: { host: '\uffff', path: '\ud83d\ude00'.repeat(5_000) } }),
    }));
    const bodies = packMessages('app', '2024-01-01T00:00:00.000Z', accepted);
    for (const body of bodies) expect(body).toMatch(SQS_SAFE);
    expect(bodies.flatMap((b) => (JSON.parse(b) as IngestMessage).events.map((e) => e.event))).toEqual(
      accepted.map((a) => a.event),
    );
    for (const batch of sendBatches(bodies)) {
      expect(batch.reduce((sum, b) => sum + Buffer.byteLength(b), 0)).toBeLessThanOrEqual(256 * 1024);
    }
  });
});

describe('packing', () => {
  test('puts every event in exactly one message, each well under the SQS limit', () => {
    const accepted = Array.from({ length: 500 }, (_, i) => ({
      index: i,
      id: `e${i}`,
      event: event(i, { data: { host: 'h', path: `/${'p'.repeat(1500)}` } }),
    }));
    const bodies = packMessages('app', '2024-01-01T00:00:00.000Z', accepted);
    const messages = bodies.map((b) => JSON.parse(b) as IngestMessage);
    expect(messages.flatMap((m) => m.events.map((e) => e.id))).toEqual(accepted.map((a) => a.id));
    expect(messages.every((m) => m.application_id === 'app')).toBe(true);
    expect(Math.max(...bodies.map((b) => Buffer.byteLength(b)))).toBeLessThan(80 * 1024);
    const batches = sendBatches(bodies);
    expect(batches.flat()).toEqual(bodies);
    for (const batch of batches) {
      expect(batch.length).toBeLessThanOrEqual(10);
      expect(batch.reduce((sum, b) => sum + Buffer.byteLength(b), 0)).toBeLessThanOrEqual(256 * 1024);
    }
  });
});
