import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, GraphWidget, type IWidget, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** The log events the functions write (field `event` of a logger line; common.md names them). */
export const ABUSE_EVENTS = {
  failedLogins: { event: 'auth.login_failed', metric: 'FailedLogins', label: 'Failed sign-ins' },
  lockouts: { event: 'abuse.lockout', metric: 'Lockouts', label: 'Lockouts (login or device)' },
  sprayBlocks: { event: 'abuse.spray_blocked', metric: 'SprayBlocks', label: 'Sign-ins refused per address (spraying)' },
  rateLimited: { event: 'abuse.rate_limited', metric: 'RateLimited', label: 'Sign-up and email limit hits' },
} as const;

export type AbuseMetric = keyof typeof ABUSE_EVENTS;

export const ABUSE_NAMESPACE = 'Gatehouse/Abuse';

export interface AbuseAlarmsProps {
  /** The log groups of the functions that sign in, sign up and send email. */
  logGroups: ILogGroup[];
  /** Where the alarms go (the stack's alarm topic). */
  topic: ITopic;
  /**
   * Alarm when a metric's count in one minute reaches this. Defaults: failed sign-ins 100 and
   * lockouts 20 a minute (PRODUCT.md "Seeing it"); spraying blocks 20 and limit hits 50.
   */
  thresholds?: Partial<Record<AbuseMetric, number>>;
}

const DEFAULT_THRESHOLDS: Record<AbuseMetric, number> = { failedLogins: 100, lockouts: 20, sprayBlocks: 20, rateLimited: 50 };

/**
 * What abuse resistance shows operations: one metric per abuse log event (metric filters on
 * every function's log group, summed in one metric), an alarm on each, and dashboard widgets
 * for whoever owns the dashboard to place (`dashboardWidgets`).
 */
export class AbuseAlarms extends Construct {
  readonly metrics: Record<AbuseMetric, Metric>;
  readonly alarms: Record<AbuseMetric, Alarm>;
  /** Two graphs: sign-in failures and lockouts; spraying blocks and limit hits. */
  readonly dashboardWidgets: IWidget[];

  constructor(scope: Construct, id: string, props: AbuseAlarmsProps) {
    super(scope, id);
    const thresholds = { ...DEFAULT_THRESHOLDS, ...props.thresholds };
    const names = Object.keys(ABUSE_EVENTS) as AbuseMetric[];
    this.metrics = {} as Record<AbuseMetric, Metric>;
    this.alarms = {} as Record<AbuseMetric, Alarm>;

    for (const name of names) {
      const { event, metric, label } = ABUSE_EVENTS[name];
      // A line the logger wrote is JSON with `event` at the top; should the runtime wrap it
      // (Lambda's JSON log format around console output) it sits under `message`.
      const pattern = FilterPattern.any(FilterPattern.stringValue('$.event', '=', event), FilterPattern.stringValue('$.message.event', '=', event));
      props.logGroups.forEach((logGroup, index) => {
        new MetricFilter(this, `${metric}Filter${index}`, {
          logGroup,
          filterPattern: pattern,
          metricNamespace: ABUSE_NAMESPACE,
          metricName: metric,
          metricValue: '1',
          defaultValue: 0,
        });
      });
      // No label here: a labelled metric makes the alarm a metric-math alarm for nothing.
      this.metrics[name] = new Metric({ namespace: ABUSE_NAMESPACE, metricName: metric, statistic: 'Sum', period: Duration.minutes(1) });
      this.alarms[name] = new Alarm(this, `${metric}Alarm`, {
        alarmDescription: `Gatehouse: ${label.toLowerCase()} reached ${thresholds[name]} in a minute (log event ${event})`,
        metric: this.metrics[name],
        threshold: thresholds[name],
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      this.alarms[name].addAlarmAction(new SnsAction(props.topic));
    }

    const labelled = (name: AbuseMetric) => this.metrics[name].with({ label: ABUSE_EVENTS[name].label });
    this.dashboardWidgets = [
      new GraphWidget({ title: 'Sign-in failures and lockouts', left: [labelled('failedLogins')], right: [labelled('lockouts')], width: 12 }),
      new GraphWidget({ title: 'Spraying blocks and limit hits', left: [labelled('sprayBlocks'), labelled('rateLimited')], width: 12 }),
    ];
  }
}
