import { importFile } from '../../shared/advisors/schemas.ts';
import { importAdvisorsData } from '../../shared/advisors/use-cases/import.ts';
import { httpRoute, ok } from '../../shared/core/http.ts';

// A 10,000-client file is ~1.5 MB of JSON; Lambda's synchronous payload limit is 6 MB.
export const handler = httpRoute({ body: importFile, maxBodyBytes: 5 * 1024 * 1024 }, async ({ body }) =>
  ok(await importAdvisorsData(body)),
);
