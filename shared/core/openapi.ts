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

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

const camel = (words: string[]) =>
  words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');

/**
 * `GET /users/{user_id}/location-averages` → `getUsersByUserIdLocationAverages`: a stable name that
 * generated clients and the reference page's links use. A feature may still set its own.
 */
export const operationIdOf = (method: string, path: string) =>
  camel([
    method,
    ...path
      .split('/')
      .filter(Boolean)
      .flatMap((segment) => {
        const words = segment
          .replace(/[{}]/g, '')
          .split(/[^A-Za-z0-9]+/)
          .filter(Boolean);
        return segment.startsWith('{') ? ['by', ...words] : words;
      })
      .map((w) => w.toLowerCase()),
  ]);

/** Gives every operation without an `operationId` the one derived from its method and path. */
export const withOperationIds = <T extends { paths?: Record<string, object | undefined> }>(
  document: T,
): T => {
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = (item as Partial<Record<string, { operationId?: string }>> | undefined)?.[method];
      if (operation) operation.operationId ??= operationIdOf(method, path);
    }
  }
  return document;
};
