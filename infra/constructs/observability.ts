import { Aws, Duration, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  type AlarmProps,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { onlyServiceGrants } from './kms';

export interface ObservabilityProps {
  stage: string;
  /** Who is emailed when an alarm fires (`gatehouse:alarmEmail`). */
  alarmEmail?: string;
}

/**
 * Where Gatehouse's alarms go and what an operator looks at: one encrypted topic that
 * CloudWatch can really publish to, one dashboard, and helpers for alarms and for metrics made
 * from log lines (`event` field, shared/log.ts). Other constructs (abuse alarms, events) add
 * their rows through `alarm`, `eventMetric` and `dashboard`.
 */
export class Observability extends Construct {
  readonly topic: Topic;
  readonly topicKey: Key;
  readonly dashboard: Dashboard;
  /** Namespace of the metrics made from Gatehouse's own log lines and the key-age metric. */
  readonly namespace: string;
  readonly alarms: Alarm[] = [];
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.namespace = `Gatehouse/${props.stage}`;
    this.topicKey = new Key(this, 'TopicKey', { enableKeyRotation: true, description: `Encrypts Gatehouse-${props.stage} alarm notifications` });
    // Without this, CloudWatch cannot encrypt its message for a topic under a customer key, and
    // every alarm notification is dropped without an error anywhere (aws-readiness B1).
    this.topicKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
        },
      }),
    );
    onlyServiceGrants(this.topicKey);
    this.topic = new Topic(this, 'Alarms', { masterKey: this.topicKey, enforceSSL: true, displayName: `Gatehouse-${props.stage} alarms` });
    if (props.alarmEmail) {
      this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
      Validations.of(this.topic).acknowledge({
        id: 'Serverless::Serverless-SNSRedrivePolicy',
        reason: 'An undeliverable alarm email would sit in a queue nobody reads; the alarm state stays in CloudWatch and on the dashboard.',
      });
    }
    this.action = new SnsAction(this.topic);
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `Gatehouse-${props.stage}`, defaultInterval: Duration.hours(6) });
    // The widget reads the list when the template is written, so alarms added later show too.
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 6 }));
  }

  /** An alarm that notifies the topic, when it fires and when it recovers. */
  alarm(id: string, props: Omit<AlarmProps, 'evaluationPeriods'> & { evaluationPeriods?: number }): Alarm {
    const alarm = new Alarm(this, id, {
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      ...props,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }

  /**
   * A count per minute of the log lines whose `event` is `event` (e.g. `auth.login_failed`),
   * across the given log groups; one metric filter per group into one metric.
   */
  eventMetric(event: string, logGroups: readonly ILogGroup[], options: { period?: Duration } = {}): Metric {
    const metricName = event.replace(/[^A-Za-z0-9]+(.)/g, (_, next: string) => next.toUpperCase()).replace(/^./, (first) => first.toUpperCase());
    logGroups.forEach((logGroup, index) => {
      new MetricFilter(this, `${metricName}Filter${index}`, {
        logGroup,
        filterPattern: FilterPattern.stringValue('$.event', '=', event),
        metricNamespace: this.namespace,
        metricName,
        metricValue: '1',
        defaultValue: 0,
      });
    });
    return new Metric({ namespace: this.namespace, metricName, statistic: 'Sum', period: options.period ?? Duration.minutes(1) });
  }

  /** A row of graphs on the dashboard. */
  row(title: string, metrics: IMetric[], right: IMetric[] = []): void {
    this.dashboard.addWidgets(new GraphWidget({ title, left: metrics, right, width: 24, height: 6 }));
  }
}
