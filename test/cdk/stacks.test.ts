import { beforeAll, describe, expect, test } from '@jest/globals';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { QUEUES, TABLES } from '../../lib/resources.ts';
import { consumers, routeKey, routes } from '../../lib/routes.ts';
import { synthStacks } from './synth.ts';

let api: Template;
let stateful: Template;
beforeAll(() => {
  ({ apiTemplate: api, statefulTemplate: stateful } = synthStacks());
});

const resourcesOf = (template: Template, type: string) =>
  Object.values(template.findResources(type)) as any[];

describe('API stack', () => {
  test('every manifest route and consumer has its own Node.js 24 arm64 function, plus the authorizer', () => {
    const functions = resourcesOf(api, 'AWS::Lambda::Function').filter(
      (f) => f.Properties.Runtime === 'nodejs24.x',
    );
    expect(functions).toHaveLength(routes.length + consumers.length + 1);
    for (const fn of functions) expect(fn.Properties.Architectures).toEqual(['arm64']);
  });

  test('every route is registered with its method and path, and only public ones skip the authorizer', () => {
    const registered = resourcesOf(api, 'AWS::ApiGatewayV2::Route');
    for (const route of routes) {
      const found = registered.find((r) => r.Properties.RouteKey === routeKey(route));
      expect(found).toBeDefined();
      expect(found.Properties.AuthorizationType ?? 'NONE').toBe(route.auth === 'public' ? 'NONE' : 'CUSTOM');
    }
  });

  test('the authorizer answers with simple responses and is never cached beyond 60 s', () => {
    api.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      AuthorizerPayloadFormatVersion: '2.0',
      AuthorizerResultTtlInSeconds: Match.anyValue(),
    });
    for (const a of resourcesOf(api, 'AWS::ApiGatewayV2::Authorizer')) {
      expect(a.Properties.AuthorizerResultTtlInSeconds).toBeLessThanOrEqual(60);
    }
  });

  test('every consumer reads its queue with partial batch responses', () => {
    const mappings = resourcesOf(api, 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(consumers.length);
    for (const m of mappings) expect(m.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
  });

  test('no function is granted a wildcard action', () => {
    for (const policy of resourcesOf(api, 'AWS::IAM::Policy')) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        const actions = [statement.Action].flat();
        for (const action of actions) expect(action).not.toMatch(/(^\*$|:\*$)/);
      }
    }
  });

  test('every function has an error and a throttle alarm, the API a 5xx-rate alarm, and there is a dashboard', () => {
    const functions = resourcesOf(api, 'AWS::Lambda::Function').filter(
      (f) => f.Properties.Runtime === 'nodejs24.x',
    );
    const alarms = resourcesOf(api, 'AWS::CloudWatch::Alarm');
    const byMetric = (name: string) => alarms.filter((a) => a.Properties.MetricName === name);
    expect(byMetric('Errors')).toHaveLength(functions.length);
    expect(byMetric('Throttles')).toHaveLength(functions.length);
    expect(alarms.some((a) => JSON.stringify(a.Properties.Metrics ?? []).includes('5xx'))).toBe(true);
    expect(resourcesOf(api, 'AWS::CloudWatch::Dashboard')).toHaveLength(1);
  });

  test('API access logs are written as JSON', () => {
    api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
  });

  test('the stage is throttled', () => {
    api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
    });
  });
});

describe('both stacks', () => {
  test('every consumer’s queue keeps messages invisible for at least six times its function’s timeout (AWS guidance)', () => {
    const functions = resourcesOf(api, 'AWS::Lambda::Function');
    const queues = resourcesOf(stateful, 'AWS::SQS::Queue');
    for (const consumer of consumers) {
      const queue = queues.find((q) => q.Properties.QueueName === `test-${consumer.queue}`);
      // The consumer is the function whose event source mapping reads this queue; its timeout is in the template.
      const timeout = functions.find((f) => f.Properties.Timeout === (consumer.timeoutSeconds ?? 10))!
        .Properties.Timeout;
      expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
    }
  });
});

describe('stateful stack', () => {
  test('every table is on-demand, encrypted, point-in-time recoverable and retained', () => {
    const tables = stateful.findResources('AWS::DynamoDB::Table');
    expect(Object.keys(tables)).toHaveLength(TABLES.length);
    for (const table of Object.values(tables) as any[]) {
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true });
      expect(table.Properties.GlobalSecondaryIndexes).toHaveLength(3);
    }
  });

  test('every queue has a DLQ with an alarm, and all are encrypted', () => {
    const queues = resourcesOf(stateful, 'AWS::SQS::Queue');
    expect(queues).toHaveLength(Object.keys(QUEUES).length * 2);
    const withRedrive = queues.filter((q) => q.Properties.RedrivePolicy);
    expect(withRedrive).toHaveLength(Object.keys(QUEUES).length);
    for (const q of queues) expect(q.Properties.SqsManagedSseEnabled).toBe(true);
    expect(resourcesOf(stateful, 'AWS::CloudWatch::Alarm').length).toBeGreaterThanOrEqual(
      Object.keys(QUEUES).length,
    );
  });

  test('the bucket blocks public access, is encrypted and refuses plain HTTP', () => {
    stateful.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: Match.anyValue(),
    });
    stateful.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});
