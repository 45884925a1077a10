import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { callerOfHeader } from '../../shared/applications/use-cases/identify.ts';
import { type AuthContext, decideAccess, type RouteAuth, toAuthContext } from '../../shared/core/auth.ts';
import { env } from '../../shared/core/env.ts';
import { logger, tracing } from '../../shared/core/observability.ts';

const routeAuth: Record<string, RouteAuth> = JSON.parse(env.ROUTE_AUTH ?? '{}');

// Always "authorized": HTTP APIs answer a deny with their own body, so the verdict travels in the
// context and the route's HTTP chain answers 401/403 with the API.md error body.
export const handler = middy<
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult<AuthContext>
>()
  .use(tracing())
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const required = routeAuth[event.routeKey] ?? 'admin';
    const header = event.headers?.authorization ?? event.headers?.Authorization;
    const caller = await callerOfHeader(header, env.AUTH_CACHE_TTL_SECONDS);
    return { isAuthorized: true, context: toAuthContext(decideAccess(required, caller), caller) };
  });
