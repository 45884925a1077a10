import * as z from 'zod';
import type { ZodOpenApiResponsesObject } from 'zod-openapi';

// Building blocks for each feature's OpenAPI paths, so every route documents the same error body.
export const errorBody = z
  .object({
    error: z.object({
      code: z.enum([
        'invalid_json',
        'validation_error',
        'unauthorized',
        'forbidden',
        'not_found',
        'conflict',
        'payload_too_large',
        'unsupported_media_type',
        'range_too_large',
        'internal',
      ]),
      message: z.string(),
      details: z.array(z.looseObject({ path: z.string().optional(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error' });

const errorContent = { content: { 'application/json': { schema: errorBody } } };

export const errorResponses: ZodOpenApiResponsesObject = {
  '400': { description: 'Invalid JSON or failed validation', ...errorContent },
  '401': { description: 'Missing or unknown token', ...errorContent },
  '403': { description: 'Token lacks the scope of this route', ...errorContent },
  '404': { description: 'Not found (or owned by another application)', ...errorContent },
  '409': { description: 'Conflicts with the current state', ...errorContent },
  '413': { description: 'Request body too large', ...errorContent },
};

export const jsonBody = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });

export const jsonResponse = (description: string, schema: z.ZodType) => ({
  description,
  content: { 'application/json': { schema } },
});

export const listOf = (item: z.ZodType) =>
  z.object({ items: z.array(item), next_cursor: z.string().nullable() });
