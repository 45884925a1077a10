import { correlationPaths } from '@aws-lambda-powertools/logger/correlationId';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2WithLambdaAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type * as z from 'zod';
import { type AuthContext, type Caller, callerFromContext } from './auth.ts';
import {
  ApiError,
  forbidden,
  invalidJson,
  payloadTooLarge,
  unauthorized,
  unsupportedMediaType,
  validationError,
} from './errors.ts';
import * as json from './json-bytes.ts';
import { logger, metrics, tracing } from './observability.ts';
import { zodDetails } from './validation.ts';

// Local copies: V8 reads an imported binding through its module cell at each use (jsonDepth's loop).
const { BACKSLASH, CLOSE_ARRAY, CLOSE_OBJECT, MAX_JSON_DEPTH, OPEN_ARRAY, OPEN_OBJECT, QUOTE, TOO_DEEP } =
  json;

export type HttpEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<AuthContext>;
export type HttpResponse = APIGatewayProxyStructuredResultV2;

/** What a route returns; the chain serialises it. `body` undefined means no content (204). */
export interface HttpResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** `body` is base64 of bytes (a gzip-encoded page), which API Gateway decodes before sending. */
  isBase64Encoded?: boolean;
}

export const ok = (body: unknown): HttpResult => ({ status: 200, body });
export const created = (body: unknown): HttpResult => ({ status: 201, body });
export const accepted = (body: unknown): HttpResult => ({ status: 202, body });
export const noContent = (): HttpResult => ({ status: 204 });

type Schema = z.ZodType | undefined;
type Out<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteSpec<B extends Schema, Q extends Schema, P extends Schema> {
  body?: B;
  query?: Q;
  path?: P;
  /** Hand the handler the raw bytes instead of parsed JSON (CSV, NDJSON, …). */
  rawBody?: boolean;
  /** Larger bodies are answered 413 before anything else runs. */
  maxBodyBytes?: number;
  /** Publish Powertools metrics (EMF) after each invocation. */
  metrics?: boolean;
}

export interface RouteInput<B extends Schema, Q extends Schema, P extends Schema> {
  body: Out<B>;
  query: Out<Q>;
  path: Out<P>;
  raw: Buffer;
  contentType: string;
  event: HttpEvent;
  context: Context;
}

const DEFAULT_MAX_BODY = 1024 * 1024;
const JSON_TYPES = /^(application\/(.+\+)?json|text\/plain)$/;

const mediaType = (event: HttpEvent): string =>
  (event.headers?.['content-type'] ?? event.headers?.['Content-Type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();

const rawBody = (event: HttpEvent): Buffer =>
  event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);

const parseWith = <S extends Schema>(schema: S | undefined, value: unknown, where: string): Out<S> => {
  if (!schema) return undefined as Out<S>;
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(`Invalid ${where}`, zodDetails(result.error));
  return result.data as Out<S>;
};

/** The deepest nesting of objects/arrays in JSON text, counted on the bytes (strings skipped). */
export const jsonDepth = (raw: Buffer): number => {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) deepest = Math.max(deepest, ++depth);
    else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--;
  }
  return deepest;
};

/** Refuses a parsed JSON body nested deeper than MAX_JSON_DEPTH (a validation error). */
export const checkJsonDepth = (raw: Buffer): void => {
  if (jsonDepth(raw) > MAX_JSON_DEPTH) throw validationError(`Request body is ${TOO_DEEP}`);
};

const parseJson = (raw: Buffer): unknown => {
  if (raw.length === 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw invalidJson(`Request body is not valid JSON: ${(err as Error).message}`);
  }
  checkJsonDepth(raw);
  return parsed;
};

const readInput = <B extends Schema, Q extends Schema, P extends Schema>(
  spec: RouteSpec<B, Q, P>,
  event: HttpEvent,
  context: Context,
): RouteInput<B, Q, P> => {
  const raw = rawBody(event);
  const limit = spec.maxBodyBytes ?? DEFAULT_MAX_BODY;
  if (raw.length > limit) throw payloadTooLarge(`Request body is larger than ${limit} bytes`);
  const contentType = mediaType(event);
  let body: unknown;
  if (!spec.rawBody && raw.length > 0) {
    if (contentType && !JSON_TYPES.test(contentType)) {
      throw unsupportedMediaType(`Expected application/json, got ${contentType}`);
    }
    body = parseJson(raw);
  }
  return {
    body: spec.rawBody ? (undefined as Out<B>) : parseWith(spec.body, body, 'request body'),
    query: parseWith(spec.query, event.queryStringParameters ?? {}, 'query parameters'),
    path: parseWith(spec.path, event.pathParameters ?? {}, 'path parameters'),
    raw,
    contentType,
    event,
    context,
  };
};

/** The one place typed errors become the API.md error body; anything unexpected is a logged 500. */
export const toErrorResponse = (err: unknown): HttpResponse => {
  if (err instanceof ApiError) {
    const error: Record<string, unknown> = { code: err.code, message: err.message };
    if (err.details) error.details = err.details;
    return toResponse({ status: err.status, body: { error } });
  }
  logger.error('Unhandled error', err as Error);
  return toResponse({ status: 500, body: { error: { code: 'internal', message: 'Internal server error' } } });
};

const toResponse = (result: HttpResult): HttpResponse => {
  // Every response names its type (API.md), a body-less 204 included.
  const headers: Record<string, string> = { 'content-type': 'application/json', ...result.headers };
  if (result.body === undefined) return { statusCode: result.status, headers };
  const body = typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
  if (result.isBase64Encoded) return { statusCode: result.status, headers, body, isBase64Encoded: true };
  return { statusCode: result.status, headers, body };
};

const errorMapper = (): middy.MiddlewareObj<HttpEvent, HttpResponse> => ({
  onError: (request) => {
    request.response = toErrorResponse(request.error);
  },
});

const chain = (spec: { metrics?: boolean }) => {
  const base = middy<HttpEvent, HttpResponse>()
    .use(tracing())
    // Every log line of a request carries the API Gateway request id, as the access log does.
    .use(
      injectLambdaContext(logger, { resetKeys: true, correlationIdPath: correlationPaths.API_GATEWAY_HTTP }),
    );
  // errorMapper is registered last so its onError runs first and always produces the response.
  return (spec.metrics ? base.use(logMetrics(metrics)) : base).use(errorMapper());
};

/** A route that needs a bearer token; the manifest's scope was already checked by the authorizer. */
export const httpRoute = <
  B extends Schema = undefined,
  Q extends Schema = undefined,
  P extends Schema = undefined,
>(
  spec: RouteSpec<B, Q, P>,
  fn: (input: RouteInput<B, Q, P> & { caller: Caller }) => Promise<HttpResult>,
) =>
  chain(spec).handler(async (event, context) => {
    const auth = event.requestContext.authorizer?.lambda;
    if (auth?.outcome === 'forbidden') throw forbidden();
    const caller = auth?.outcome === 'allow' ? callerFromContext(auth) : undefined;
    if (!caller) throw unauthorized();
    return toResponse(await fn({ ...readInput(spec, event, context), caller }));
  });

/** A route without auth (health, docs, the not-found fallback). */
export const publicRoute = <
  B extends Schema = undefined,
  Q extends Schema = undefined,
  P extends Schema = undefined,
>(
  spec: RouteSpec<B, Q, P>,
  fn: (input: RouteInput<B, Q, P>) => Promise<HttpResult>,
) => chain(spec).handler(async (event, context) => toResponse(await fn(readInput(spec, event, context))));
