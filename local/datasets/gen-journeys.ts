import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';

// `npm run gen:journeys -- --records 10000 --out journeys.json [--seed 42]`: a deterministic synthetic
// export shaped like the call-center "journey" files: session records concatenated one after another,
// most on one line, about a third pretty-printed, some glued together with no whitespace at all.

/** mulberry32: a tiny seeded PRNG, so the same seed always gives the same bytes. */
export const prng = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const QUEUES = ['billing', 'support', 'sales', 'retention', 'tech'];
const LANGUAGES = ['en', 'es', 'fr', 'de'];
const LAYERS = ['web', 'ivr', 'chat'];
const EVENTS = ['menu_select', 'input_collected', 'transfer', 'hold', 'hangup', 'survey'];
const INPUTS = ['account_number', 'zip_code', 'date_of_birth', 'pin'];

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const datetime = (epoch: number) => {
  const d = new Date(epoch * 1000);
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1, 2)}/${pad(d.getUTCDate(), 2)} ${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)} +0000`;
};

export const journeyRecord = (random: () => number, index: number) => {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const start = 1396310400 + Math.floor(index * 37 + random() * 30);
  const steps = 1 + Math.floor(random() * 7);
  let clock = start + 1 + Math.floor(random() * 3);
  const queue = pick(QUEUES);
  const events = Array.from({ length: steps }, (_, k) => {
    const name = k === steps - 1 ? pick(['transfer', 'hangup', 'survey']) : pick(EVENTS);
    const duration = Math.round(random() * random() * 6000) / 10;
    const attributes: Record<string, string> =
      name === 'menu_select'
        ? { menu: pick(QUEUES) }
        : name === 'input_collected'
          ? { input: pick(INPUTS) }
          : name === 'transfer'
            ? { queue }
            : {};
    const event = {
      event_name: name,
      event_duration: duration,
      event_epoch: clock,
      event_attributes: attributes,
      event_seqid: k + 1,
    };
    clock += Math.ceil(duration);
    return event;
  });
  const sessionAttributes: Record<string, string> = {
    'cti.num_agents': String(1 + Math.floor(random() * 12)),
    'cti.queue': queue,
    'ivr.language': pick(LANGUAGES),
  };
  if (random() < 0.3) sessionAttributes['cti.wait_seconds'] = (random() * 300).toFixed(1);
  return {
    session_start_epoch: start,
    layer: pick(LAYERS),
    session_duration: clock - start,
    uuid: `5a2e1f0c-${pad(index % 65536, 4)}-4b1e-9b6c-${pad(Math.floor(random() * 1e12), 12)}`,
    session_steps: steps,
    events,
    session_attributes: sessionAttributes,
    filter_results: random() < 0.2 ? ['abandoned'] : [],
    visitor_key: `v-${pad(Math.floor(random() * 5000), 6)}`,
    session_start_datetime: datetime(start),
    path_results: [events.map((e) => e.event_name).join('>')],
  };
};

/** The file's text, record by record, with the framing variations described above. */
export function* journeyChunks(records: number, seed = 42): Generator<string> {
  const random = prng(seed);
  for (let i = 0; i < records; i++) {
    const record = journeyRecord(random, i);
    const style = random();
    if (style < 0.33) yield `${JSON.stringify(record, null, 2)}\n`;
    else if (style < 0.4) yield JSON.stringify(record);
    else yield `${JSON.stringify(record)}\n`;
  }
}

export const writeJourneys = async (out: string, records: number, seed = 42, progress = false) => {
  const stream = createWriteStream(out);
  let bytes = 0;
  let n = 0;
  for (const chunk of journeyChunks(records, seed)) {
    bytes += Buffer.byteLength(chunk);
    if (!stream.write(chunk)) await once(stream, 'drain');
    if (progress && ++n % 10_000 === 0) process.stderr.write(`\r  ${n}/${records} records`);
  }
  stream.end();
  await once(stream, 'finish');
  if (progress) process.stderr.write('\n');
  return bytes;
};

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '10000' },
      out: { type: 'string' },
      seed: { type: 'string', default: '42' },
    },
  });
  const records = Number(values.records);
  if (!values.out || !Number.isInteger(records) || records < 1) {
    console.error('usage: npm run gen:journeys -- --records 10000 --out <file> [--seed 42]');
    process.exit(2);
  }
  const bytes = await writeJourneys(values.out, records, Number(values.seed), true);
  console.log(`wrote ${records} journey records (${(bytes / 1e6).toFixed(1)} MB) to ${values.out}`);
}
