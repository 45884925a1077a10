import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Context } from 'aws-lambda';
import type { FunctionSettings } from '../lib/routes.ts';

export type Invoke = (event: unknown) => Promise<unknown>;

/** A Lambda context as the runtime hands it over; the deadline follows the manifest's timeout. */
const lambdaContext = (name: string, settings: FunctionSettings): Context => {
  const timeoutMs = (settings.timeoutSeconds ?? 29) * 1000;
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    memoryLimitInMB: String(settings.memoryMb ?? 512),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
};

/** Imports a manifest handler file, as the Lambda runtime would, and returns a way to invoke it. */
export const loadHandler = async (settings: FunctionSettings): Promise<Invoke> => {
  const mod = (await import(resolve(import.meta.dirname, '..', settings.handler))) as {
    handler?: (event: unknown, context: Context) => Promise<unknown>;
  };
  const handler = mod.handler;
  if (typeof handler !== 'function') throw new Error(`${settings.handler} does not export a handler`);
  const name = settings.handler
    .replace(/^functions\//, '')
    .replace(/\.ts$/, '')
    .replace(/\//g, '-');
  return (event) => handler(event, lambdaContext(name, settings));
};
