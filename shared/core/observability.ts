import { Logger } from '@aws-lambda-powertools/logger';
import { search } from '@aws-lambda-powertools/logger/correlationId';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type middy from '@middy/core';
import { env } from './env.ts';

const serviceName = env.POWERTOOLS_SERVICE_NAME;
export const logger = new Logger({ serviceName, correlationIdSearchFn: search });
export const metrics = new Metrics({ namespace: env.POWERTOOLS_METRICS_NAMESPACE, serviceName });

// Loaded only where tracing is on (Lambda): merely importing the X-Ray SDK installs async hooks that
// cost every promise, which the local runtime and tests (POWERTOOLS_TRACE_ENABLED=false) need not pay.
const tracerModules = env.POWERTOOLS_TRACE_ENABLED
  ? await Promise.all([
      import('@aws-lambda-powertools/tracer'),
      import('@aws-lambda-powertools/tracer/middleware'),
    ])
  : undefined;

/** The Powertools tracer middleware (X-Ray segment per invocation), or nothing when tracing is off. */
export const tracing = (): middy.MiddlewareObj[] => {
  if (!tracerModules) return [];
  const [{ Tracer }, { captureLambdaHandler }] = tracerModules;
  const tracer = new Tracer({ serviceName });
  return [captureLambdaHandler(tracer, { captureResponse: false })];
};
