import { fork, spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { DepartureTotals } from '../shared/bus/departures.ts';

// The country-stats work measured straight on the stored files, apart from the local runtime (its HTTP
// adapter, emulators and threads are being changed by others): each measurement runs in a process of its
// own, so its peak RSS is that work's alone. bench/bus.ts calls `measureScanner` and `startStats`; the
// handler's modules are loaded only in those processes (they read env when first imported, and the
// benchmark's own process hosts the local stack, whose handlers must see the stack's env).
//   scanner: one thread, the files one after the other, each streamed from disk in 64 KiB chunks (about
//            what an S3 body delivers) through the handler's own totalsOfStream; also merely reading them,
//            and scanning chunks already in memory, to show how near the bound the scanner is.
//   stats:   the whole GET /country-stats computation over the files with N worker threads (as many as
//            DuckDB uses), combined by the handler's own combineCountryDays; each file fed to the scanner
//            either as the handler's stream of 64 KiB chunks or in lean 1 MiB blocks (Node's per-chunk
//            stream overhead, not the scanner, is most of the difference).

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

const handler = () => import('../shared/bus/use-cases/country-stats.ts');

const scanFile = async (path: string) =>
  (await handler()).totalsOfStream(createReadStream(path, { highWaterMark: CHUNK }));

/**
 * The scanner fed without a stream: 1 MiB blocks read into two reused buffers, the next read under way
 * while the current block is scanned (the scanner copies nothing it keeps, so reuse is safe). What the
 * scanner costs end to end when the reading is as lean as DuckDB's own file reader.
 */
const BLOCK = 1024 * 1024;
const scanFileInBlocks = async (path: string) => {
  const { DepartureScanner } = await import('../shared/bus/departures.ts');
  const file = await open(path);
  try {
    const blocks = [Buffer.allocUnsafe(BLOCK), Buffer.allocUnsafe(BLOCK)];
    const scanner = new DepartureScanner();
    let current = 0;
    let reading = file.read(blocks[0]!, 0, BLOCK, null);
    for (let { bytesRead } = await reading; bytesRead > 0; { bytesRead } = await reading) {
      const block = blocks[current]!;
      current ^= 1;
      reading = file.read(blocks[current]!, 0, BLOCK, null);
      scanner.push(block.subarray(0, bytesRead));
    }
    return scanner.end();
  } finally {
    await file.close();
  }
};

/** How a file gets to the scanner: the handler's own stream reading, or lean blocks. */
export type Feed = 'stream' | 'blocks';

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

const totalsIn = (worker: Worker, path: string, feed: Feed) =>
  new Promise<DepartureTotals>((resolve, reject) => {
    worker.once('message', (reply: { totals?: DepartureTotals; error?: string }) =>
      reply.totals ? resolve(reply.totals) : reject(new Error(reply.error)),
    );
    worker.postMessage({ path, feed });
  });

/** The statistics of the files, each worker taking the next file when it is free. */
const statsOnce = async (files: StoredFile[], workers: Worker[], feed: Feed) => {
  const totals = new Array<DepartureTotals>(files.length);
  let next = 0;
  await Promise.all(
    workers.map(async (worker) => {
      while (next < files.length) {
        const i = next++;
        totals[i] = await totalsIn(worker, files[i]!.path, feed);
      }
    }),
  );
  return (await handler()).combineCountryDays(
    files.map((f, i) => ({ date: f.date, country: f.country, totals: totals[i]! })),
  );
};

/**
 * Serves runs of the statistics over IPC, so the benchmark can interleave them with DuckDB's (the cores
 * are shared: a burst of other load then hits both alike). Its workers stay up between runs, as a warm
 * function's would.
 */
const serveStats = async (files: StoredFile[], threads: number) => {
  const workers = await startWorkers(threads);
  // What the loaded code takes before any file is read: the peak is compared with it.
  const readyRssMb = process.memoryUsage().rss / 1e6;
  process.on('message', async (message: Feed | 'stop') => {
    if (message === 'stop') {
      await Promise.all(workers.map((w) => w.terminate()));
      process.send!({ readyRssMb, peakRssMb: peakRssMb() }, () => process.exit(0));
      return;
    }
    const started = performance.now();
    const stats = await statsOnce(files, workers, message);
    process.send!({ seconds: (performance.now() - started) / 1000, stats });
  });
  process.send!('ready');
};

/** Runs the single-thread measurements in a child process; their figures, with its peak RSS in MB. */
export const measureScanner = (files: StoredFile[], runs: number) =>
  new Promise<Awaited<ReturnType<typeof scannerRuns>> & { peakRssMb: number }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [import.meta.filename, 'scanner', JSON.stringify(files), String(runs)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`scanner exited with ${code}`)),
    );
  });

/** A child process that computes the statistics of the files with `threads` workers, once per run(). */
export const startStats = async (files: StoredFile[], threads: number) => {
  const child = fork(import.meta.filename, ['stats', JSON.stringify(files), '0', String(threads)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      const exited = (code: number | null) => reject(new Error(`stats exited with ${code}`));
      child.once('exit', exited);
      child.once('message', (message: T) => {
        child.off('exit', exited);
        resolve(message);
      });
    });
  await next<'ready'>();
  return {
    run: (feed: Feed) => {
      const reply = next<{ seconds: number; stats: unknown[] }>();
      child.send(feed);
      return reply;
    },
    stop: () => {
      const reply = next<{ readyRssMb: number; peakRssMb: number }>();
      child.send('stop');
      return reply;
    },
  };
};

const peakRssMb = () => (process.resourceUsage().maxRSS * 1024) / 1e6;

if (!isMainThread && workerData?.role === WORKER_ROLE) {
  const port = parentPort!;
  port.on('message', async ({ path, feed }: { path: string; feed: Feed }) => {
    try {
      port.postMessage({ totals: await (feed === 'stream' ? scanFile(path) : scanFileInBlocks(path)) });
    } catch (err) {
      port.postMessage({ error: String(err) });
    }
  });
  await handler();
  port.postMessage({ ready: true });
} else if (isMainThread && process.argv[1] === import.meta.filename) {
  const [mode, filesJson, runs, threads] = process.argv.slice(2);
  const files = JSON.parse(filesJson!) as StoredFile[];
  if (mode === 'scanner') {
    const result = await scannerRuns(files, Number(runs));
    process.stdout.write(JSON.stringify({ ...result, peakRssMb: peakRssMb() }));
  } else await serveStats(files, Number(threads));
}
