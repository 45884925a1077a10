import { DepartureScanner, type DepartureTotals, InvalidDepartures } from '../../../shared/bus/departures.ts';
import type { Prng } from '../../reliability/inputs.ts';

// Departure files for the scanner's tests: an independent reading of them (JSON.parse and a regular
// expression for the durations, exact in BigInt nanoseconds), and a generator of the many ways valid
// JSON can spell the same departures.

/** The strict duration grammar, written independently of shared/bus/duration.ts. */
const DURATION =
  /^P(?!$)(?:(\d{1,12})D)?(?:T(?=\d)(?:(\d{1,12})H)?(?:(\d{1,12})M)?(?:(\d{1,12})(?:[.,](\d{1,9}))?S)?)?$/;
const MAX_SAFE_MS = BigInt(Number.MAX_SAFE_INTEGER);

const durationNs = (text: unknown): bigint | undefined => {
  const m = typeof text === 'string' ? DURATION.exec(text) : null;
  if (!m) return undefined;
  const [d, h, min, s, f] = [m[1], m[2], m[3], m[4], m[5]].map((x) => x ?? '0');
  const seconds = ((BigInt(d!) * 24n + BigInt(h!)) * 60n + BigInt(min!)) * 60n + BigInt(s!);
  const ns = seconds * 1_000_000_000n + BigInt(f!.padEnd(9, '0'));
  return ns / 1_000_000n > MAX_SAFE_MS ? undefined : ns;
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What the scanner must answer for these bytes: their totals, or 'invalid'. */
export const expectedTotals = (bytes: Uint8Array): DepartureTotals | 'invalid' => {
  let rows: unknown;
  try {
    rows = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return 'invalid';
  }
  if (!Array.isArray(rows)) return 'invalid';
  let passengers = 0;
  let delayNs = 0n;
  let accident = false;
  for (const row of rows) {
    if (!isObject(row)) return 'invalid';
    const ns = durationNs(row.delay);
    const count = row.passengers;
    if (ns === undefined || typeof row.accident !== 'boolean') return 'invalid';
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) return 'invalid';
    passengers += count;
    delayNs += ns;
    accident ||= row.accident;
  }
  return {
    departures: rows.length,
    passengers,
    accident,
    delayMs: Number(delayNs / 1_000_000n),
    delayNs: Number(delayNs % 1_000_000n),
  };
};

/** The scanner's answer for these bytes pushed in the given chunks: totals, or 'invalid'. */
export const scannedTotals = (bytes: Uint8Array, boundaries: number[]): DepartureTotals | 'invalid' => {
  const scanner = new DepartureScanner();
  try {
    let from = 0;
    for (const to of [...boundaries, bytes.length]) {
      scanner.push(bytes.subarray(from, to));
      from = to;
    }
    return scanner.end();
  } catch (err) {
    if (err instanceof InvalidDepartures) return 'invalid';
    throw err;
  }
};

export interface Departure {
  'departure-time': string;
  'bus-type': string;
  passengers: number;
  delay: string;
  accident: boolean;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A departure with values in every form the contract allows (not only the upstream's). */
export const randomDeparture = (rng: Prng): Departure => {
  const [h, m, s] = [rng.int(24), rng.int(60), rng.int(60)];
  const time = rng.next() < 0.8 ? `2024-03-01T${pad(h)}:${pad(m)}:${pad(s)}` : rng.unicode(rng.int(30));
  const bus = rng.next() < 0.8 ? `BUS-${100 + rng.int(14)}` : rng.pick(['', 'é"\\/\n\u2028', rng.unicode(9)]);
  return {
    'departure-time': time,
    'bus-type': bus,
    passengers: rng.next() < 0.95 ? rng.int(120) : rng.int(1e9),
    delay: randomDelay(rng),
    accident: rng.next() < 0.2,
  };
};

const randomDelay = (rng: Prng): string => {
  const n = () => String(rng.pick([0, rng.int(10), rng.int(60), rng.int(100_000)]));
  const style = rng.int(6);
  if (style === 0) return `P0DT${n()}H${n()}M${n()}S`;
  if (style === 1) return rng.pick(['PT0S', 'P0D', 'P1D', 'PT0M', 'PT00000000001H']);
  const fraction =
    rng.next() < 0.3 ? `${rng.pick(['.', ','])}${String(rng.int(1e9)).slice(0, 1 + rng.int(9))}` : '';
  const parts = [
    rng.next() < 0.2 ? `${n()}D` : '',
    rng.next() < 0.5 ? `${n()}H` : '',
    rng.next() < 0.7 ? `${n()}M` : '',
    rng.next() < 0.5 || fraction ? `${n()}${fraction}S` : '',
  ];
  const time = parts.slice(1).join('');
  const text = `P${parts[0]}${time ? `T${time}` : ''}`;
  return text === 'P' ? 'PT0S' : text;
};

/** The upstream's own spelling of a departure, as local/bus/ref-server.ts writes it. */
export const usualRecord = (d: Departure) =>
  `{"departure-time": ${JSON.stringify(d['departure-time'])}, "bus-type": ${JSON.stringify(d['bus-type'])}, "passengers": ${d.passengers}, "delay": ${JSON.stringify(d.delay)}, "accident": ${d.accident}}`;

/** Other spellings of the same whole number in JSON: 57.0, 5.7e1, 570E-1, -0... */
const numberSpelling = (rng: Prng, n: number): string => {
  const digits = String(n);
  switch (rng.int(7)) {
    case 0:
      return `${digits}.${'0'.repeat(1 + rng.int(3))}`;
    case 1:
      return digits.length > 1 ? `${digits[0]}.${digits.slice(1)}e${digits.length - 1}` : `${digits}e0`;
    case 2:
      return `${digits}0${rng.pick(['e', 'E'])}-1`;
    case 3:
      return `${digits}${rng.pick(['e', 'E'])}${rng.pick(['', '+', '-'])}0`;
    case 4:
      return n === 0 ? rng.pick(['-0', '-0.0', '0e5', '-0E-3']) : `${digits}.0e+0`;
    default:
      return digits;
  }
};

const unicodeEscape = (rng: Prng, code: number) => {
  const hex = code.toString(16).padStart(4, '0');
  return `\\u${rng.next() < 0.5 ? hex : hex.toUpperCase()}`;
};

/** A string literal with some of its characters written as escapes (\u0079, \/, a surrogate pair). */
const stringSpelling = (rng: Prng, text: string, rate: number): string => {
  let out = '"';
  for (const ch of text) {
    if (rng.next() >= rate) out += JSON.stringify(ch).slice(1, -1);
    else if (ch === '/' && rng.next() < 0.5) out += '\\/';
    else for (let i = 0; i < ch.length; i++) out += unicodeEscape(rng, ch.charCodeAt(i));
  }
  return `${out}"`;
};

const WHITESPACE = ['', ' ', '  ', '\n', '\t', '\r\n', ' \n\t '];

/** Some JSON value to put under a key the scanner does not know: nested, with tricky strings. */
const randomValue = (rng: Prng, depth: number): string => {
  const kind = depth > 3 ? rng.int(4) : rng.int(6);
  if (kind === 0)
    return stringSpelling(rng, rng.pick(['}', ']', '"', '\\', '{"delay": "PT1M"}', rng.unicode(5)]), 0.3);
  if (kind === 1) return rng.pick(['-12.5e-3', '0', '1E+400', '3.14', '-0', '12345678901234567890']);
  if (kind === 2) return rng.pick(['true', 'false', 'null']);
  if (kind === 3) return rng.pick(['[]', '{}', '[[]]']);
  const items = Array.from({ length: rng.int(4) }, () => randomValue(rng, depth + 1));
  if (kind === 4) return `[${items.join(`,${rng.pick(WHITESPACE)}`)}]`;
  const keys = ['passengers', 'delay', 'accident', 'x', ''];
  return `{${items.map((v) => `${stringSpelling(rng, rng.pick(keys), 0.2)}:${v}`).join(',')}}`;
};

/**
 * The same departure spelled another way: keys reordered, escaped or repeated (JSON.parse keeps the last),
 * whitespace anywhere it may go, numbers in other forms, unknown keys with nested values.
 */
export const variantRecord = (rng: Prng, d: Departure): string => {
  const space = () => (rng.next() < 0.5 ? rng.pick(WHITESPACE) : rng.pick(['', ' ']));
  const escapes = rng.next() < 0.3 ? 0.3 : 0;
  const value = (key: keyof Departure) => {
    const v = d[key];
    if (typeof v === 'number') return rng.next() < 0.5 ? numberSpelling(rng, v) : String(v);
    if (typeof v === 'boolean') return String(v);
    return stringSpelling(rng, v, escapes);
  };
  const members: [string, string][] = (Object.keys(d) as (keyof Departure)[]).map((k) => [k, value(k)]);
  if (rng.next() < 0.3) members.sort(() => rng.next() - 0.5);
  if (rng.next() < 0.3) {
    // An earlier duplicate, valid or not, that the last one overrides.
    const [key] = rng.pick(members.slice(2));
    const earlier = rng.pick(['12', '"PT5M"', 'true', 'null', '"x"', '[1, {"a": 2}]', '-3', '1.5']);
    members.splice(rng.int(members.findIndex(([k]) => k === key) + 1), 0, [key, earlier]);
  }
  for (let i = rng.int(3); i > 0; i--) {
    members.splice(rng.int(members.length + 1), 0, [
      rng.pick(['note', 'extra', 'delays', 'Delay']),
      randomValue(rng, 0),
    ]);
  }
  const body = members
    .map(([k, v]) => `${space()}${stringSpelling(rng, k, escapes)}${space()}:${space()}${v}${space()}`)
    .join(',');
  return `{${body}}`;
};

/** A whole file: records in the usual layout and others, separated as JSON allows. */
export const departureFile = (rng: Prng, records: number, usualShare: number): string => {
  const items = Array.from({ length: records }, () => {
    const d = randomDeparture(rng);
    return rng.next() < usualShare ? usualRecord(d) : variantRecord(rng, d);
  });
  const separator = () => (rng.next() < 0.8 ? ', ' : `${rng.pick(WHITESPACE)},${rng.pick(WHITESPACE)}`);
  const edge = () => (rng.next() < 0.8 ? '' : rng.pick(WHITESPACE));
  return `${edge()}[${edge()}${items.map((item, i) => (i ? separator() : '') + item).join('')}${edge()}]${edge()}`;
};
