import type { Readable } from 'node:stream';
import { datesBetween } from './dates.ts';
import { DepartureScanner, type DepartureTotals } from './departures.ts';
import { type CityDay, cityDaysOf, openObject } from './repository.ts';
import type { CountryDay } from './schemas.ts';

// Per-country daily statistics, computed from the stored files on every request: each file is streamed
// through the departure scanner, a few at a time, and only running totals are kept.

const DATE_QUERIES = 8;
const FILE_READS = 6;

/** Runs `work` over `items` with at most `limit` at once, keeping the order of the results. */
export const mapBounded = async <T, R>(items: T[], limit: number, work: (item: T) => Promise<R>) => {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};

export const totalsOfStream = async (stream: Readable): Promise<DepartureTotals> => {
  const scanner = new DepartureScanner();
  for await (const chunk of stream) scanner.push(chunk as Uint8Array);
  return scanner.end();
};

const NS_PER_MINUTE = 60_000_000_000;

/** Adds up the files of each country and date; sorted by date, then country. */
export const combineCountryDays = (files: { file: CityDay; totals: DepartureTotals }[]): CountryDay[] => {
  const groups = new Map<string, { date: string; country: string; sum: DepartureTotals }>();
  for (const { file, totals } of files) {
    const key = `${file.date}\0${file.country}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        date: file.date,
        country: file.country,
        sum: { departures: 0, passengers: 0, accident: false, delayMs: 0, delayNs: 0 },
      };
      groups.set(key, group);
    }
    const sum = group.sum;
    sum.departures += totals.departures;
    sum.passengers += totals.passengers;
    sum.accident ||= totals.accident;
    sum.delayMs += totals.delayMs;
    sum.delayNs += totals.delayNs;
  }
  return [...groups.values()]
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.country < b.country ? -1 : 1))
    .map(({ date, country, sum }) => {
      // The exact total in nanoseconds (BigInt), divided exactly before going to floating point.
      const delayNs = BigInt(sum.delayMs) * 1_000_000n + BigInt(sum.delayNs);
      const n = BigInt(Math.max(sum.departures, 1));
      const meanNs = Number(delayNs / n) + Number(delayNs % n) / Number(n);
      return {
        date,
        country,
        buses_started: sum.departures,
        total_passengers: sum.passengers,
        accident: sum.accident,
        average_delay_minutes: meanNs / NS_PER_MINUTE,
      };
    });
};

export const countryStats = async (from: string, to: string) => {
  const dates = datesBetween(from, to);
  const perDate = await mapBounded(dates, DATE_QUERIES, cityDaysOf);
  const files = perDate.flat();
  const totals = await mapBounded(files, FILE_READS, async (file) => ({
    file,
    totals: await totalsOfStream(await openObject(file.key)),
  }));
  const withData = new Set(files.map((f) => f.date));
  return {
    from,
    to,
    stats: combineCountryDays(totals),
    missing_dates: dates.filter((d) => !withData.has(d)),
  };
};
