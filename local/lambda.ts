import { Worker } from 'node:worker_threads';
import type { ContainerData, InvocationReply } from './container.ts';

// A Lambda function on one machine: execution environments (worker threads, local/container.ts) that
// start on demand — a cold start, logged with its duration —, run one invocation at a time with only
// the function's own environment and a heap limited to its memory size, are reused while warm, and are
// thrown away when an invocation runs past the function's timeout or the environment crashes, exactly
// the cases in which Lambda discards a sandbox.

export type Invoke = (event: unknown) => Promise<unknown>;

/** How an invocation failed, in Lambda's terms. */
export class InvocationError extends Error {
  readonly kind: 'timeout' | 'crash' | 'handler';
  constructor(kind: InvocationError['kind'], message: string) {
    super(message);
    this.name = 'InvocationError';
    this.kind = kind;
  }
}

export interface FunctionConfig {
  /** AWS_LAMBDA_FUNCTION_NAME. */
  name: string;
  /** Absolute path of the handler module. */
  file: string;
  /** The whole environment the function sees. */
  env: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
  /** Environments at most at once; more invocations wait for one to be free. */
  maxContainers: number;
  lowPriority?: boolean;
  log?: (line: string) => void;
  /** Lambda's init bound (10 s); tests shorten it. */
  initTimeoutMs?: number;
}

// Lambda's bound on the init phase of an on-demand function. An init that runs past it is not fatal:
// Lambda runs it again inside the first invocation, under the function's own timeout. Here the init
// simply goes on, and the time it took past the bound comes out of that first invocation's budget.
const INIT_TIMEOUT_MS = 10_000;

interface Container {
  worker: Worker;
  ready: Promise<void>;
  /** Init time past INIT_TIMEOUT_MS, charged to the first invocation (then 0). */
  initOverrunMs: number;
  /** Rejects the invocation in flight when the environment dies under it. */
  onDeath?: (err: Error) => void;
}

export class LambdaFunction {
  private readonly idle: Container[] = [];
  private readonly all = new Set<Container>();
  private readonly waiting: ((container: Container) => void)[] = [];
  private nextId = 0;
  private stopped = false;

  readonly config: FunctionConfig;
  constructor(config: FunctionConfig) {
    this.config = config;
  }

  readonly invoke: Invoke = async (event) => {
    const container = await this.acquire();
    try {
      await container.ready;
    } catch (err) {
      this.discard(container);
      throw new InvocationError('crash', `init failed: ${(err as Error).message}`);
    }
    return this.run(container, event);
  };

  /** Ends every environment, idle or busy, as tearing down the function would. */
  async stop() {
    this.stopped = true;
    const containers = [...this.all];
    this.all.clear();
    await Promise.all(containers.map((c) => c.worker.terminate()));
  }

  private async acquire(): Promise<Container> {
    if (this.stopped) throw new InvocationError('crash', `${this.config.name} is stopped`);
    const warm = this.idle.pop();
    if (warm) return warm;
    if (this.all.size < this.config.maxContainers) return this.start();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(container: Container) {
    const next = this.waiting.shift();
    if (next) return next(container);
    this.idle.push(container);
  }

  private discard(container: Container) {
    if (!this.all.delete(container)) return;
    const i = this.idle.indexOf(container);
    if (i >= 0) this.idle.splice(i, 1);
    void container.worker.terminate();
    // A waiting invocation gets a fresh environment in place of the lost one.
    const next = this.waiting.shift();
    if (next && !this.stopped) next(this.start());
  }

  private start(): Container {
    const { config } = this;
    const started = performance.now();
    const data: ContainerData = {
      file: config.file,
      functionName: config.name,
      memoryMb: config.memoryMb,
      lowPriority: config.lowPriority ?? false,
    };
    const worker = new Worker(new URL('./container.ts', import.meta.url), {
      workerData: data,
      env: config.env,
      resourceLimits: { maxOldGenerationSizeMb: config.memoryMb },
    });
    const container: Container = { worker, ready: Promise.resolve(), initOverrunMs: 0 };
    const initBoundMs = config.initTimeoutMs ?? INIT_TIMEOUT_MS;
    const initLimitMs = initBoundMs + config.timeoutSeconds * 1000;
    container.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`init timed out after ${initLimitMs} ms`)),
        initLimitMs,
      );
      worker.once('message', () => {
        clearTimeout(timer);
        const took = performance.now() - started;
        container.initOverrunMs = Math.max(0, took - initBoundMs);
        config.log?.(`${config.name}: cold start ${Math.round(took)} ms`);
        resolve();
      });
      worker.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    container.ready.catch(() => {});
    const died = (err: Error) => {
      if (!this.all.has(container)) return;
      config.log?.(`${config.name}: environment ended: ${err.message}`);
      container.onDeath?.(err);
      this.discard(container);
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`exited with code ${code}`)));
    this.all.add(container);
    return container;
  }

  private run(container: Container, event: unknown): Promise<unknown> {
    const { config } = this;
    const id = this.nextId++;
    const timeoutMs = Math.max(0, config.timeoutSeconds * 1000 - container.initOverrunMs);
    container.initOverrunMs = 0;
    return new Promise<unknown>((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        container.worker.off('message', onMessage);
        container.onDeath = undefined;
      };
      const timer = setTimeout(() => {
        settle();
        config.log?.(`${config.name}: timed out after ${config.timeoutSeconds.toFixed(2)} s`);
        this.discard(container);
        reject(
          new InvocationError('timeout', `Task timed out after ${config.timeoutSeconds.toFixed(2)} seconds`),
        );
      }, timeoutMs);
      const onMessage = (reply: InvocationReply) => {
        if (reply.id !== id) return;
        settle();
        this.release(container);
        if ('error' in reply) {
          const err = new InvocationError('handler', reply.error.message);
          err.stack = reply.error.stack;
          reject(err);
        } else resolve(reply.result);
      };
      container.onDeath = (err) => {
        settle();
        reject(new InvocationError('crash', `Runtime exited: ${err.message}`));
      };
      container.worker.on('message', onMessage);
      container.worker.postMessage({ id, event, deadline: Date.now() + timeoutMs });
    });
  }
}
