import { created, httpRoute } from '../../shared/core/http.ts';
import { createUploadBody } from '../../shared/datasets/schemas.ts';
import { createDatasetUpload } from '../../shared/datasets/use-cases/datasets.ts';

export const handler = httpRoute({ body: createUploadBody }, async ({ body, caller }) =>
  created(await createDatasetUpload(caller, body.name)),
);
