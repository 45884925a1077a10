import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from '../../shared/core/observability.ts';
import { sqsConsumer } from '../../shared/core/sqs.ts';
import { ingestMessage } from '../../shared/events/schemas.ts';
import { processMessage } from '../../shared/events/use-cases/processing.ts';

export const handler = sqsConsumer(
  'events-process',
  ingestMessage,
  async (record) => {
    const tally = await processMessage(record.body);
    metrics.addMetric('events_stored', MetricUnit.Count, tally.stored);
    for (const [code, count] of Object.entries(tally.errors)) {
      metrics.addMetric(`error_${code}`, MetricUnit.Count, count);
    }
    // A single metric publishes at once with its own dimensions: one per type, mode and outcome.
    for (const { category, name, mode, ...counts } of tally.byType.values()) {
      for (const [outcome, count] of Object.entries(counts)) {
        const perType = metrics.singleMetric();
        perType.addDimensions({ category, name, mode });
        perType.addMetric(`type_events_${outcome}`, MetricUnit.Count, count);
      }
    }
  },
  { metrics: true },
);
