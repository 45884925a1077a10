import * as z from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { jsonResponse } from '../core/openapi.ts';

export const platformPaths: ZodOpenApiPathsObject = {
  '/health': {
    get: {
      tags: ['platform'],
      summary: 'Liveness: 200 once every part of the stack is ready',
      security: [],
      responses: { '200': jsonResponse('Ready', z.object({ status: z.literal('ok') })) },
    },
  },
  '/openapi.json': {
    get: {
      tags: ['platform'],
      summary: 'This document',
      security: [],
      responses: { '200': { description: 'OpenAPI 3.1' } },
    },
  },
  '/docs': {
    get: {
      tags: ['platform'],
      summary: 'Human-readable API reference (works offline)',
      security: [],
      responses: { '200': { description: 'HTML', content: { 'text/html': {} } } },
    },
  },
  '/console': {
    get: {
      tags: ['platform'],
      summary: 'The web console: one self-contained page that calls this API with the token signed in with',
      security: [],
      responses: {
        '200': { description: 'HTML', content: { 'text/html': {} } },
        '304': { description: 'Not modified (If-None-Match matched the ETag)' },
      },
    },
  },
};
