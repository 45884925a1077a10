import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { DepartureTotals } from '../shared/bus/departures.ts';

// The country-stats work measured straight on the stored files, apart from the local runtime (its HTTP
// adapter, emulators and threads are being changed by others): each measurement runs in a process of its
// own, so its peak RSS is that work's alone. bench/bus.ts calls `measureScanner` and `measureStats`; the
// handler's modules are loaded only in those processes (they read env when first imported, and the
// benchmark's own process hosts the local stack, whose handlers must see the stack's env).
//   scanner: one thread, the files one after the other, each streamed from disk in 64 KiB chunks (about
//            what an S3 body delivers) through the handler's own totalsOfStream; also merely reading them,
//            and scanning chunks already in memory, to show how near the bound the scanner is.
//   stats:   the whole GET /country-stats computation over the files with N worker threads (as many as
//            DuckDB uses), combined by the handler's own combineCountryDays.

export interface StoredFile {
  path: string;
  date: string;
  cityId: number;
  country: string;
}

const CHUNK = 64 * 1024;
const WORKER_ROLE = 'bench-bus-scan';

const bytesOfFiles = async (files: StoredFile[]) => {
  let bytes = 0;
  for (const f of files) bytes += (await readFile(f.path)).length;
  return bytes;
};

const seconds = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
};

/** CPU seconds (all threads of this process) that `work` took: a figure that other load barely moves. */
const cpuSeconds = async (work: () => Promise<unknown>) => {
  const before = process.cpuUsage();
  await work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
};

const handler = () => import('../shared/bus/country-stats.ts');

const scanFile = async (path: string) =>
  (await handler()).totalsOfStream(createReadStream(path, { highWaterMark: CHUNK }));

const readFileOnly = async (path: string) => {
  for await (const _ of createReadStream(path, { highWaterMark: CHUNK }));
};

const scanInMemory = async (buffers: Buffer[]) => {
  const { DepartureScanner } = await import('../shared/bus/departures.ts');
  for (const buffer of buffers) {
    const scanner = new DepartureScanner();
    for (let i = 0; i < buffer.length; i += CHUNK) scanner.push(buffer.subarray(i, i + CHUNK));
    scanner.end();
  }
};

/** Seconds per run of each single-thread measurement, and the bytes each run reads. */
const scannerRuns = async (files: StoredFile[], runs: number) => {
  const bytes = await bytesOfFiles(files);
  const result = {
    bytes,
    scan: [] as number[],
    read: [] as number[],
    inMemory: [] as number[],
    scanCpu: [] as number[],
  };
  for (let run = 0; run < runs; run++) {
    result.read.push(
      await seconds(async () => {
        for (const f of files) await readFileOnly(f.path);
      }),
    );
    let wall = 0;
    result.scanCpu.push(
      await cpuSeconds(async () => {
        wall = await seconds(async () => {
          for (const f of files) await scanFile(f.path);
        });
      }),
    );
    result.scan.push(wall);
  }
  // A few files at a time, so that memory holds them without growing with the day.
  for (let run = 0; run < runs; run++) {
    let total = 0;
    for (let i = 0; i < files.length; i += 4) {
      const buffers = await Promise.all(files.slice(i, i + 4).map((f) => readFile(f.path)));
      total += await seconds(() => scanInMemory(buffers));
    }
    result.inMemory.push(total);
  }
  return result;
};

/** Worker threads that have loaded the handler's code, as a warm function's would have. */
const startWorkers = (threads: number) =>
  Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<Worker>((resolve, reject) => {
          const worker = new Worker(new URL(import.meta.url), { workerData: { role: WORKER_ROLE } });
          worker.once('message', () => resolve(worker));
          worker.once('error', reject);
        }),
    ),
  );

const totalsIn = (worker: Worker, path: string) =>
  new Promise<DepartureTotals>((resolve, reject) => {
    worker.once('message', (reply: { totals?: DepartureTotals; error?: string }) =>
      reply.totals ? resolve(reply.totals) : reject(new Error(reply.error)),
    );
    worker.postMessage(path);
  });

/** The statistics of the files, each worker taking the next file when it is free. */
const statsOnce = async (files: StoredFile[], workers: Worker[]) => {
  const totals = new Array<DepartureTotals>(files.length);
  let next = 0;
  await Promise.all(
    workers.map(async (worker) => {
      while (next < files.length) {
        const i = next++;
        totals[i] = await totalsIn(worker, files[i]!.path);
      }
    }),
  );
  return (await handler()).combineCountryDays(
    files.map((f, i) => ({
      file: { date: f.date, city_id: f.cityId, country: f.country, key: f.path },
      totals: totals[i]!,
    })),
  );
};

const statsRuns = async (files: StoredFile[], threads: number, runs: number) => {
  const workers = await startWorkers(threads);
  try {
    // What the loaded code takes before any file is read: the peak is compared with it.
    const result = {
      runs: [] as number[],
      stats: [] as unknown[],
      readyRssMb: process.memoryUsage().rss / 1e6,
    };
    for (let run = 0; run < runs; run++) {
      const started = performance.now();
      result.stats = await statsOnce(files, workers);
      result.runs.push((performance.now() - started) / 1000);
    }
    return result;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
};

/** Runs one measurement in a child process; its answer, with the child's peak RSS in MB. */
const inChild = <T>(args: string[]): Promise<T & { peakRssMb: number }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [import.meta.filename, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`bench/bus-scan.ts ${args[0]} exited with ${code}`));
      else resolve(JSON.parse(out));
    });
  });

export const measureScanner = (files: StoredFile[], runs: number) =>
  inChild<Awaited<ReturnType<typeof scannerRuns>>>(['scanner', JSON.stringify(files), String(runs)]);

export const measureStats = (files: StoredFile[], threads: number, runs: number) =>
  inChild<Awaited<ReturnType<typeof statsRuns>>>([
    'stats',
    JSON.stringify(files),
    String(runs),
    String(threads),
  ]);

const peakRssMb = () => (process.resourceUsage().maxRSS * 1024) / 1e6;

if (!isMainThread && workerData?.role === WORKER_ROLE) {
  const port = parentPort!;
  port.on('message', async (path: string) => {
    try {
      port.postMessage({ totals: await scanFile(path) });
    } catch (err) {
      port.postMessage({ error: String(err) });
    }
  });
  await handler();
  port.postMessage({ ready: true });
} else if (isMainThread && process.argv[1] === import.meta.filename) {
  const [mode, filesJson, runs, threads] = process.argv.slice(2);
  const files = JSON.parse(filesJson!) as StoredFile[];
  const result =
    mode === 'scanner'
      ? await scannerRuns(files, Number(runs))
      : await statsRuns(files, Number(threads), Number(runs));
  process.stdout.write(JSON.stringify({ ...result, peakRssMb: peakRssMb() }));
}
