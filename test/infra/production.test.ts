import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUrlIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import * as awsCdkCxApi from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { gatehouseJwtAuthorizer } from '../../infra/jwt-authorizer';
import { TABLE } from '../../shared/data/table';
import { PROD_CONTEXT, type Synthesized, synth } from './synth';

/** One synth of a production stage (eu-central-1, so the edge stack is separate), policy packs on. */
let prod: Synthesized;
let consumer: Template;

const resources = (template: Template, type: string) => Object.entries(template.findResources(type)) as Array<[string, any]>;
const ours = (template: Template) =>
  resources(template, 'AWS::Lambda::Function').filter(([, fn]) => fn.Properties.Environment?.Variables?.TABLE_NAME);
const policyOf = (template: Template, id: RegExp) => JSON.stringify(resources(template, 'AWS::IAM::Policy').filter(([key]) => id.test(key)).map(([, policy]) => policy));

beforeAll(() => {
  prod = synth({ ...PROD_CONTEXT }, 'eu-central-1', {
    beside: (app) => {
      // A product stack in the same app: Gatehouse's packs must not judge it (this API has no
      // access logs and a route without authorizer, which AwsSolutions would refuse).
      const product = new Stack(app, 'Product', { env: { account: '123456789012', region: 'eu-central-1' } });
      for (const name of ['Orders', 'Billing']) {
        const api = new HttpApi(product, `${name}Api`);
        api.addRoutes({
          path: '/items',
          methods: [HttpMethod.GET],
          integration: new HttpUrlIntegration(`${name}Backend`, 'https://backend.example.com/items'),
          authorizer: gatehouseJwtAuthorizer(`${name}Gatehouse`, { issuer: 'https://id.acme-corp.io', audience: 'gatehouse' }),
          authorizationScopes: ['items:read'],
        });
      }
    },
  });
  consumer = Template.fromJSON(JSON.parse(readFileSync(join(prod.outdir, 'Product.template.json'), 'utf8')));
}, 600_000);

describe('production stage: configuration (7)', () => {
  it('names the stacks by stage, tags everything, and pins every CDK feature flag', () => {
    expect(prod.stack.stackName).toBe('Gatehouse-prod');
    expect(prod.edge?.stackName).toBe('Gatehouse-prod-edge');
    expect(prod.edge?.region).toBe('us-east-1');
    const tagged = resources(prod.template, 'AWS::Lambda::Function').filter(([, fn]) => fn.Properties.Environment?.Variables?.TABLE_NAME);
    for (const [, fn] of tagged) expect(fn.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'service', Value: 'gatehouse' }, { Key: 'stage', Value: 'prod' }]));
    const flags = Object.keys(JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context).filter((key) => key.startsWith('@aws-cdk'));
    expect(flags.sort()).toEqual(Object.keys((awsCdkCxApi as { CURRENTLY_RECOMMENDED_FLAGS: object }).CURRENTLY_RECOMMENDED_FLAGS).sort());
  });

  it('gives each function only its own table actions: no Scan anywhere, public reads, bulk deletes where sessions end', () => {
    const all = JSON.stringify(prod.template.toJSON());
    expect(all).not.toContain('dynamodb:Scan');
    expect(all).not.toContain('dynamodb:*');
    const actions = (id: RegExp) => {
      const statements = resources(prod.template, 'AWS::IAM::Policy').filter(([key]) => id.test(key)).flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement);
      return statements.flatMap((statement: any) => [statement.Action].flat()).filter((action: string) => action.startsWith('dynamodb:')).sort();
    };
    expect(actions(/^PublicFunctionRole/)).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
    for (const group of ['Me', 'Users']) expect(actions(new RegExp(`^${group}FunctionRole`))).toContain('dynamodb:BatchWriteItem');
    for (const group of ['Auth', 'Org', 'Oauth', 'Oidc', 'BillingImport', 'EmailEvents']) expect(actions(new RegExp(`^${group}FunctionRole`))).not.toContain('dynamodb:BatchWriteItem');
    expect(actions(/^BillingImportFunctionRole/)).not.toContain('dynamodb:DeleteItem');
    // Each function writes its own log group, not every log group (no AWSLambdaBasicExecutionRole).
    for (const [, role] of resources(prod.template, 'AWS::IAM::Role').filter(([key]) => /Function(Role)?/.test(key) && !key.startsWith('Custom'))) {
      expect(JSON.stringify(role.Properties.ManagedPolicyArns ?? [])).not.toContain('AWSLambdaBasicExecutionRole');
    }
  });
});

describe('email (1)', () => {
  it('sends from a DKIM-signed domain identity with its own MAIL FROM, through a suppressing configuration set', () => {
    prod.template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'acme-corp.io',
      DkimAttributes: { SigningEnabled: true },
      DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
      MailFromAttributes: { MailFromDomain: 'bounce.acme-corp.io' },
      ConfigurationSetAttributes: { ConfigurationSetName: Match.anyValue() },
    });
    prod.template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      Name: 'Gatehouse-prod',
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
    prod.template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: { Enabled: true, MatchingEventTypes: ['bounce', 'complaint'], EventBridgeDestination: { EventBusArn: Match.anyValue() } },
    });
    // DKIM (3 CNAMEs), MAIL FROM (MX and SPF) and DMARC in the zone.
    expect(resources(prod.template, 'AWS::Route53::RecordSet').filter(([, record]) => record.Properties.Type === 'CNAME')).toHaveLength(3);
    prod.template.hasResourceProperties('AWS::Route53::RecordSet', { Type: 'MX', Name: 'bounce.acme-corp.io.', ResourceRecords: ['10 feedback-smtp.eu-central-1.amazonses.com'] });
    prod.template.hasResourceProperties('AWS::Route53::RecordSet', { Type: 'TXT', Name: '_dmarc.acme-corp.io.', ResourceRecords: [Match.stringLikeRegexp('p=quarantine')] });
    for (const [, fn] of ours(prod.template)) {
      const env = fn.Properties.Environment.Variables;
      expect(env.EMAIL_FROM).toBe('no-reply@acme-corp.io');
      expect(env.EMAIL_FROM_NAME).toBe('Gatehouse');
      expect(env.EMAIL_CONFIGURATION_SET).toBeDefined();
    }
  });

  it('hands bounces and complaints to the email-events function, and lets senders use the configuration set', () => {
    const [eventsId] = resources(prod.template, 'AWS::Lambda::Function').filter(([key]) => key.startsWith('EmailEventsFunction'))[0]!;
    prod.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.ses'], 'detail-type': ['Email Bounced', 'Email Complaint Received'], detail: { mail: { tags: { 'ses:configuration-set': Match.anyValue() } } } },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [eventsId, 'Arn'] }, DeadLetterConfig: Match.anyValue() })],
    });
    expect(policyOf(prod.template, /^AuthFunctionRole/)).toMatch(/configuration-set\//);
    expect(policyOf(prod.template, /^(Public|Org|Oidc)FunctionRole/)).not.toContain('ses:SendEmail');
  });

  it('alarms at SES’s review thresholds: bounces over 5 %, complaints over 0.1 %', () => {
    prod.template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/SES', MetricName: 'Reputation.BounceRate', Threshold: 0.05 });
    prod.template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/SES', MetricName: 'Reputation.ComplaintRate', Threshold: 0.001 });
  });
});

describe('alarms and tracing (2)', () => {
  it('lets CloudWatch publish to the encrypted alarm topic, which emails the configured address', () => {
    const [keyId, key] = resources(prod.template, 'AWS::KMS::Key').filter(([id]) => id.startsWith('ObservabilityTopicKey'))[0]!;
    const statement = key.Properties.KeyPolicy.Statement.find((each: any) => each.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(statement).toMatchObject({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] });
    expect(statement.Condition.StringEquals['aws:SourceAccount']).toBeDefined();
    expect(JSON.stringify(statement.Condition.ArnLike['aws:SourceArn'])).toContain(':alarm:*');
    prod.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    prod.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@acme-corp.io' });
    const [topicId] = resources(prod.template, 'AWS::SNS::Topic')[0]!;
    for (const [, alarm] of resources(prod.template, 'AWS::CloudWatch::Alarm')) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
  });

  it('alarms on throttles, p99 latency, DynamoDB errors, failed logins and lockouts a minute; a dashboard; X-Ray everywhere', () => {
    prod.template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Throttles', Namespace: 'AWS/Lambda' });
    prod.template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Latency', ExtendedStatistic: 'p99', Threshold: 3000 });
    prod.template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ThrottledRequests', Namespace: 'AWS/DynamoDB' });
    prod.template.hasResourceProperties('AWS::CloudWatch::Alarm', { Metrics: Match.arrayWith([Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'SystemErrors' }) }) })]) });
    // Failed sign-ins and lockouts come from abuse resistance's metrics (infra/constructs/abuse-alarms.ts).
    prod.template.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: Match.stringLikeRegexp('\\$\\.event = "auth\\.login_failed"') });
    prod.template.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: Match.stringLikeRegexp('\\$\\.event = "abuse\\.lockout"') });
    prod.template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'FailedLogins', Namespace: 'Gatehouse/Abuse', Threshold: 100, Period: 60 });
    prod.template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Lockouts', Namespace: 'Gatehouse/Abuse', Threshold: 20, Period: 60 });
    // The email sender drops over-limit import invitations with `abuse.rate_limited`: its log counts too.
    const [senderLogs] = resources(prod.template, 'AWS::Logs::LogGroup').find(([key]) => /EmailSender/.test(key)) ?? [];
    expect(senderLogs).toBeDefined();
    const rateLimitedLogs = resources(prod.template, 'AWS::Logs::MetricFilter')
      .filter(([, filter]) => filter.Properties.MetricTransformations?.[0]?.MetricName === 'RateLimited')
      .map(([, filter]) => filter.Properties.LogGroupName?.Ref);
    expect(rateLimitedLogs).toContain(senderLogs);
    prod.template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'Gatehouse-prod' });
    // The abuse rows (issue 25): lockouts, spraying blocks and limit hits beside the failed sign-ins.
    const [, dashboard] = resources(prod.template, 'AWS::CloudWatch::Dashboard')[0]!;
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const metric of ['FailedLogins', 'Lockouts', 'SprayBlocks', 'RateLimited']) expect(body).toContain(`\\"Gatehouse/Abuse\\",\\"${metric}\\"`);
    expect(body).toContain('Abuse: spraying blocks and limit hits a minute');
    expect(prod.stack.observability.dashboard).toBeDefined();
    for (const [, fn] of resources(prod.template, 'AWS::Lambda::Function').filter(([key]) => !key.startsWith('Custom'))) {
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    }
    for (const [, group] of resources(prod.template, 'AWS::Logs::LogGroup')) {
      expect(group.Properties.RetentionInDays).toBeGreaterThanOrEqual(365);
      expect(group.Properties.KmsKeyId).toBeDefined();
    }
  });
});

describe('edge (3)', () => {
  it('puts a WAF web ACL with managed and per-route rate rules in us-east-1, attached to the distribution', () => {
    const edge = prod.edgeTemplate!;
    const [, acl] = resources(edge, 'AWS::WAFv2::WebACL')[0]!;
    expect(acl.Properties.Scope).toBe('CLOUDFRONT');
    const names = acl.Properties.Rules.map((rule: any) => rule.Statement.ManagedRuleGroupStatement?.Name ?? rule.Name);
    expect(names).toEqual(expect.arrayContaining(['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet']));
    const rate = (name: string) => acl.Properties.Rules.find((rule: any) => rule.Name === `rate-${name}`)?.Statement.RateBasedStatement;
    expect(rate('login')).toMatchObject({ Limit: 300, AggregateKeyType: 'IP' });
    expect(JSON.stringify(rate('login').ScopeDownStatement)).toContain('/v1/auth/login');
    expect(JSON.stringify(rate('token').ScopeDownStatement)).toContain('/oauth2/token');
    expect(JSON.stringify(rate('signup').ScopeDownStatement)).toContain('/v1/orgs');
    expect(JSON.stringify(rate('forgot').ScopeDownStatement)).toContain('/v1/auth/password/forgot');
    expect(rate('forgot').Limit).toBe(20);
    const [, distribution] = resources(prod.template, 'AWS::CloudFront::Distribution')[0]!;
    expect(JSON.stringify(distribution.Properties.DistributionConfig.WebACLId)).toContain('Gatehouse-prod-edge');
  });

  it('sends the origin secret to API Gateway, which every route function checks, and rotates it', () => {
    const [, distribution] = resources(prod.template, 'AWS::CloudFront::Distribution')[0]!;
    const apiOrigin = distribution.Properties.DistributionConfig.Origins.find((origin: any) => origin.CustomOriginConfig);
    const header = apiOrigin.OriginCustomHeaders.find((each: any) => each.HeaderName === 'x-gatehouse-origin');
    expect(JSON.stringify(header.HeaderValue)).toMatch(/resolve:secretsmanager:.*:SecretString:current/);
    const [secretId] = resources(prod.template, 'AWS::SecretsManager::Secret').filter(([key]) => key.startsWith('OriginSecret'))[0]!;
    for (const [, fn] of ours(prod.template)) expect(fn.Properties.Environment.Variables.ORIGIN_SECRET_ARN).toEqual({ Ref: secretId });
    prod.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(90 days)' });
    expect(policyOf(prod.template, /^OriginSecretFunctionRole/)).toContain('cloudfront:UpdateDistribution');
  });

  it('throttles the stage and the abused routes from configuration', () => {
    prod.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 },
      RouteSettings: {
        'POST /v1/auth/login': { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        'POST /v1/orgs': { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
        'POST /oauth2/token': { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      },
    });
  });
});

describe('keys (4)', () => {
  it('lets only the signing functions read the private keys; the rest read the published public keys', () => {
    const [signingId] = resources(prod.template, 'AWS::SecretsManager::Secret').filter(([key]) => key.startsWith('KeysSigningKeys'))[0]!;
    const readers = resources(prod.template, 'AWS::IAM::Policy')
      .filter(([, policy]) => JSON.stringify(policy).includes(`"Ref":"${signingId}"`))
      .map(([key]) => key.replace(/Role.*$/, ''));
    // The groups that start sessions and so issue tokens: password, OAuth, passkey and SSO sign-ins.
    expect(readers.sort()).toEqual(['AuthFunction', 'KeysKeyProvider', 'OauthFunction', 'PasskeysFunction', 'SsoFunction']);
    for (const [key, fn] of ours(prod.template)) {
      const env = fn.Properties.Environment.Variables;
      if (/^(Auth|Oauth|Passkeys|Sso)Function/.test(key)) expect(env.SIGNING_KEY_SECRET_ARN).toBeDefined();
      else expect([env.SIGNING_KEY_SECRET_ARN, env.PUBLIC_KEYS_PARAMETER !== undefined]).toEqual([undefined, true]);
    }
  });

  it('rotates daily when due (one run at a time) and alarms on the key’s age', () => {
    const [providerId, provider] = resources(prod.template, 'AWS::Lambda::Function').filter(([key]) => key.startsWith('KeysKeyProvider'))[0]!;
    expect(provider.Properties.ReservedConcurrentExecutions).toBe(1);
    expect(provider.Properties.Environment.Variables.KEY_ROTATION_DAYS).toBe('90');
    prod.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [providerId, 'Arn'] }, Input: '{"action":"rotate"}' })],
    });
    prod.template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'SigningKeyAgeDays', Threshold: 92, TreatMissingData: 'breaching' });
  });
});

describe('custom domain (5)', () => {
  it('serves the fixed issuer on the domain with a DNS-validated certificate in us-east-1, and outputs the CNAME target', () => {
    const [, distribution] = resources(prod.template, 'AWS::CloudFront::Distribution')[0]!;
    expect(distribution.Properties.DistributionConfig.Aliases).toEqual(['id.acme-corp.io']);
    expect(distribution.Properties.DistributionConfig.ViewerCertificate).toMatchObject({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' });
    prod.edgeTemplate!.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'id.acme-corp.io', ValidationMethod: 'DNS' });
    prod.template.hasResourceProperties('AWS::Route53::RecordSet', { Type: 'A', Name: 'id.acme-corp.io.', AliasTarget: Match.anyValue() });
    prod.template.hasResourceProperties('AWS::Route53::RecordSet', { Type: 'AAAA', Name: 'id.acme-corp.io.' });
    const outputs = prod.template.toJSON().Outputs;
    expect(outputs.Issuer.Value).toBe('https://id.acme-corp.io');
    expect(JSON.stringify(outputs.CnameTarget.Value)).toContain('DomainName');
    for (const [, fn] of ours(prod.template)) expect(fn.Properties.Environment.Variables.JWT_ISSUER).toBe('https://id.acme-corp.io');
  });
});

describe('data (6)', () => {
  it('backs the table up daily (35 days) and monthly (a year) into the stage’s vault', () => {
    const [, plan] = resources(prod.template, 'AWS::Backup::BackupPlan')[0]!;
    const rules = plan.Properties.BackupPlan.BackupPlanRule;
    expect(rules.map((rule: any) => [rule.RuleName, rule.Lifecycle.DeleteAfterDays])).toEqual([['Daily', 35], ['Monthly', 365]]);
    const [tableId] = resources(prod.template, 'AWS::DynamoDB::GlobalTable')[0]!;
    prod.template.hasResourceProperties('AWS::Backup::BackupSelection', { BackupSelection: { Resources: [{ 'Fn::GetAtt': [tableId, 'Arn'] }] } });
    prod.template.hasResourceProperties('AWS::Backup::BackupVault', { BackupVaultName: 'Gatehouse-prod' });
  });

  it('pins the table and its versioned index: a change here is a migration (README "Changing an index")', () => {
    const [, table] = resources(prod.template, 'AWS::DynamoDB::GlobalTable')[0]!;
    expect(table.Properties.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }]);
    expect(table.Properties.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'usersByLoginV2',
        KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }, { AttributeName: 'gsi1sk', KeyType: 'RANGE' }],
        Projection: {
          ProjectionType: 'INCLUDE',
          NonKeyAttributes: [
            'id', 'resetPending', 'name', 'email', 'type', 'role', 'status', 'emailVerified', 'emailStatus', 'mustChangePassword',
            'mfa', 'origin', 'location', 'createdAt', 'updatedAt', 'lastLoginAt', 'version', 'permissions', 'managedBy', 'locale',
          ],
        },
      },
    ]);
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'ttl', Enabled: true });
    expect(table.Properties.Replicas[0]).toMatchObject({ DeletionProtectionEnabled: true, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } });
    expect(TABLE.usersByLogin.indexName).toMatch(/V\d+$/);
    // DynamoDB's limit for an INCLUDE projection (CloudFormation refuses more).
    expect(TABLE.usersByLogin.projected.length).toBeLessThanOrEqual(20);
  });

  it('adopts a restored table by name and stream instead of its own (gatehouse:tableName, gatehouse:tableStreamArn)', () => {
    const stream = 'arn:aws:dynamodb:eu-central-1:123456789012:table/gatehouse-restored-2026-12-01/stream/2026-12-01T10:00:00.000';
    const adopted = synth({ ...PROD_CONTEXT, 'gatehouse:tableName': 'gatehouse-restored-2026-12-01', 'gatehouse:tableStreamArn': stream }, 'eu-central-1', { policyChecks: false });
    adopted.template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    // Every function reads the adopted table, and the event dispatcher its stream.
    const functions = Object.values(adopted.template.findResources('AWS::Lambda::Function')) as Array<{ Properties: { Environment?: { Variables?: Record<string, unknown> } } }>;
    const tableNames = functions.map((fn) => fn.Properties.Environment?.Variables?.TABLE_NAME).filter((name) => name !== undefined);
    expect(tableNames.length).toBeGreaterThan(5);
    expect(new Set(tableNames)).toEqual(new Set(['gatehouse-restored-2026-12-01']));
    adopted.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { EventSourceArn: stream, StartingPosition: 'TRIM_HORIZON' });
  });

  it('refuses an adopted table without its stream, naming the key', () => {
    expect(() => synth({ ...PROD_CONTEXT, 'gatehouse:tableName': 'gatehouse-restored-2026-12-01' }, 'eu-central-1', { policyChecks: false }))
      .toThrow(/gatehouse:tableStreamArn: is required with gatehouse:tableName/);
    const other = 'arn:aws:dynamodb:eu-central-1:123456789012:table/gatehouse-other/stream/2026-12-01T10:00:00.000';
    expect(() => synth({ ...PROD_CONTEXT, 'gatehouse:tableName': 'gatehouse-restored-2026-12-01', 'gatehouse:tableStreamArn': other }, 'eu-central-1', { policyChecks: false }))
      .toThrow(/gatehouse:tableStreamArn: must be the stream of gatehouse:tableName/);
  });
});

describe('policy as code (8)', () => {
  it('passes cdk-nag AwsSolutions and Serverless over both stacks, with acknowledgements only', () => {
    for (const stack of [prod.stack, prod.edge!]) {
      expect(new AwsSolutionsChecks().validateScope(stack).violations.map((violation) => violation.ruleName)).toEqual([]);
    }
    // Serverless acknowledgements carry the plugin's prefix, which only the synth-time run reads.
    const report = JSON.parse(readFileSync(join(prod.outdir, 'validation-report.json'), 'utf8'));
    const serverless = report.pluginReports.find((plugin: { pluginName: string }) => plugin.pluginName === 'Serverless');
    expect(serverless.conclusion).toBe('success');
    expect(serverless.violations).toEqual([]);
    expect(serverless.suppressedViolations.length).toBeGreaterThan(0);
    expect(new ServerlessChecks().validateScope(prod.stack).violations.length).toBeGreaterThan(0);
    // The packs are real: an unencrypted queue without a dead-letter queue is refused.
    const probe = new Stack(new App(), 'Probe');
    new Queue(probe, 'Plain');
    expect(new AwsSolutionsChecks().validateScope(probe).violations.map((violation) => violation.ruleName)).toContain('AwsSolutions-SQS3');
  });

  it('passes cfn-guard’s Control Tower rules at synth (synth throws on a finding)', () => {
    const report = JSON.parse(readFileSync(join(prod.outdir, 'validation-report.json'), 'utf8'));
    const guard = report.pluginReports.find((plugin: { pluginName: string }) => plugin.pluginName === 'cdk-validator-cfnguard');
    expect(guard.conclusion).toBe('success');
    expect(guard.violations).toEqual([]);
    // Each acknowledged finding is there with its reason, so the rules did run.
    expect(guard.suppressedViolations.length).toBeGreaterThan(0);
  });

  it('leaves a product stack in the same app alone, and gives each of its APIs its own authorizer', () => {
    const authorizers = resources(consumer, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(2);
    expect(new Set(authorizers.map(([, authorizer]) => JSON.stringify(authorizer.Properties.ApiId))).size).toBe(2);
    for (const [, route] of resources(consumer, 'AWS::ApiGatewayV2::Route')) expect(route.Properties.AuthorizationType).toBe('JWT');
  });
});
