import { httpRoute, ok } from '../../shared/core/http.ts';
import { bulkRows, MAX_BYTES } from '../../shared/locations/bulk.ts';
import { importRows } from '../../shared/locations/use-cases/ingest.ts';

export const handler = httpRoute({ rawBody: true, maxBodyBytes: MAX_BYTES }, async ({ raw, contentType }) =>
  ok(await importRows(bulkRows(raw, contentType), Date.now())),
);
