import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { Stack } from 'aws-cdk-lib';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUrlIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { buildApp } from '../../infra/app';
import { synth } from './synth';
import { gatehouseJwtAuthorizer } from '../../infra/jwt-authorizer';
import { parseClients } from '../../shared/oauth/client-registry';
import { routeKey, routes } from '../../shared/http/routes';
import { API_PATH_PATTERNS, CONTENT_SECURITY_POLICY } from '../../infra/console/policy';

let template: Template;
let outdir: string;

beforeAll(() => {
  // The dev stage in us-east-1: one stack, its web ACL inside it.
  const built = synth({
      'gatehouse:senderEmail': 'no-reply@example.com',
      'gatehouse:appUrl': 'https://console.example.com',
      'gatehouse:allowedOrigins': ['https://console.example.com'],
      'gatehouse:auditRetentionDays': 400,
      'gatehouse:audience': 'https://api.example.com',
      'gatehouse:clients': [
        { id: 'web', name: 'Web app', type: 'public', redirectUris: ['https://app.example.com/callback'] },
        { id: 'reports', name: 'Reports server', type: 'confidential' },
      ],
  }, 'us-east-1');
  outdir = built.outdir;
  template = built.template;
}, 600_000);

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
    // Ours carry TABLE_NAME; the other is CDK's deploy-time uploader of the console files.
    const functions = (Object.values(template.findResources('AWS::Lambda::Function')) as any[]).filter(
      (fn) => fn.Properties.Environment?.Variables?.TABLE_NAME,
    );
    // public, auth, me, users, org, oauth, oidc, scim, passkeys, sso, events, the invoice import, the
    // email events, and the event dispatcher, webhook sender and email sender.
    expect(functions).toHaveLength(16);
    for (const fn of functions) {
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.LoggingConfig.LogFormat).toBe('JSON');
      const env = fn.Properties.Environment.Variables;
      expect(env.SIGNING_KEY_SECRET_ARN ?? env.PUBLIC_KEYS_PARAMETER).toBeDefined();
      expect(env.LOCAL_KEY_FILE).toBeUndefined();
      expect(env.AUDIT_RETENTION_DAYS).toBe('400');
    }
  });

  it('makes key material at deploy time inside the account, encrypted with a rotating customer key', () => {
    const secrets = Object.entries(template.findResources('AWS::SecretsManager::Secret')) as Array<[string, any]>;
    // The signing keys, the data-key seed, the origin secret and one secret per confidential client.
    expect(secrets).toHaveLength(4);
    for (const [, secret] of secrets) {
      expect(secret.Properties.SecretString).toBeUndefined();
      expect(secret.Properties.KmsKeyId).toBeDefined();
    }
    const [dataId] = secrets.find(([id]) => id.includes('DataKey'))!;
    expect(secrets.find(([id]) => id === dataId)![1].Properties.GenerateSecretString).toMatchObject({ GenerateStringKey: 'seed' });
    // The RSA signing key comes from the key provider, which alone may write its secret.
    const [signingId] = secrets.find(([id]) => id.includes('SigningKeys'))!;
    const [material] = Object.values(template.findResources('Custom::GatehouseSigningKey')) as any[];
    expect(material.Properties.SecretId).toEqual({ Ref: signingId });
    const writers = (Object.entries(template.findResources('AWS::IAM::Policy')) as Array<[string, any]>)
      .filter(([, policy]) => JSON.stringify(policy).includes('secretsmanager:PutSecretValue'))
      .map(([id]) => id);
    // The key provider writes the signing keys; the origin-secret function its own secret.
    expect(writers.sort()).toEqual([expect.stringMatching(/^KeysKeyProvider/), expect.stringMatching(/^OriginSecretFunction/)]);
    // API functions wait for the key to exist.
    const functions = (Object.values(template.findResources('AWS::Lambda::Function')) as any[]).filter((fn) => fn.Properties.Environment?.Variables?.TABLE_NAME);
    const materialId = Object.keys(template.findResources('Custom::GatehouseSigningKey'))[0];
    for (const fn of functions) expect(fn.DependsOn).toContain(materialId);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/PRIVATE KEY|"seed":"/);
  });

  it('lets only the functions that email send, and only from the configured identity', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'no-reply@example.com' });
    const policies = Object.entries(template.findResources('AWS::IAM::Policy')) as Array<[string, any]>;
    const sending = policies.filter(([, policy]) => JSON.stringify(policy).includes('ses:SendEmail')).map(([id]) => id);
    expect(sending.sort()).toEqual(
      policies.filter(([id]) => /^(Auth|Me|Users|Oauth|Scim|Passkeys|Sso)Function|^Events(Webhook|Email)Sender/.test(id)).map(([id]) => id).sort(),
    );
    expect(JSON.stringify(policies)).not.toMatch(/"Action":"\*"/);
  });

  it('feeds the table stream to the dispatcher (new audit items only), with queues, DLQs and a bus for events', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      StartingPosition: 'TRIM_HORIZON',
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: [{ prefix: 'AUDIT#' }] } } } }) }] },
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 2 }, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    template.resourceCountIs('AWS::Events::EventBus', 1);
    const queues = Object.values(template.findResources('AWS::SQS::Queue')) as any[];
    expect(queues.filter((queue) => queue.Properties.RedrivePolicy)).toHaveLength(2);
    expect(queues.every((queue) => queue.Properties.SqsManagedSseEnabled)).toBe(true);
  });

  it('gives the scim function alone the SCIM rate (gatehouse:scimRequestsPerSecond, 50 unless set)', () => {
    const functions = Object.entries(template.findResources('AWS::Lambda::Function')) as Array<[string, { Properties: { Environment?: { Variables?: Record<string, unknown> } } }]>;
    const withRate = functions.filter(([, fn]) => fn.Properties.Environment?.Variables?.GATEHOUSE_LIMIT_SCIM_REQUESTS_PER_SECOND !== undefined);
    expect(withRate.map(([key]) => key.replace(/Function.*$/, ''))).toEqual(['Scim']);
    expect(withRate[0]![1].Properties.Environment!.Variables!.GATEHOUSE_LIMIT_SCIM_REQUESTS_PER_SECOND).toBe('50');
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
    // Errors and throttles per function, the API's 5xx and latency, and the rest (production.test.ts).
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).length).toBeGreaterThan(20);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });

  it('serves the console from a private bucket and the API on the same CloudFront origin, with the CSP', () => {
    const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution')) as any[];
    const config = distribution.Properties.DistributionConfig;
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.Logging).toBeDefined();
    const behaviors = config.CacheBehaviors.map((behavior: any) => behavior.PathPattern).sort();
    expect(behaviors).toEqual([...API_PATH_PATTERNS].sort());
    for (const behavior of config.CacheBehaviors) {
      expect(behavior.AllowedMethods).toEqual(expect.arrayContaining(['POST', 'PATCH', 'DELETE']));
      // CachingDisabled and AllViewerExceptHostHeader: nothing cached, cookies and headers forwarded.
      expect(behavior.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
      expect(behavior.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac');
      // The viewer's address reaches the API with the edge secret the functions hold.
      expect(behavior.FunctionAssociations[0].EventType).toBe('viewer-request');
    }
    const edgeCode = JSON.stringify(
      (Object.values(template.findResources('AWS::CloudFront::Function')) as any[]).map((fn) => fn.Properties.FunctionCode),
    );
    expect(edgeCode).toContain('x-gatehouse-viewer-ip');
    const fn = (Object.values(template.findResources('AWS::Lambda::Function')) as any[]).find((each) => each.Properties.Environment?.Variables?.TABLE_NAME);
    expect(JSON.stringify(fn.Properties.Environment.Variables.EDGE_SECRET)).toContain('AWS::StackId');
    const origins = config.Origins as any[];
    expect(origins.find((origin) => origin.S3OriginConfig)?.OriginAccessControlId).toBeDefined();
    expect(config.DefaultCacheBehavior.FunctionAssociations[0].EventType).toBe('viewer-request');
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: {
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: { ContentSecurityPolicy: CONTENT_SECURITY_POLICY, Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
        }),
      },
    });
    const buckets = Object.values(template.findResources('AWS::S3::Bucket')) as any[];
    for (const bucket of buckets) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toMatchObject({ BlockPublicAcls: true, RestrictPublicBuckets: true });
    }
    template.resourceCountIs('Custom::CDKBucketDeployment', 2);
  });

  it('points emailed links and the token issuer at the console’s own address when no appUrl is set', () => {
    const app = new App({
      outdir: mkdtempSync(join(tmpdir(), 'gatehouse-cdk-')),
      context: { 'gatehouse:senderEmail': 'no-reply@example.com', 'aws:cdk:bundling-stacks': [] },
    });
    const own = Template.fromStack(buildApp(app, { env: { account: '123456789012', region: 'us-east-1' }, policyChecks: false }).stack);
    const [distributionId] = Object.keys(own.findResources('AWS::CloudFront::Distribution'));
    const fn = (Object.values(own.findResources('AWS::Lambda::Function')) as any[]).find((each) => each.Properties.Environment?.Variables?.APP_URL);
    const appUrl = fn.Properties.Environment.Variables.APP_URL;
    expect(JSON.stringify(appUrl)).toContain(distributionId);
    expect(fn.Properties.Environment.Variables.JWT_ISSUER).toEqual(appUrl);
  });

  it('gives the oauth function alone the client secrets, generated at deploy, and every function the registry without secrets', () => {
    const secrets = Object.entries(template.findResources('AWS::SecretsManager::Secret')) as Array<[string, any]>;
    const clientSecrets = secrets.filter(([id]) => id.startsWith('Clients'));
    expect(clientSecrets).toHaveLength(1);
    expect(clientSecrets[0]![1].Properties.GenerateSecretString).toBeDefined();
    expect(clientSecrets[0]![1].Properties.KmsKeyId).toBeDefined();
    const [secretId] = clientSecrets[0]!;
    const readers = (Object.entries(template.findResources('AWS::IAM::Policy')) as Array<[string, any]>)
      .filter(([, policy]) => JSON.stringify(policy).includes(secretId))
      .map(([id]) => id);
    expect(readers).toHaveLength(1);
    expect(readers[0]).toMatch(/^OauthFunction/);
    const fn = (Object.values(template.findResources('AWS::Lambda::Function')) as any[]).find((each) => each.Properties.Environment?.Variables?.OAUTH_CLIENTS);
    const registry = JSON.stringify(fn.Properties.Environment.Variables.OAUTH_CLIENTS);
    expect(registry).toContain('reports');
    expect(registry).toContain(secretId);
    expect(fn.Properties.Environment.Variables.JWT_AUDIENCE).toBe('https://api.example.com');
    const outputs = template.toJSON().Outputs;
    expect(outputs.Issuer.Value).toBe('https://console.example.com');
    expect(outputs.Audience.Value).toBe('https://api.example.com');
  });

  it('refuses a bad gatehouse:clients entry at synth, naming the entry and the field', () => {
    expect(() => parseClients([{ id: 'web', name: 'Web', type: 'public', redirectUris: ['http://evil.example.com/cb'] }])).toThrow(
      /gatehouse:clients\[0\] "web" redirectUris\.0: must be an absolute URI/,
    );
    const app = new App({
      outdir: mkdtempSync(join(tmpdir(), 'gatehouse-cdk-')),
      context: { 'gatehouse:senderEmail': 'no-reply@example.com', 'aws:cdk:bundling-stacks': [], 'gatehouse:clients': [{ id: 'x', type: 'server' }] },
    });
    expect(() => buildApp(app)).toThrow(/gatehouse:clients\[0\] "x"/);
  });

  it('exports an HttpJwtAuthorizer helper: a consumer stack protects a route with authorizationScopes', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'consumer-cdk-')) });
    const consumer = new Stack(app, 'Consumer');
    const api = new HttpApi(consumer, 'Api');
    api.addRoutes({
      path: '/settings',
      methods: [HttpMethod.PUT],
      integration: new HttpUrlIntegration('Backend', 'https://backend.example.com/settings'),
      authorizer: gatehouseJwtAuthorizer('Gatehouse', { issuer: 'https://console.example.com', audience: 'https://api.example.com' }),
      authorizationScopes: ['settings:write'],
    });
    const synthesized = Template.fromStack(consumer);
    synthesized.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: 'https://console.example.com', Audience: ['https://api.example.com'] },
    });
    synthesized.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'PUT /settings',
      AuthorizationType: 'JWT',
      AuthorizationScopes: ['settings:write'],
      AuthorizerId: Match.anyValue(),
    });
  });
});
