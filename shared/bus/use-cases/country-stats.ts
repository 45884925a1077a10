import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import { isMainThread, type MessagePort, parentPort, Worker, workerData } from 'node:worker_threads';
import { mapBounded } from '../../core/concurrency.ts';
import { rangeTooLarge } from '../../core/errors.ts';
import { type CityDay, cityDaysOf, openObject } from '../city-days.ts';
import { datesBetween } from '../dates.ts';
import { DepartureScanner, type DepartureTotals } from '../departures.ts';
import type { CountryDay, CountryStats } from '../schemas.ts';

// Per-country daily statistics, computed from the stored files on every request: each file is streamed
// through the departure scanner, a few at a time, and only running totals are kept. With more than one
// CPU the files are spread over a pool of worker threads, each doing its own GetObject and scan and
// answering with the file's exact totals. The pool runs this very module again in each worker, so the
// single-file Lambda bundle needs nothing beside it; wherever a worker cannot start, or dies, the main
// thread reads the files itself.

const DATE_QUERIES = 8;
/** Files read at once on the main thread. */
const FILE_READS = 6;
/** Files in flight per worker: while one is scanned, the others are already on the way. */
const FILES_PER_WORKER = 6;
const MAX_WORKERS = 8;
const WORKER_ROLE = 'bus-country-stats';

export const totalsOfStream = async (stream: Readable): Promise<DepartureTotals> => {
  const scanner = new DepartureScanner();
  for await (const chunk of stream) scanner.push(chunk as Uint8Array);
  return scanner.end();
};

/** The exact totals of one stored file, read on this thread. */
export const totalsOfObject = async (key: string) => totalsOfStream(await openObject(key));

// ---- worker pool ----

type Request = { id: number; key: string };
type Reply = { ready: true } | { id: number; totals: DepartureTotals } | { id: number; error: string };

interface Task {
  key: string;
  resolve: (totals: DepartureTotals) => void;
  reject: (err: unknown) => void;
}

class ScanWorker {
  readonly tasks = new Map<number, Task>();
  /** Set once the worker has loaded this module: a failure before that means workers cannot run here. */
  ready = false;
  private dead = false;
  private nextId = 0;
  private readonly worker: Worker;

  constructor(onDeath: (worker: ScanWorker, orphans: Task[]) => void) {
    this.worker = new Worker(new URL(import.meta.url), { workerData: { role: WORKER_ROLE } });
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => {
      if ('ready' in reply) {
        this.ready = true;
        return;
      }
      const task = this.tasks.get(reply.id);
      if (!task) return;
      this.tasks.delete(reply.id);
      if (this.tasks.size === 0) this.worker.unref();
      if ('totals' in reply) task.resolve(reply.totals);
      else task.reject(new Error(reply.error));
    });
    const die = () => {
      if (this.dead) return;
      this.dead = true;
      const orphans = [...this.tasks.values()];
      this.tasks.clear();
      onDeath(this, orphans);
    };
    this.worker.on('error', die);
    this.worker.on('exit', die);
  }

  scan(task: Task) {
    const id = this.nextId++;
    this.tasks.set(id, task);
    // Referenced only while it has work, so an idle pool never keeps the process alive.
    this.worker.ref();
    this.worker.postMessage({ id, key: task.key } satisfies Request);
  }

  stop() {
    this.dead = true;
    void this.worker.terminate();
  }
}

/** The pool: undefined until first used, null where workers cannot run (one CPU, or no worker support). */
let pool: ScanWorker[] | null | undefined;

const onDeath = (dead: ScanWorker, orphans: Task[]) => {
  if (!dead.ready) {
    for (const worker of pool ?? []) worker.stop();
    pool = null;
  } else if (pool) {
    pool = pool.filter((w) => w !== dead);
    if (pool.length === 0) pool = undefined;
  }
  for (const task of orphans) totalsOfObject(task.key).then(task.resolve, task.reject);
};

const workers = (): ScanWorker[] | null => {
  if (pool === undefined) {
    const size = Math.min(availableParallelism(), MAX_WORKERS);
    pool = null;
    if (size > 1) pool = Array.from({ length: size }, () => new ScanWorker(onDeath));
  }
  return pool;
};

/** The totals of each file, in order: in the worker pool, or on this thread where there is none. */
const totalsOfFiles = async (keys: string[]): Promise<DepartureTotals[]> => {
  // A range with nothing stored is common (missing dates): no reason to start the pool for it.
  if (keys.length === 0) return [];
  const available = workers();
  if (!available) return mapBounded(keys, FILE_READS, totalsOfObject);
  return mapBounded(keys, available.length * FILES_PER_WORKER, (key) => {
    const current = workers();
    if (!current) return totalsOfObject(key);
    const idlest = current.reduce((a, b) => (b.tasks.size < a.tasks.size ? b : a));
    return new Promise<DepartureTotals>((resolve, reject) => idlest.scan({ key, resolve, reject }));
  });
};

const serveScans = (port: MessagePort) => {
  port.on('message', async ({ id, key }: Request) => {
    let reply: Reply;
    try {
      reply = { id, totals: await totalsOfObject(key) };
    } catch (err) {
      reply = { id, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    }
    port.postMessage(reply);
  });
  port.postMessage({ ready: true } satisfies Reply);
};

// ---- statistics ----

const NS_PER_MINUTE = 60_000_000_000;

/** A file's exact totals with the country and date they count for. */
export interface FileTotals {
  date: string;
  country: string;
  totals: DepartureTotals;
}

/** Adds up the files of each country and date; sorted by date, then country. */
export const combineCountryDays = (files: FileTotals[]): CountryDay[] => {
  const groups = new Map<string, { date: string; country: string; sum: DepartureTotals }>();
  for (const { date, country, totals } of files) {
    const key = `${date}\0${country}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        date,
        country,
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

/**
 * The body of GET /country-stats for a range, given the totals of its files: the synchronous route and
 * the merge of an asynchronous query both answer through it, so their results are the same bytes.
 */
export const statsOfRange = (from: string, to: string, files: FileTotals[]): CountryStats => {
  const withData = new Set(files.map((f) => f.date));
  return {
    from,
    to,
    stats: combineCountryDays(files),
    missing_dates: datesBetween(from, to).filter((d) => !withData.has(d)),
  };
};

/** The stored files of every date of a range, in date order. */
export const filesOfRange = async (from: string, to: string): Promise<CityDay[]> =>
  (await mapBounded(datesBetween(from, to), DATE_QUERIES, cityDaysOf)).flat();

export const sumBytes = (files: Pick<CityDay, 'bytes'>[]) => files.reduce((sum, f) => sum + f.bytes, 0);

/**
 * The statistics of a range, synchronously, as long as its files fit `maxBytes`: beyond that the scan
 * cannot end within API Gateway's 30 s, and the caller is sent to the asynchronous route.
 */
export const countryStats = async (from: string, to: string, maxBytes: number): Promise<CountryStats> => {
  const files = await filesOfRange(from, to);
  const bytes = sumBytes(files);
  if (bytes > maxBytes) {
    throw rangeTooLarge(
      `The stored files of ${from}..${to} hold ${bytes} bytes, more than the ${maxBytes} this route scans ` +
        'within its time limit: use POST /country-stats/queries, which computes the same statistics ' +
        'asynchronously.',
    );
  }
  const totals = await totalsOfFiles(files.map((f) => f.key));
  return statsOfRange(
    from,
    to,
    files.map((f, i) => ({ date: f.date, country: f.country, totals: totals[i]! })),
  );
};

if (!isMainThread && workerData?.role === WORKER_ROLE && parentPort) serveScans(parentPort);
