import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { errorResponses, jsonBody, listOf } from '../core/openapi.ts';
import { application, applicationIdPath, createApplicationBody, createdApplication } from './schemas.ts';

export const applicationsPaths: ZodOpenApiPathsObject = {
  '/applications': {
    post: {
      tags: ['applications'],
      summary: 'Create an application and its API key (admin)',
      requestBody: jsonBody(createApplicationBody),
      responses: {
        '201': { description: 'Created', content: { 'application/json': { schema: createdApplication } } },
        ...errorResponses,
      },
    },
    get: {
      tags: ['applications'],
      summary: 'List applications (admin); keys are never shown',
      responses: {
        '200': {
          description: 'A page of applications',
          content: { 'application/json': { schema: listOf(application) } },
        },
        ...errorResponses,
      },
    },
  },
  '/applications/{application_id}': {
    delete: {
      tags: ['applications'],
      summary: 'Delete an application; its key stops working (deployed: within 60 s)',
      requestParams: { path: applicationIdPath },
      responses: { '204': { description: 'Deleted' }, ...errorResponses },
    },
  },
};
