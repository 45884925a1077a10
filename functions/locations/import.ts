import { httpRoute, ok } from '../../shared/core/http.ts';
import { MAX_IMPORT_BYTES } from '../../shared/locations/schemas.ts';
import { importBody } from '../../shared/locations/use-cases/ingest.ts';

export const handler = httpRoute(
  { rawBody: true, maxBodyBytes: MAX_IMPORT_BYTES },
  async ({ raw, contentType }) => ok(await importBody(raw, contentType, Date.now())),
);
