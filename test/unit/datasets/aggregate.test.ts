import { describe, expect, test } from '@jest/globals';
import { journeyChunks } from '../../../local/datasets/gen-journeys.ts';
import { aggregate } from '../../../shared/datasets/aggregate.ts';
import { ExtractBuilder } from '../../../shared/datasets/extract.ts';
import { readRecords } from '../../../shared/datasets/reader.ts';

// Expected values come from a direct computation over the records as JSON.parse reads each chunk
// of the generated file, with a textbook describe(); the code under test reads the whole file with
// its own reader and answers from its columnar extract.
const chunks = [...journeyChunks(400, 11)];
const records = chunks.map((c) => JSON.parse(c) as Record<string, any>);

const build = async () => {
  const builder = new ExtractBuilder();
  await readRecords(Buffer.from(chunks.join('')), (r) => builder.add(r));
  const { catalogue, files } = builder.build();
  return {
    catalogue,
    query: (q: { field: string; group_by?: string }) =>
      aggregate(catalogue, q, async (n) => files.get(n)!.slice()),
  };
};

const textbook = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  const mean = s.reduce((a, b) => a + b, 0) / n;
  const q = (p: number) => {
    const h = (n - 1) * p;
    return s[Math.floor(h)]! + (h - Math.floor(h)) * (s[Math.ceil(h)]! - s[Math.floor(h)]!);
  };
  const std = Math.sqrt(s.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  return { count: n, mean, std, min: s[0], p25: q(0.25), p50: q(0.5), p75: q(0.75), max: s[n - 1] };
};

const expectClose = (actual: object, expected: Record<string, unknown>) => {
  for (const [k, v] of Object.entries(expected)) {
    if (typeof v === 'number') expect((actual as Record<string, number>)[k]).toBeCloseTo(v, 9);
    else expect((actual as Record<string, unknown>)[k]).toEqual(v);
  }
};

describe('aggregate over the columnar extract', () => {
  test('an event-level field flattens every event of every record', async () => {
    const { query } = await build();
    const durations = records.flatMap((r) =>
      r.events.map((e: { event_duration: number }) => e.event_duration),
    );
    const out = await query({ field: 'events.event_duration' });
    expect(out.field).toBe('events.event_duration');
    expectClose(out, textbook(durations));
  });

  test('a bare name and a dotted key holding numeric strings resolve to their full paths', async () => {
    const { query } = await build();
    const agents = records.map((r) => Number(r.session_attributes['cti.num_agents']));
    const out = await query({ field: 'cti.num_agents' });
    expect(out.field).toBe('session_attributes.cti.num_agents');
    expectClose(out, textbook(agents));
    const waits = records.flatMap((r) => r.session_attributes['cti.wait_seconds'] ?? []).map(Number);
    expectClose(await query({ field: 'cti.wait_seconds' }), textbook(waits));
  });

  test('a session-level field counts each record once', async () => {
    const { query } = await build();
    expectClose(await query({ field: 'session_duration' }), textbook(records.map((r) => r.session_duration)));
  });

  test('a string field gets count, unique, top and freq', async () => {
    const { query } = await build();
    const names = records.flatMap((r) => r.events.map((e: { event_name: string }) => e.event_name));
    const counts = new Map<string, number>();
    for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
    const freq = Math.max(...counts.values());
    const top = names.find((n) => counts.get(n) === freq);
    expect(await query({ field: 'event_name' })).toEqual({
      field: 'events.event_name',
      count: names.length,
      unique: counts.size,
      top,
      freq,
    });
  });

  test('group_by takes the key from the same event, or from the record for a session field', async () => {
    const { query } = await build();
    const byEvent = await query({ field: 'event_duration', group_by: 'event_name' });
    if (!('groups' in byEvent)) throw new Error('expected groups');
    const names = [
      ...new Set(records.flatMap((r) => r.events.map((e: { event_name: string }) => e.event_name))),
    ].sort();
    expect(byEvent.groups.map((g) => g.key)).toEqual(names);
    for (const group of byEvent.groups) {
      const values = records.flatMap((r) =>
        r.events
          .filter((e: { event_name: string }) => e.event_name === group.key)
          .map((e: { event_duration: number }) => e.event_duration),
      );
      expectClose(group, textbook(values));
    }
    const byLayer = await query({ field: 'event_duration', group_by: 'layer' });
    if (!('groups' in byLayer)) throw new Error('expected groups');
    for (const group of byLayer.groups) {
      const values = records
        .filter((r) => r.layer === group.key)
        .flatMap((r) => r.events.map((e: { event_duration: number }) => e.event_duration));
      expectClose(group, textbook(values));
    }
  });

  test('group keys that are numeric strings sort by value', async () => {
    const { query } = await build();
    const out = await query({ field: 'session_duration', group_by: 'cti.num_agents' });
    if (!('groups' in out)) throw new Error('expected groups');
    const keys = out.groups.map((g) => Number(g.key));
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    expect(out.groups.reduce((a, g) => a + g.count, 0)).toBe(records.length);
  });

  test('a group_by inside an array that does not hold the field is refused', async () => {
    const { query } = await build();
    await expect(query({ field: 'session_duration', group_by: 'event_name' })).rejects.toMatchObject({
      status: 400,
    });
  });

  test('a bare name matches whole keys only: `queue` is not the end of the key `cti.queue`', async () => {
    const { query } = await build();
    expect((await query({ field: 'queue' })).field).toBe('events.event_attributes.queue');
  });

  test('ambiguous, unknown and object-only fields are 400 with candidates', async () => {
    const builder = new ExtractBuilder();
    builder.add({ a: { x: 1 }, b: { x: 2, y: { z: 'q' } } });
    const { catalogue, files } = builder.build();
    const query = (field: string) => aggregate(catalogue, { field }, async (n) => files.get(n)!.slice());
    await expect(query('x')).rejects.toMatchObject({
      status: 400,
      details: [expect.objectContaining({ candidates: ['a.x', 'b.x'] })],
    });
    await expect(query('nope')).rejects.toMatchObject({ status: 400 });
    await expect(query('y')).rejects.toMatchObject({
      status: 400,
      details: [expect.objectContaining({ candidates: ['b.y.z'] })],
    });
    expect(await query('y.z')).toEqual({ field: 'b.y.z', count: 1, unique: 1, top: 'q', freq: 1 });
  });

  test('the catalogue gives each path its type and non-null count', async () => {
    const { catalogue } = await build();
    const field = (path: string) => catalogue.paths.find((p) => p.path === path);
    const events = records.reduce((a, r) => a + r.events.length, 0);
    expect(field('events')).toMatchObject({ type: 'array', count: records.length });
    expect(field('events.event_duration')).toMatchObject({ type: 'number', count: events });
    expect(field('session_attributes.cti.num_agents')).toMatchObject({
      type: 'string',
      count: records.length,
    });
    expect(field('events.event_attributes')).toMatchObject({ type: 'object', count: events });
  });
});
