import { createDocument } from 'zod-openapi';
import { advisorsPaths } from '../advisors/openapi.ts';
import { applicationsPaths } from '../applications/openapi.ts';
import { busPaths } from '../bus/openapi.ts';
import { withOperationIds } from '../core/openapi.ts';
import { datasetsPaths } from '../datasets/openapi.ts';
import { eventsPaths } from '../events/openapi.ts';
import { locationsPaths } from '../locations/openapi.ts';
import { platformPaths } from './platform.ts';

// The OpenAPI 3.1 document, assembled from each feature's paths (built from the zod schemas that
// validate requests). A feature adds its paths object to the list below.
export const openApiDocument = () =>
  withOperationIds(
    createDocument({
      openapi: '3.1.0',
      info: {
        title: 'Eye serverless API',
        version: '1.0.0',
        description:
          'Events, bus statistics, locations, advisors and datasets. Every route but /health, /openapi.json ' +
          'and /docs needs `Authorization: Bearer <token>`: the admin token or an application API key with ' +
          "the route's scope. Lists take `?limit=` (1–1000, default 100) and `?cursor=` (opaque).",
      },
      // Relative: the same document is served by every deployment and by the local stack.
      servers: [{ url: '/', description: 'The API that serves this document' }],
      security: [{ bearer: [] }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      paths: {
        ...platformPaths,
        ...applicationsPaths,
        ...datasetsPaths,
        ...busPaths,
        ...eventsPaths,
        ...advisorsPaths,
        ...locationsPaths,
      },
    }),
  );
