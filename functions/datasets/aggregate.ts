import { httpRoute, ok } from '../../shared/core/http.ts';
import { aggregateQuery, datasetIdPath } from '../../shared/datasets/schemas.ts';
import { aggregateDataset } from '../../shared/datasets/use-cases/datasets.ts';

export const handler = httpRoute(
  { path: datasetIdPath, query: aggregateQuery },
  async ({ path, query, caller }) => ok(await aggregateDataset(caller, path.dataset_id, query)),
);
