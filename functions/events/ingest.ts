import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { accepted, httpRoute } from '../../shared/core/http.ts';
import { metrics } from '../../shared/core/observability.ts';
import { ingestQuery } from '../../shared/events/schemas.ts';
import { requireSomeAccepted, submitEvents } from '../../shared/events/use-cases/submit.ts';

export const handler = httpRoute(
  { body: z.unknown(), query: ingestQuery, metrics: true },
  async ({ body, query, caller }) => {
    const result = await submitEvents(caller, query.application_id, body);
    metrics.addMetric('events_accepted', MetricUnit.Count, result.accepted.length);
    if (result.rejected.length > 0) {
      metrics.addMetric('error_invalid_envelope', MetricUnit.Count, result.rejected.length);
    }
    return accepted(requireSomeAccepted(result));
  },
);
