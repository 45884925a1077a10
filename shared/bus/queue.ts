import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { sqs } from '../core/aws/sqs.ts';
import { chunks } from '../core/concurrency.ts';
import { queueUrl } from '../core/env.ts';
import type { FetchCityMessage, UpstreamCity } from './schemas.ts';

// The fetch queue: one message per city of a job (functions/bus/fetch-city.ts consumes them).

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
