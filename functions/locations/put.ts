import * as z from 'zod';
import { httpRoute, ok } from '../../shared/core/http.ts';
import { putDatapoint } from '../../shared/locations/use-cases/ingest.ts';

// The body is validated by the use case, which names each offending field (unknown ones included).
export const handler = httpRoute({ body: z.unknown() }, async ({ body }) =>
  ok(await putDatapoint(body, new Date())),
);
