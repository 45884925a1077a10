/**
 * Runs `work` over `items` with at most `limit` calls in flight and returns the results in order:
 * enough parallelism to hide DynamoDB/S3 latency without flooding a table, a bucket or an upstream.
 */
export const mapBounded = async <T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> => {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};

/** `items` in consecutive runs of at most `size` (batch APIs' limits: 10 SQS entries, 25 writes, 100 keys). */
export const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
