import { sendAll } from '../core/queue.ts';
import type { FetchCityMessage, ScanFileMessage, UpstreamCity } from './schemas.ts';

// The feature's queues: the fetch queue, one message per city of a job (functions/bus/fetch-city.ts),
// and the scan queue, one message per file of a country-stats query (functions/bus/scan-file.ts).

/** Queues every city of a job, or throws. */
export const enqueueCities = async (jobId: string, date: string, cities: UpstreamCity[]) => {
  await sendAll(
    'busFetch',
    cities.map((c) => {
      const message: FetchCityMessage = {
        job_id: jobId,
        date,
        city: { id: c.id, name: c.name, country: c.country },
      };
      return { Id: String(c.id), MessageBody: JSON.stringify(message) };
    }),
  );
};

/** Scan tasks sent at once by the query's start: SendMessageBatch calls in flight. */
const SEND_CONCURRENCY = 16;

/** Queues every file task of a query, or throws. */
export const enqueueScans = async (tasks: ScanFileMessage[]) => {
  await sendAll(
    'busQueryScan',
    tasks.map((task) => ({ Id: String(task.index), MessageBody: JSON.stringify(task) })),
    SEND_CONCURRENCY,
  );
};
