import { Agent, request } from 'node:http';

// What the benchmarks share: percentiles, and a lean JSON client for the local stack. The load
// generator runs on the same 2 cores as the stack, so it uses node:http with kept-alive sockets
// (about a third of fetch's CPU per request): what it saves goes to the stack under test.

/** The p-th percentile (0..1) of ascending numbers. */
export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

export interface JsonAnswer {
  status: number;
  body: unknown;
  ms: number;
}

/** Sends JSON bodies to one base URL over up to `maxSockets` kept-alive connections. */
export const jsonClient = (baseUrl: string, headers: Record<string, string>, maxSockets = 256) => {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets });
  const send = (method: string, path: string, body: unknown) =>
    new Promise<JsonAnswer>((resolve, reject) => {
      const started = performance.now();
      const data = JSON.stringify(body);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path,
          method,
          agent,
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(data),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            resolve({
              status: res.statusCode ?? 0,
              body: text ? JSON.parse(text) : null,
              ms: performance.now() - started,
            });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  return { send, close: () => agent.destroy() };
};

/**
 * Open-loop load: starts call(i) for i = 0..count-1 at `perSecond`, on schedule whether or not earlier
 * calls have answered (a slow answer does not slow the senders down, as with many phones).
 */
export const paced = async (count: number, perSecond: number, call: (i: number) => Promise<void>) => {
  const started = performance.now();
  const calls: Promise<void>[] = [];
  for (let i = 0; i < count; ) {
    const due = Math.min(count, Math.floor(((performance.now() - started) * perSecond) / 1000) + 1);
    while (i < due) calls.push(call(i++));
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(calls);
  return performance.now() - started;
};

/** One admin call to a stack, for a bench's set-up steps (not its measured load). */
export const adminApi =
  (stack: { url: string; adminToken: string }) => async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${stack.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await res.json()) as Record<string, any>;
  };
