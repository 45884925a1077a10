import { describe, expect, test } from '@jest/globals';
import { journeyChunks } from '../../../local/datasets/gen-journeys.ts';
import { aggregate } from '../../../shared/datasets/aggregate.ts';
import { type Catalogue, ExtractBuilder } from '../../../shared/datasets/extract.ts';
import { readDataset } from '../../../shared/datasets/use-cases/datasets.ts';

// Expected values come from a direct computation over the records as JSON.parse reads each chunk
// of the generated file, with a textbook describe(); the code under test reads the whole file with
// its own reader and answers from its columnar extract.
const chunks = [...journeyChunks(400, 11)];
const records = chunks.map((c) => JSON.parse(c) as Record<string, any>);

/** `text` as a stream of small chunks: parts can only be cut between chunks. */
async function* streamOf(text: string) {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += 128) yield bytes.subarray(i, i + 128);
}

/** The extract of `text` in memory, written in parts of about `partBytes` (default: one part). */
const extractOf = async (text: string, partBytes?: number) => {
  const files = new Map<string, Uint8Array>();
  const { catalogue } = await readDataset(
    partBytes ? streamOf(text) : Buffer.from(text),
    async (name, bytes) => {
      files.set(name, Uint8Array.from(bytes));
    },
    partBytes,
  );
  return { catalogue, files };
};

const querying =
  (catalogue: Catalogue, files: Map<string, Uint8Array>) => (q: { field: string; group_by?: string }) =>
    aggregate(catalogue, q, async (name, range) => {
      const bytes = files.get(name);
      if (!bytes) throw new Error(`no object ${name}`);
      return range ? bytes.slice(range[0], range[1]) : bytes.slice();
    });

const build = async () => {
  const { catalogue, files } = await extractOf(chunks.join(''));
  return { catalogue, query: querying(catalogue, files) };
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
    const { catalogue, files } = await extractOf(JSON.stringify({ a: { x: 1 }, b: { x: 2, y: { z: 'q' } } }));
    const query = (field: string) => querying(catalogue, files)({ field });
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

describe('an extract written in parts', () => {
  // 400 records of ~1 KB make ~300 KB of columns: 16 KiB parts cut them into about twenty.
  const SMALL_PART = 16 * 1024;
  const QUERIES = [
    { field: 'events.event_duration' },
    { field: 'event_name' },
    { field: 'cti.num_agents' },
    { field: 'uuid' },
    { field: 'event_duration', group_by: 'event_name' },
    { field: 'event_duration', group_by: 'layer' },
    { field: 'event_name', group_by: 'cti.queue' },
    { field: 'session_duration', group_by: 'cti.num_agents' },
  ];

  test('answers every query exactly as the whole-file extract does', async () => {
    const whole = await extractOf(chunks.join(''));
    const parted = await extractOf(chunks.join(''), SMALL_PART);
    expect(whole.catalogue.parts).toHaveLength(1);
    expect(parted.catalogue.parts!.length).toBeGreaterThan(10);
    expect(parted.catalogue.paths.map(({ column, ...p }) => p)).toEqual(
      whole.catalogue.paths.map(({ column, ...p }) => p),
    );
    for (const q of QUERIES) {
      expect(await querying(parted.catalogue, parted.files)(q)).toEqual(
        await querying(whole.catalogue, whole.files)(q),
      );
    }
    // Still exact against the textbook on values spread over every part.
    const durations = records.flatMap((r) =>
      r.events.map((e: { event_duration: number }) => e.event_duration),
    );
    expectClose(
      await querying(parted.catalogue, parted.files)({ field: 'event_duration' }),
      textbook(durations),
    );
  });

  test('a categorical tie goes to the value seen first in the file, across parts', async () => {
    // "b" is seen first (part 0), "a" later; each occurs twice.
    const text = ['b', 'a', 'a', 'b'].map((v) => JSON.stringify({ v, pad: 'x'.repeat(200) })).join('\n');
    const { catalogue, files } = await extractOf(text, 256);
    expect(catalogue.parts!.length).toBeGreaterThan(1);
    expect(await querying(catalogue, files)({ field: 'v' })).toEqual({
      field: 'v',
      count: 4,
      unique: 2,
      top: 'b',
      freq: 2,
    });
  });

  test('a column that turns non-numeric in a later part is categorical throughout', async () => {
    const text = [1, 2, 3, 'x'].map((v) => JSON.stringify({ v, pad: 'x'.repeat(200) })).join('\n');
    const { catalogue, files } = await extractOf(text, 256);
    expect(await querying(catalogue, files)({ field: 'v' })).toEqual({
      field: 'v',
      count: 4,
      unique: 4,
      top: 1,
      freq: 1,
    });
  });

  test('the builder holds at most one part, whatever the file size', async () => {
    const partBytes = 64 * 1024;
    const builder = new ExtractBuilder(async () => {}, partBytes);
    let peak = 0;
    const big = [...journeyChunks(4000, 3)].map((c) => JSON.parse(c));
    for (const record of big) {
      builder.add(record);
      peak = Math.max(peak, builder.buffered);
      if (builder.full) await builder.flush();
    }
    const catalogue = await builder.finish();
    // A journey record adds a few KB at most past the threshold before the flush.
    expect(peak).toBeLessThan(partBytes + 8 * 1024);
    expect(catalogue.parts!.length).toBeGreaterThan(20);
    expect(catalogue.records).toBe(4000);
  });

  test('an extract written before parts existed (one unprefixed part) still answers', async () => {
    const { catalogue, files } = await extractOf(chunks.join(''));
    const part = files.get('parts/0')!;
    const legacyFiles = new Map(
      Object.entries(catalogue.sections![0]!).map(([name, [at, length]]) => [
        name,
        part.slice(at, at + length),
      ]),
    );
    const legacy: Catalogue = {
      records: catalogue.records,
      contexts: catalogue.contexts,
      paths: catalogue.paths.map((p) => {
        if (!p.column) return p;
        const { parts, ...column } = p.column;
        return { ...p, column };
      }),
    };
    for (const q of QUERIES) {
      expect(await querying(legacy, legacyFiles)(q)).toEqual(await querying(catalogue, files)(q));
    }
  });
});
