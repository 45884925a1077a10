// An independent computation of what the bus API must report, straight from the reference server:
// JSON.parse of each city-day, a regular expression for the delays, BigInt sums.

interface Departure {
  passengers: number;
  delay: string;
  accident: boolean;
}

const delayNs = (text: string): bigint => {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d+))?S)?)?$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  const [d, h, min, s, f] = [m[1], m[2], m[3], m[4], m[5]].map((x) => x ?? '0') as string[];
  const seconds = ((BigInt(d!) * 24n + BigInt(h!)) * 60n + BigInt(min!)) * 60n + BigInt(s!);
  return seconds * 1_000_000_000n + BigInt(f!.padEnd(9, '0'));
};

// The reference server may be told to fail a share of calls; the independent reading retries each one.
const fetchText = async (url: string): Promise<string> => {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(url);
    if (res.ok) return res.text();
    if (attempt >= 100) throw new Error(`${url} kept failing: ${res.status}`);
  }
};

export const expectedStats = async (sourceUrl: string, date: string, skipCities: number[] = []) => {
  const cities = JSON.parse(await fetchText(`${sourceUrl}/cities`)) as { id: number; country: string }[];
  const byCountry = new Map<string, { n: number; passengers: number; accident: boolean; ns: bigint }>();
  let records = 0;
  let bytes = 0;
  for (const city of cities) {
    if (skipCities.includes(city.id)) continue;
    const text = await fetchText(`${sourceUrl}/cities/${city.id}/stats?date=${date}`);
    bytes += Buffer.byteLength(text);
    const rows = JSON.parse(text) as Departure[];
    records += rows.length;
    const c = byCountry.get(city.country) ?? { n: 0, passengers: 0, accident: false, ns: 0n };
    for (const row of rows) {
      c.n++;
      c.passengers += row.passengers;
      c.accident ||= row.accident;
      c.ns += delayNs(row.delay);
    }
    byCountry.set(city.country, c);
  }
  const stats = [...byCountry.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([country, c]) => ({
      date,
      country,
      buses_started: c.n,
      total_passengers: c.passengers,
      accident: c.accident,
      average_delay_minutes: Number(c.ns) / 60e9 / c.n,
    }));
  return { stats, records, bytes };
};
