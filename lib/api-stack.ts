import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { type CfnStage, CorsHttpMethod, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { CACHE_SECONDS } from '../shared/core/resource-env.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { ServiceFunction } from './constructs/service-function.ts';
import {
  authorizer as authorizerSettings,
  consumerEnvironment,
  consumers,
  functionId,
  routeAuthMap,
  routes,
} from './routes.ts';
import { importResources } from './stack-resources.ts';

export interface ApiStackProps extends StackProps {
  /** The namePrefix the stateful stack was deployed with. */
  namePrefix: string;
  corsOrigins?: string[];
  /** Steady-state requests per second and burst for the whole API. */
  throttle?: { rateLimit: number; burstLimit: number };
}

const PUBLIC = 'Public by contract (API.md): health, OpenAPI, docs and the not-found fallback need no token.';
const acknowledgePublic = (route: Construct) =>
  Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason: PUBLIC });

// Findings that every function of the stack shares, each for a reason that holds for all of them.
const acknowledgeFunctionDefaults = (stack: Stack) => {
  const v = Validations.of(stack);
  v.acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'The managed basic execution role grants only CloudWatch Logs writes.',
  });
};

/** The HTTP API, one function per manifest route, the authorizer and the queue consumers. */
export class ApiStack extends Stack {
  readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const resources = importResources(this, props.namePrefix);

    const authorizerFn = new ServiceFunction(this, functionId(authorizerSettings.handler), {
      settings: authorizerSettings,
      resources,
      environment: {
        ROUTE_AUTH: JSON.stringify(routeAuthMap()),
        AUTH_CACHE_TTL_SECONDS: String(CACHE_SECONDS.authKeyLookup),
      },
    });
    // No identity source: a missing Authorization header must reach our code to get the API.md 401
    // body (API Gateway would answer its own). Without one API Gateway cannot cache, so the
    // authorizer caches key look-ups itself for up to 60 s.
    const authorizer = new HttpLambdaAuthorizer('TokenAuthorizer', authorizerFn, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: [],
      resultsCacheTtl: Duration.seconds(0),
    });

    const functions = new Map<string, ServiceFunction[]>();
    const track = (handler: string, fn: ServiceFunction) => {
      const feature = handler.split('/')[1]!;
      functions.set(feature, [...(functions.get(feature) ?? []), fn]);
      return fn;
    };
    track(authorizerSettings.handler, authorizerFn);

    const fallback = routes.find((r) => r.path === '$default');
    this.api = new HttpApi(this, 'HttpApi', {
      description: 'Eye serverless API',
      corsPreflight: {
        allowOrigins: props.corsOrigins ?? ['*'],
        allowMethods: [CorsHttpMethod.ANY],
        allowHeaders: ['authorization', 'content-type'],
        maxAge: Duration.hours(1),
      },
      defaultIntegration: fallback
        ? new HttpLambdaIntegration(
            'DefaultIntegration',
            track(
              fallback.handler,
              new ServiceFunction(this, functionId(fallback.handler), { settings: fallback, resources }),
            ),
          )
        : undefined,
    });
    const throttle = props.throttle ?? { rateLimit: 1000, burstLimit: 2000 };
    const stage = this.api.defaultStage?.node.defaultChild as CfnStage;
    stage.defaultRouteSettings = {
      throttlingRateLimit: throttle.rateLimit,
      throttlingBurstLimit: throttle.burstLimit,
    };
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        routeKey: '$context.routeKey',
        status: '$context.status',
        latencyMs: '$context.responseLatency',
        integrationError: '$context.integrationErrorMessage',
        authorizerError: '$context.authorizer.error',
      }),
    };

    for (const route of routes) {
      if (route.path === '$default') continue;
      const fn = track(
        route.handler,
        new ServiceFunction(this, functionId(route.handler), { settings: route, resources }),
      );
      const [added] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${functionId(route.handler)}Integration`, fn),
        authorizer: route.auth === 'public' ? undefined : authorizer,
      });
      if (route.auth === 'public' && added) acknowledgePublic(added);
    }

    for (const consumer of consumers) {
      const fn = track(
        consumer.handler,
        new ServiceFunction(this, functionId(consumer.handler), {
          settings: { ...consumer, environment: consumerEnvironment(consumer) },
          resources,
        }),
      );
      fn.addEventSource(
        new SqsEventSource(resources.queues[consumer.queue], {
          batchSize: consumer.batchSize,
          maxBatchingWindow: consumer.maxBatchingWindowSeconds
            ? Duration.seconds(consumer.maxBatchingWindowSeconds)
            : undefined,
          maxConcurrency: consumer.maxConcurrency,
          reportBatchItemFailures: true,
        }),
      );
    }

    const defaultRoute = this.api.node.tryFindChild('DefaultRoute');
    if (defaultRoute) acknowledgePublic(defaultRoute);
    acknowledgeFunctionDefaults(this);

    new Monitoring(this, 'Monitoring', {
      api: this.api,
      functions,
      deadLetterQueues: Object.values(resources.deadLetterQueues),
      dashboardName: `${props.namePrefix}-overview`,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
    new CfnOutput(this, 'AdminTokenSecretName', { value: resources.names.secret('ADMIN_TOKEN') });
  }
}
