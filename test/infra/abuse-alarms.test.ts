import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { ABUSE_EVENTS, ABUSE_NAMESPACE, AbuseAlarms } from '../../infra/constructs/abuse-alarms';
import { limitsEnvironment } from '../../infra/limits';
import { HouseFunction } from '../../infra/constructs/house-function';
import { ContextSettingError } from '../../shared/context-settings';

function build() {
  const stack = new Stack(new App(), 'Test');
  const logGroups = [new LogGroup(stack, 'AuthLogs'), new LogGroup(stack, 'UsersLogs')];
  const topic = new Topic(stack, 'Alarms');
  const construct = new AbuseAlarms(stack, 'AbuseAlarms', { logGroups, topic });
  return { template: Template.fromStack(stack), construct };
}

describe('abuse alarms', () => {
  // Synthesized once: the first synth in a process pays for loading the CDK.
  let built: ReturnType<typeof build>;
  beforeAll(() => {
    built = build();
  });

  it('turns each abuse log event into one metric, from every function log group', () => {
    const { template } = built;
    template.resourceCountIs('AWS::Logs::MetricFilter', 4 * 2);
    for (const { event, metric } of Object.values(ABUSE_EVENTS)) {
      template.hasResourceProperties('AWS::Logs::MetricFilter', {
        FilterPattern: Match.stringLikeRegexp(`\\$\\.event = "${event.replace('.', '\\.')}"`),
        MetricTransformations: [Match.objectLike({ MetricNamespace: ABUSE_NAMESPACE, MetricName: metric, MetricValue: '1' })],
      });
    }
  });

  it('alarms on lockouts, spraying blocks, limit hits and failed sign-ins per minute, to the alarm topic', () => {
    const { template, construct } = built;
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Lockouts', Namespace: ABUSE_NAMESPACE, Threshold: 20, Period: 60, Statistic: 'Sum',
      AlarmActions: [Match.objectLike({ Ref: Match.stringLikeRegexp('^Alarms') })],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'FailedLogins', Threshold: 100 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'SprayBlocks' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'RateLimited' });
    expect(construct.dashboardWidgets).toHaveLength(2);
  });
});

describe('gatehouse:limits', () => {
  it('becomes the functions’ environment, only the keys it sets', () => {
    expect(limitsEnvironment(undefined)).toEqual({});
    expect(limitsEnvironment({ GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_IP: 50 })).toEqual({ GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_IP: '50' });
    expect(limitsEnvironment('{"GATEHOUSE_LIMIT_SIGNUPS_PER_IP_PER_HOUR":"3"}')).toEqual({ GATEHOUSE_LIMIT_SIGNUPS_PER_IP_PER_HOUR: '3' });
  });

  it('names the key and the problem of a mistake', () => {
    expect(() => limitsEnvironment({ GATEHOUSE_LIMIT_LOGINS: 5 })).toThrow(ContextSettingError);
    expect(() => limitsEnvironment({ GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_IP: 0 })).toThrow(/GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_IP: must be a whole number/);
    expect(() => limitsEnvironment({ TRUST_PROXY: 1 })).toThrow(/TRUST_PROXY: not a limit/);
    expect(() => limitsEnvironment([5])).toThrow(/must be an object/);
  });

  it('reaches every house function from the context', () => {
    const app = new App({ context: { 'gatehouse:limits': { GATEHOUSE_LIMIT_EMAILS_PER_RECIPIENT_PER_HOUR: 7 }, 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Limits');
    new HouseFunction(stack, 'Fn', { group: 'public' });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ GATEHOUSE_LIMIT_EMAILS_PER_RECIPIENT_PER_HOUR: '7' }) },
    });
  });
});
