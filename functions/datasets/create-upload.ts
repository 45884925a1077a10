import { created, httpRoute } from '../../shared/core/http.ts';
import { createDatasetUpload } from '../../shared/datasets/datasets.ts';
import { createUploadBody } from '../../shared/datasets/schemas.ts';

export const handler = httpRoute({ body: createUploadBody }, async ({ body, caller }) =>
  created(await createDatasetUpload(caller, body.name)),
);
