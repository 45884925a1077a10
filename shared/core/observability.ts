import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type middy from '@middy/core';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'eye' });
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Eye',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'eye',
});

// Loaded only where tracing is on (Lambda): merely importing the X-Ray SDK installs async hooks that
// cost every promise, which the local runtime and tests (POWERTOOLS_TRACE_ENABLED=false) need not pay.
const tracingEnabled = process.env.POWERTOOLS_TRACE_ENABLED !== 'false';
const tracerModules = tracingEnabled
  ? await Promise.all([
      import('@aws-lambda-powertools/tracer'),
      import('@aws-lambda-powertools/tracer/middleware'),
    ])
  : undefined;

/** The Powertools tracer middleware (X-Ray segment per invocation), or nothing when tracing is off. */
export const tracing = (): middy.MiddlewareObj[] => {
  if (!tracerModules) return [];
  const [{ Tracer }, { captureLambdaHandler }] = tracerModules;
  const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'eye' });
  return [captureLambdaHandler(tracer, { captureResponse: false })];
};
