import { httpRoute, ok } from '../../shared/core/http.ts';
import { datasetIdPath, ownerQuery } from '../../shared/datasets/schemas.ts';
import { describeDataset } from '../../shared/datasets/use-cases/datasets.ts';

export const handler = httpRoute(
  { path: datasetIdPath, query: ownerQuery },
  async ({ path, query, caller }) => ok(await describeDataset(caller, path.dataset_id, query.application_id)),
);
