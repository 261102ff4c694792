import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { routeKey, routes } from '../../shared/http/routes';

let template: Template;
let outdir: string;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'gatehouse-cdk-'));
  const app = new App({
    outdir,
    context: {
      'gatehouse:senderEmail': 'no-reply@example.com',
      'gatehouse:appUrl': 'https://console.example.com',
      'gatehouse:allowedOrigins': ['https://console.example.com'],
      'gatehouse:auditRetentionDays': 400,
      // The bundles are not needed to check the template; skipping them keeps this test fast.
      'aws:cdk:bundling-stacks': [],
    },
  });
  const { stack } = buildApp(app);
  // Synth runs cdk-nag's AwsSolutions pack; any unacknowledged finding makes it throw.
  app.synth();
  template = Template.fromStack(stack);
});

describe('the AWS stack', () => {
  it('passes cdk-nag AwsSolutions with every exception acknowledged', () => {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    const violations = report.pluginReports.flatMap((plugin: { violations?: unknown[] }) => plugin.violations ?? []);
    expect(violations).toEqual([]);
  });

  it('has one on-demand table with point-in-time recovery, TTL and deletion protection, without a fixed name', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    const [table] = Object.values(template.findResources('AWS::DynamoDB::GlobalTable')) as any[];
    expect(table.Properties.TableName).toBeUndefined();
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'ttl', Enabled: true });
    expect(table.Properties.Replicas[0]).toMatchObject({
      DeletionProtectionEnabled: true,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    expect(table.DeletionPolicy).toBe('Retain');
  });

  it('routes exactly the route table (plus the 404 catch-all), no more, no less', () => {
    const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route: any) => route.Properties.RouteKey).sort();
    expect(keys).toEqual([...routes.map(routeKey), 'ANY /{proxy+}'].sort());
  });

  it('throttles the API and writes access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
  });

  it('runs every function on arm64 with JSON logs, and hands them key ARNs, never key material', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
    expect(functions).toHaveLength(6);
    for (const fn of functions) {
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.LoggingConfig.LogFormat).toBe('JSON');
      const env = fn.Properties.Environment.Variables;
      expect(env.SIGNING_KEY_SECRET_ARN).toBeDefined();
      expect(env.LOCAL_KEY_FILE).toBeUndefined();
      expect(env.AUDIT_RETENTION_DAYS).toBe('400');
    }
  });

  it('generates the key seeds at deploy time, encrypted with a rotating customer key', () => {
    const secrets = Object.values(template.findResources('AWS::SecretsManager::Secret')) as any[];
    expect(secrets).toHaveLength(2);
    for (const secret of secrets) {
      expect(secret.Properties.GenerateSecretString).toMatchObject({ GenerateStringKey: 'seed' });
      expect(secret.Properties.SecretString).toBeUndefined();
      expect(secret.Properties.KmsKeyId).toBeDefined();
    }
    expect(JSON.stringify(template.toJSON())).not.toMatch(/PRIVATE KEY|"seed":"/);
  });

  it('lets only the functions that email send, and only from the configured identity', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'no-reply@example.com' });
    const policies = Object.entries(template.findResources('AWS::IAM::Policy')) as Array<[string, any]>;
    const sending = policies.filter(([, policy]) => JSON.stringify(policy).includes('ses:SendEmail')).map(([id]) => id);
    expect(sending.sort()).toEqual(
      policies.filter(([id]) => /^(Auth|Me|Users)Function/.test(id)).map(([id]) => id).sort(),
    );
    expect(JSON.stringify(policies)).not.toMatch(/"Action":"\*"/);
  });

  it('has an invoice-import function that no API route reaches', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const [importId] = Object.entries(functions).find(([, fn]: [string, any]) => /invoice import/.test(fn.Properties.Description))!;
    const integrations = JSON.stringify(template.findResources('AWS::ApiGatewayV2::Integration'));
    expect(integrations).not.toContain(importId);
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')) as any[];
    expect(permissions.some((permission) => JSON.stringify(permission.Properties.FunctionName).includes(importId))).toBe(false);
  });

  it('alarms on function errors and API 5xx', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 7);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });
});
