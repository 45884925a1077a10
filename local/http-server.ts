import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type FunctionSettings, type RouteDef, routeKey, routes } from '../lib/routes.ts';
import { LOCAL_AWS } from './iam/aws-account.ts';
import type { Invoke } from './lambda.ts';

// Turns HTTP requests into API Gateway HTTP API (payload 2.0) events, runs the authorizer and the
// route's handler from the manifest, and writes the result back the way API Gateway would.

const MAX_BODY_BYTES = 10 * 1024 * 1024; // API Gateway HTTP API's payload limit
// API Gateway's integration timeout: past it the client gets 503 while the function runs on.
const INTEGRATION_TIMEOUT_MS = 30_000;
const TEXT_TYPES = /^(text\/|application\/(.+\+)?(json|xml|x-ndjson|javascript|x-www-form-urlencoded|csv))/;

interface CompiledRoute {
  def: RouteDef;
  key: string;
  pattern: RegExp | undefined;
  params: string[];
  invoke: Invoke;
}

const compile = (def: RouteDef, invoke: Invoke): CompiledRoute => {
  const params: string[] = [];
  const pattern =
    def.path === '$default'
      ? undefined
      : new RegExp(
          `^${def.path.replace(/\{([^}+]+)\+?\}|[.*+?^$()|[\]\\]/g, (m, name: string | undefined) => {
            if (!name) return `\\${m}`;
            params.push(name);
            return m.endsWith('+}') ? '(.+)' : '([^/]+)';
          })}$`,
        );
  return { def, key: routeKey(def), pattern, params, invoke };
};

// API Gateway hands a malformed escape (`%zz`) to the function as it was sent rather than failing.
const decodePathPart = (part: string) => {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
};

const match = (compiled: CompiledRoute[], method: string, path: string) => {
  for (const route of compiled) {
    if (!route.pattern || (route.def.method !== method && route.def.method !== 'ANY')) continue;
    const m = route.pattern.exec(path);
    if (!m) continue;
    const pathParameters = Object.fromEntries(route.params.map((p, i) => [p, decodePathPart(m[i + 1]!)]));
    return { route, pathParameters };
  }
  const fallback = compiled.find((r) => r.def.path === '$default')!;
  return { route: fallback, pathParameters: undefined };
};

const readBody = (req: IncomingMessage) =>
  new Promise<Buffer | 'too_large'>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? 'too_large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });

const toEvent = (
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  route: CompiledRoute,
  pathParameters: Record<string, string> | undefined,
): APIGatewayProxyEventV2 => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const contentType = headers['content-type'] ?? '';
  const isBase64Encoded = body.length > 0 && !TEXT_TYPES.test(contentType);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: route.key,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies: headers.cookie?.split(';').map((c) => c.trim()),
    headers,
    queryStringParameters: url.search ? query : undefined,
    pathParameters,
    requestContext: {
      accountId: LOCAL_AWS.accountId,
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: route.key,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    body: body.length ? body.toString(isBase64Encoded ? 'base64' : 'utf8') : undefined,
    isBase64Encoded,
  };
};

const send = (res: ServerResponse, result: APIGatewayProxyStructuredResultV2, requestId: string) => {
  const body = result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : undefined;
  res.writeHead(result.statusCode ?? 200, {
    ...result.headers,
    'apigw-requestid': requestId,
    'content-length': String(body?.length ?? 0),
  });
  res.end(body);
};

const sendJson = (res: ServerResponse, status: number, body: unknown) =>
  send(
    res,
    { statusCode: status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    randomUUID(),
  );

/** What API Gateway itself answers when the integration fails (API.md "Conventions"), not our error body. */
const GATEWAY_ERRORS = {
  integrationFailed: { status: 500, body: { message: 'Internal Server Error' } },
  integrationTimeout: { status: 503, body: { message: 'Service Unavailable' } },
} as const;

const sendGatewayError = (res: ServerResponse, error: (typeof GATEWAY_ERRORS)[keyof typeof GATEWAY_ERRORS]) =>
  sendJson(res, error.status, error.body);

class IntegrationTimeout extends Error {}

const withIntegrationTimeout = <T>(work: Promise<T>, timeoutMs: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new IntegrationTimeout()), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
};

/**
 * The HTTP API: `invokerOf` gives the local Lambda of a manifest function. A function that fails —
 * throws past its chain, crashes, runs out of memory or past its timeout — gets API Gateway's own 500;
 * one still running after API Gateway's 30 s gets its 503.
 */
export const startHttpServer = async (
  port: number,
  invokerOf: (settings: FunctionSettings) => Invoke,
  authorizerSettings: FunctionSettings,
  { host = '127.0.0.1', integrationTimeoutMs = INTEGRATION_TIMEOUT_MS } = {},
): Promise<Server> => {
  const authorize = invokerOf(authorizerSettings);
  const compiled = routes.map((def) => compile(def, invokerOf(def)));
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const body = await readBody(req);
      if (body === 'too_large')
        return sendJson(res, 413, {
          error: { code: 'payload_too_large', message: 'Request body exceeds 10 MB' },
        });
      const { route, pathParameters } = match(compiled, req.method ?? 'GET', url.pathname);
      const event = toEvent(req, url, body, route, pathParameters);
      if (route.def.auth !== 'public') {
        const verdict = (await withIntegrationTimeout(
          authorize({ ...event, type: 'REQUEST', identitySource: [] }),
          integrationTimeoutMs,
        )) as { context?: unknown };
        (event.requestContext as unknown as { authorizer: unknown }).authorizer = { lambda: verdict.context };
      }
      const result = (await withIntegrationTimeout(
        route.invoke(event),
        integrationTimeoutMs,
      )) as APIGatewayProxyStructuredResultV2;
      send(res, result, event.requestContext.requestId);
    } catch (err) {
      if (res.headersSent) return;
      if (err instanceof IntegrationTimeout) return sendGatewayError(res, GATEWAY_ERRORS.integrationTimeout);
      console.error(`local http: ${req.method} ${req.url}: ${(err as Error).message}`);
      sendGatewayError(res, GATEWAY_ERRORS.integrationFailed);
    }
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return server;
};
