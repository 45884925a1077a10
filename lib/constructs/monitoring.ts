import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TELEMETRY } from '../../shared/core/resource-env.ts';

export interface MonitoringProps {
  api: HttpApi;
  /** Functions by feature, as the dashboard groups them. */
  functions: Map<string, IFunction[]>;
  deadLetterQueues: IQueue[];
  dashboardName: string;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * Alarms on what needs a person (API 5xx rate, any Lambda error or throttle) and one dashboard.
 * The DLQ alarms live with the queues in the stateful stack. Alarms carry no action here: attach
 * your on-call topic to them.
 */
export class Monitoring extends Construct {
  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { api } = props;
    const serverErrorRate = new MathExpression({
      label: '5xx %',
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: {
        errors: api.metricServerError({ period: FIVE_MINUTES }),
        requests: api.metricCount({ period: FIVE_MINUTES }),
      },
      period: FIVE_MINUTES,
    });
    new Alarm(this, 'Api5xxRate', {
      alarmDescription: 'More than 1% of API requests answered 5xx for 15 minutes',
      metric: serverErrorRate,
      threshold: 1,
      evaluationPeriods: 3,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    for (const fns of props.functions.values()) {
      for (const fn of fns) {
        const name = fn.node.id;
        new Alarm(this, `${name}Errors`, {
          alarmDescription: `${name} threw (an unhandled error or a timeout)`,
          metric: fn.metricErrors({ period: FIVE_MINUTES }),
          threshold: 0,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        });
        new Alarm(this, `${name}Throttles`, {
          alarmDescription: `${name} was throttled (concurrency limit reached)`,
          metric: fn.metricThrottles({ period: FIVE_MINUTES }),
          threshold: 0,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        });
      }
    }

    const dashboard = new Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName });
    dashboard.addWidgets(
      new GraphWidget({
        title: 'API requests and errors',
        left: [api.metricCount(), api.metricClientError(), api.metricServerError()],
        width: 12,
      }),
      new GraphWidget({
        title: 'API latency (p50, p99)',
        left: [api.metricLatency({ statistic: 'p50' }), api.metricLatency({ statistic: 'p99' })],
        width: 12,
      }),
    );
    for (const [feature, fns] of props.functions) {
      dashboard.addWidgets(
        new GraphWidget({
          title: `${feature}: Lambda errors and throttles`,
          left: fns.flatMap((fn) => [fn.metricErrors(), fn.metricThrottles()]),
          width: 12,
        }),
        new GraphWidget({
          title: `${feature}: Lambda duration p99`,
          left: fns.map((fn) => fn.metricDuration({ statistic: 'p99' })),
          width: 12,
        }),
      );
    }
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Dead-letter queues (messages waiting)',
        left: props.deadLetterQueues.map((q) => q.metricApproximateNumberOfMessagesVisible()),
        width: 12,
      }),
      new GraphWidget({
        title: 'Events accepted and stored (Powertools metrics)',
        left: ['events_accepted', 'events_stored'].map(
          (metricName) =>
            new Metric({
              namespace: TELEMETRY.metricsNamespace,
              metricName,
              dimensionsMap: { service: TELEMETRY.serviceName },
              statistic: 'Sum',
            }),
        ),
        width: 12,
      }),
    );
  }
}
