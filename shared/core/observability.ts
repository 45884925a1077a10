import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'eye' });
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Eye',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'eye',
});

// Off outside Lambda (POWERTOOLS_TRACE_ENABLED=false in the local runtime and tests): no X-Ray daemon.
export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'eye' });
