import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from '../../shared/core/observability.ts';
import { isLastReceive, sqsConsumer } from '../../shared/core/sqs.ts';
import { replayMessage } from '../../shared/events/schemas.ts';
import { replayPage } from '../../shared/events/use-cases/replay.ts';

export const handler = sqsConsumer(
  'events-replay',
  replayMessage,
  async (record) => {
    const { replayed, stillFailing } = await replayPage(record.body, isLastReceive(record));
    metrics.addMetric('events_replayed', MetricUnit.Count, replayed);
    metrics.addMetric('events_still_failing', MetricUnit.Count, stillFailing);
  },
  { metrics: true },
);
