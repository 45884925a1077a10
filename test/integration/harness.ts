import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// Starts `local/start.ts` in a child process on a random port with a fresh DATA_DIR (one stack per
// process: handlers read their resources from process env). `restart()` keeps DATA_DIR.

const ROOT = resolve(import.meta.dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');

export interface TestStack {
  url: string;
  /** The stack's main process (it changes on restart). */
  pid: number;
  adminToken: string;
  dataDir: string;
  /** The emulators' endpoints (they change on restart). */
  endpoints: Endpoints;
  /** fetch against the stack; `token` defaults to the admin token, `null` sends none. */
  request(
    method: string,
    path: string,
    options?: { token?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers; text: string }>;
  restart(options?: { signal?: NodeJS.Signals }): Promise<void>;
  stop(): Promise<void>;
}

export interface Endpoints {
  sqs: string;
  dynamodb: string;
  s3: string;
  secretsmanager: string;
}
export { OPERATOR_CREDENTIALS } from '../../local/deployment.ts';

export interface LaunchedStack {
  child: ChildProcess;
  url: string;
  endpoints: Endpoints;
}

/**
 * `local/start.ts` in a child process, resolved once it is ready. The IPC channel is how the stack
 * learns that its spawner died (a crashed test): it stops when the channel closes. `detached` gives it
 * a process group of its own, for a test that sends Ctrl-C to the group.
 */
export const launchStack = (env: Record<string, string>, options: { detached?: boolean } = {}) =>
  new Promise<LaunchedStack>((resolvePromise, reject) => {
    const child = spawn(NODE, [join(ROOT, 'local', 'start.ts')], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', LOG_LEVEL: 'ERROR', ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: options.detached ?? false,
    });
    let out = '';
    let err = '';
    const timer = setTimeout(
      () => reject(new Error(`local stack did not start in 30 s:\n${out}\n${err}`)),
      30_000,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Local stack ready at (http:\/\/\S+)/.exec(out);
      const endpoints = /Local endpoints: (\{.*\})/.exec(out);
      if (match && endpoints) {
        clearTimeout(timer);
        resolvePromise({ child, url: match[1]!, endpoints: JSON.parse(endpoints[1]!) });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (process.env.STACK_DEBUG) process.stderr.write(chunk);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local stack exited with ${code}:\n${out}\n${err}`));
    });
  });

const launch = (dataDir: string, adminToken: string, env: Record<string, string>) =>
  launchStack({ DATA_DIR: dataDir, ADMIN_TOKEN: adminToken, ...env });

const exited = (child: ChildProcess) =>
  new Promise<void>((resolvePromise) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolvePromise();
    child.once('exit', () => resolvePromise());
  });

export const startTestStack = async (env: Record<string, string> = {}): Promise<TestStack> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'eye-it-'));
  const adminToken = `admin-${Math.random().toString(36).slice(2)}`;
  let current = await launch(dataDir, adminToken, env);

  const stack: TestStack = {
    get url() {
      return current.url;
    },
    get pid() {
      return current.child.pid!;
    },
    get endpoints() {
      return current.endpoints;
    },
    adminToken,
    dataDir,
    async request(method, path, options = {}) {
      const token = options.token === undefined ? adminToken : options.token;
      const headers: Record<string, string> = { ...options.headers };
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (options.body !== undefined) {
        body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(`${current.url}${path}`, { method, headers, body });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, body: parsed, headers: res.headers, text };
    },
    async restart({ signal = 'SIGTERM' } = {}) {
      const done = exited(current.child);
      current.child.kill(signal);
      await done;
      current = await launch(dataDir, adminToken, env);
    },
    async stop() {
      const done = exited(current.child);
      current.child.kill('SIGTERM');
      await done;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return stack;
};

/** Creates an application with the given scopes and returns its id and key. */
export const createApp = async (stack: TestStack, scopes: string[], name = 'test-app') => {
  const res = await stack.request('POST', '/applications', { body: { name, scopes } });
  if (res.status !== 201) throw new Error(`could not create application: ${res.status} ${res.text}`);
  return { id: res.body.id as string, apiKey: res.body.api_key as string };
};

/** Polls `check` until it returns a truthy value or the time runs out. */
export const eventually = async <T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
  everyMs = 100,
) => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
};

/**
 * Walks a listing to its end with the cursors it hands out (`path` may carry its own query): every
 * item in order and each page's size. A page that is not a 200 fails the walk.
 */
export const allPages = async <T = Record<string, unknown>>(
  stack: TestStack,
  path: string,
  options: { token?: string } = {},
) => {
  const items: T[] = [];
  const sizes: number[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const url: string = cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path;
    const page = await stack.request('GET', url, options);
    if (page.status !== 200) throw new Error(`GET ${url}: ${page.status} ${page.text}`);
    items.push(...(page.body.items as T[]));
    sizes.push(page.body.items.length);
    cursor = page.body.next_cursor;
  } while (cursor);
  return { items, sizes };
};
