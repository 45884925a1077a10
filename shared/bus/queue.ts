import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { sqs } from '../core/aws/sqs.ts';
import { chunks, mapBounded } from '../core/concurrency.ts';
import { queueUrl } from '../core/env.ts';
import type { FetchCityMessage, ScanFileMessage, UpstreamCity } from './schemas.ts';

// The feature's queues: the fetch queue, one message per city of a job (functions/bus/fetch-city.ts),
// and the scan queue, one message per file of a country-stats query (functions/bus/scan-file.ts).

/** Queues every city of a job, 10 per SendMessageBatch, or throws. */
export const enqueueCities = async (jobId: string, date: string, cities: UpstreamCity[]) => {
  for (const batch of chunks(cities, 10)) {
    const entries = batch.map((c) => {
      const message: FetchCityMessage = {
        job_id: jobId,
        date,
        city: { id: c.id, name: c.name, country: c.country },
      };
      return { Id: String(c.id), MessageBody: JSON.stringify(message) };
    });
    const out = await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl('busFetch'), Entries: entries }),
    );
    if (out.Failed?.length) throw new Error(`could not queue ${out.Failed.length} cities of job ${jobId}`);
  }
};

/** Scan tasks sent at once by the query's start: SendMessageBatch calls in flight. */
const SEND_CONCURRENCY = 16;

/** Queues every file task of a query, 10 per SendMessageBatch, or throws. */
export const enqueueScans = async (tasks: ScanFileMessage[]) => {
  await mapBounded(chunks(tasks, 10), SEND_CONCURRENCY, async (batch) => {
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl('busQueryScan'),
        Entries: batch.map((task) => ({ Id: String(task.index), MessageBody: JSON.stringify(task) })),
      }),
    );
    if (out.Failed?.length) throw new Error(`SQS refused ${out.Failed.length} scan tasks`);
  });
};
