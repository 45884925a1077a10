import { created, httpRoute } from '../../shared/core/http.ts';
import { MAX_INLINE_BYTES } from '../../shared/datasets/schemas.ts';
import { createInlineDataset } from '../../shared/datasets/use-cases/datasets.ts';

export const handler = httpRoute({ rawBody: true, maxBodyBytes: MAX_INLINE_BYTES }, async ({ raw, caller }) =>
  created(await createInlineDataset(caller, raw)),
);
