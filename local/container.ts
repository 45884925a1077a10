import { randomUUID } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import { LOCAL_AWS } from './iam/aws-account.ts';

// One execution environment of one function (a worker thread of its own: its own env, module graph
// and heap limit), started by local/lambda.ts. It loads the handler once — the cold start — and then
// runs one invocation at a time, as a Lambda sandbox does.

export interface ContainerData {
  file: string;
  functionName: string;
  memoryMb: number;
  /** Background work yields the cores to request handling (nice 10), as a separate Lambda would not hold up the API. */
  lowPriority: boolean;
}
export type InvocationRequest = { id: number; event: unknown; deadline: number };
export type InvocationReply =
  | { id: number; result: unknown }
  | { id: number; error: { name: string; message: string; stack?: string } };

const data = workerData as ContainerData;
if (data.lowPriority) {
  try {
    // Linux names a thread's own id in /proc; elsewhere the priority stays.
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 10);
  } catch {
    // not Linux, or not allowed
  }
}

const context = (deadline: number): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: data.functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:${LOCAL_AWS.partition}:lambda:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:function:${data.functionName}`,
  memoryLimitInMB: String(data.memoryMb),
  awsRequestId: randomUUID(),
  logGroupName: `/aws/lambda/${data.functionName}`,
  logStreamName: 'local',
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  done: () => {},
  fail: () => {},
  succeed: () => {},
});

type Handler = (event: unknown, context: Context) => Promise<unknown>;
const { handler } = (await import(data.file)) as { handler?: Handler };
if (typeof handler !== 'function') throw new Error(`${data.file} does not export a handler`);

parentPort!.on('message', async ({ id, event, deadline }: InvocationRequest) => {
  let reply: InvocationReply;
  try {
    reply = { id, result: await handler(event, context(deadline)) };
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    reply = { id, error: { name: error.name, message: error.message, stack: error.stack } };
  }
  parentPort!.postMessage(reply);
});
parentPort!.postMessage({ ready: true });
