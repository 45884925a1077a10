import * as z from 'zod';
import { httpRoute, ok } from '../../shared/core/http.ts';
import { requireDatapoint } from '../../shared/locations/datapoint.ts';
import { recordDatapoint } from '../../shared/locations/use-cases/ingest.ts';

// The body is validated by requireDatapoint, which names each offending field (unknown ones included).
export const handler = httpRoute({ body: z.unknown() }, async ({ body }) => {
  const now = new Date();
  return ok(await recordDatapoint(requireDatapoint(body, now.getTime()), now.toISOString()));
});
