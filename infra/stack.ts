import { Aws, CfnOutput, type CfnResource, Duration, Fn, Lazy, SecretValue, Stack, type StackProps, Tags, Validations } from 'aws-cdk-lib';
import { Certificate, type ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import { ComparisonOperator, MathExpression, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type ILogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ARecord, AaaaRecord, HostedZone, type IHostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { CloudFrontTarget } from 'aws-cdk-lib/aws-route53-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { FunctionGroup } from '../shared/http/routes';
import type { GatehouseConfig } from './config';
import { AbuseAlarms } from './constructs/abuse-alarms';
import { Api } from './constructs/api';
import { Backup } from './constructs/backup';
import { Events } from './constructs/events';
import { ClientSecrets } from './constructs/client-secrets';
import { Console } from './constructs/console';
import { DataTable, type TableAction } from './constructs/data-table';
import { Email } from './constructs/email';
import { HouseFunction, logDefaultsOf } from './constructs/house-function';
import { Keys } from './constructs/keys';
import { Observability } from './constructs/observability';
import { EdgeProtection } from './edge';

export type { GatehouseConfig } from './config';

const READ: TableAction[] = ['GetItem', 'BatchGetItem', 'Query'];
const WRITE: TableAction[] = ['PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'];

/**
 * What each function group needs: the native argon2 module for hashing passwords, SES for
 * sending email, the private signing keys (only the groups that issue tokens; the others verify
 * with the published public keys), and exactly these table actions (never Scan; BatchWriteItem
 * only where sessions end in bulk). Grants follow this table.
 */
export const NEEDS: Record<FunctionGroup, { hashesPasswords: boolean; sendsEmail: boolean; signs: boolean; table: TableAction[] }> = {
  // Health (reads the probe item), the JWKS, the OpenAPI document and the 404.
  public: { hashesPasswords: false, sendsEmail: false, signs: false, table: ['GetItem', 'Query'] },
  auth: { hashesPasswords: true, sendsEmail: true, signs: true, table: [...READ, ...WRITE] },
  me: { hashesPasswords: true, sendsEmail: true, signs: false, table: [...READ, ...WRITE, 'BatchWriteItem'] },
  users: { hashesPasswords: true, sendsEmail: true, signs: false, table: [...READ, ...WRITE, 'BatchWriteItem'] },
  org: { hashesPasswords: false, sendsEmail: false, signs: false, table: [...READ, ...WRITE] },
  // The code and refresh grants start app sessions, which may email a new-device notice.
  oauth: { hashesPasswords: false, sendsEmail: true, signs: true, table: [...READ, ...WRITE] },
  // The authorization-code flow's browser-facing routes (authorize, complete, userinfo, logout).
  oidc: { hashesPasswords: false, sendsEmail: false, signs: false, table: [...READ, ...WRITE] },
  // SCIM provisioning (/scim/v2) and its settings: a provisioned user is emailed its invitation;
  // deprovisioning ends every session of the user at once.
  scim: { hashesPasswords: false, sendsEmail: true, signs: false, table: [...READ, ...WRITE, 'BatchWriteItem'] },
  // Re-authentication with the password before adding or removing a passkey; passkey notices;
  // passwordless sign-in issues tokens.
  passkeys: { hashesPasswords: true, sendsEmail: true, signs: true, table: [...READ, ...WRITE] },
  // Enterprise SSO: its sign-ins start sessions (new-device notice) and issue tokens; deleting a
  // connection ends the sessions it made.
  sso: { hashesPasswords: false, sendsEmail: true, signs: true, table: [...READ, ...WRITE, 'BatchWriteItem'] },
  // Webhook endpoints and the events API (the senders are functions of their own, infra/constructs/events.ts).
  events: { hashesPasswords: false, sendsEmail: false, signs: false, table: [...READ, ...WRITE] },
};

/** CloudWatch Logs takes only these retentions; config allows a year or more (cfn-guard). */
function retention(days: number): RetentionDays {
  const allowed = Object.values(RetentionDays).filter((value): value is number => typeof value === 'number' && value > 0).sort((a, b) => a - b);
  return (allowed.find((value) => value >= days) ?? RetentionDays.TEN_YEARS) as RetentionDays;
}

export interface GatehouseStackProps extends StackProps {
  config: GatehouseConfig;
  /** The web ACL and certificate from `Gatehouse-<stage>-edge` (us-east-1); made here when this stack is in us-east-1. */
  edge?: EdgeProtection;
}

/**
 * One stage of Gatehouse: table, keys, email, functions, API, console and edge, alarms. One
 * construct per concern; what another concern (abuse alarms, events) needs is a readonly field.
 */
export class GatehouseStack extends Stack {
  readonly config: GatehouseConfig;
  readonly api: Api;
  readonly table: DataTable;
  readonly console: Console;
  readonly keys: Keys;
  readonly email: Email;
  readonly observability: Observability;
  readonly functions: Record<FunctionGroup | 'billing-import' | 'email-events', HouseFunction>;
  readonly edge: EdgeProtection;
  readonly backup: Backup;
  /** The `iss` of every token and the discovery document's `issuer`. */
  readonly issuer: string;
  /** The `aud` of access tokens. */
  readonly audience: string;

  constructor(scope: Construct, id: string, props: GatehouseStackProps) {
    super(scope, id, { ...props, crossRegionReferences: props.crossRegionReferences ?? Boolean(props.edge) });
    const config = (this.config = props.config);
    Tags.of(this).add('service', 'gatehouse');
    Tags.of(this).add('stage', config.stage);
    for (const [key, value] of Object.entries(config.tags)) Tags.of(this).add(key, value);
    logDefaultsOf(this, retention(config.logRetentionDays));

    this.observability = new Observability(this, 'Observability', { stage: config.stage, alarmEmail: config.alarmEmail });
    this.table = new DataTable(this, 'Data', { tableName: config.tableName, tableStreamArn: config.tableStreamArn });
    this.keys = new Keys(this, 'Keys', { rotationDays: config.keyRotationDays, metricNamespace: this.observability.namespace });
    const keys = this.keys;
    const zone: IHostedZone | undefined =
      config.hostedZoneId && config.hostedZoneName ? HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: config.hostedZoneId, zoneName: config.hostedZoneName }) : undefined;
    const inZone = (name?: string) => Boolean(zone && name && `.${name}`.endsWith(`.${config.hostedZoneName}`));
    this.email = new Email(this, 'Email', {
      stage: config.stage,
      identity: config.email.identity,
      domain: config.email.domain,
      mailFromDomain: config.email.mailFromDomain,
      hostedZone: inZone(config.email.domain) ? zone : undefined,
    });

    // CloudFront's origin header: `current` is sent, `previous` still accepted while a rotation spreads.
    const originSecret = new Secret(this, 'OriginSecret', {
      description: `Gatehouse-${config.stage}: the header CloudFront sends to API Gateway (rotated by the origin-secret function)`,
      encryptionKey: keys.encryptionKey,
      generateSecretString: { secretStringTemplate: '{"previous":""}', generateStringKey: 'current', passwordLength: 48, excludePunctuation: true },
    });

    // The issuer is fixed by the domain; only the dev stage may run on the CloudFront address.
    const appUrl = config.appUrl ?? (config.domain ? `https://${config.domain}` : Lazy.string({ produce: () => this.console.url }));
    this.issuer = config.domain ? `https://${config.domain}` : appUrl;
    this.audience = config.audience;
    // The random part of the stack id: unknown outside the account, stable across deploys.
    const edgeSecret = Fn.select(2, Fn.split('/', Aws.STACK_ID));
    const clients = new ClientSecrets(this, 'Clients', { clients: config.clients, encryptionKey: keys.encryptionKey });
    const environment = {
      TABLE_NAME: this.table.table.tableName,
      APP_URL: appUrl,
      EMAIL_FROM: config.email.from,
      EMAIL_FROM_NAME: config.email.fromName,
      EMAIL_CONFIGURATION_SET: this.email.configurationSet.configurationSetName,
      JWT_ISSUER: this.issuer,
      JWT_AUDIENCE: this.audience,
      OAUTH_CLIENTS: clients.registryJson,
      CORS_ORIGINS: config.allowedOrigins.join(','),
      AUDIT_RETENTION_DAYS: String(config.auditRetentionDays),
      EDGE_SECRET: edgeSecret,
      ORIGIN_SECRET_ARN: originSecret.secretArn,
    };
    const materialFirst = (fn: HouseFunction) =>
      // The function itself (not its role, which the KMS key policy names) waits for the key.
      (fn.node.defaultChild as CfnResource).addDependency(keys.material.node.defaultChild as CfnResource);

    const groups = Object.keys(NEEDS) as FunctionGroup[];
    const functions = Object.fromEntries(
      groups.map((group) => {
        const needs = NEEDS[group];
        const fn = new HouseFunction(this, `${group[0]!.toUpperCase()}${group.slice(1)}Function`, {
          group,
          description: `Gatehouse ${group} routes`,
          nativeArgon2: needs.hashesPasswords,
          // The SCIM rate is counted per organization in the table; only the scim function reads it.
          environment: group === 'scim' ? { ...environment, GATEHOUSE_LIMIT_SCIM_REQUESTS_PER_SECOND: String(config.scimRequestsPerSecond) } : environment,
          permissions: config.permissions,
        });
        this.table.grant(fn, needs.table);
        if (needs.signs) keys.grantSign(fn);
        else keys.grantVerify(fn);
        originSecret.grantRead(fn);
        materialFirst(fn);
        if (needs.sendsEmail) this.email.grantSend(fn);
        if (group === 'oauth') clients.grantRead(fn);
        return [group, fn];
      }),
    ) as Record<FunctionGroup, HouseFunction>;

    // Invoices come from the billing integration, never the public API: this function has no
    // route and can only be invoked with IAM (lambda:InvokeFunction on its ARN).
    const billingImport = new HouseFunction(this, 'BillingImportFunction', {
      group: 'billing-import',
      description: 'Gatehouse invoice import (IAM-invoked by the billing integration)',
      environment,
      timeout: Duration.minutes(2),
    });
    this.table.grant(billingImport, ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'ConditionCheckItem']);
    keys.grantVerify(billingImport);
    materialFirst(billingImport);

    const emailEvents = new HouseFunction(this, 'EmailEventsFunction', {
      group: 'email-events',
      description: 'Gatehouse: marks bounced and complained addresses (SES events through EventBridge)',
      environment,
      timeout: Duration.seconds(30),
      memorySize: 256,
      dlqReason: 'EventBridge invokes it; the rule target has its own dead-letter queue (alarmed), which is where undeliverable events wait.',
    });
    this.table.grant(emailEvents, ['GetItem', 'PutItem', 'UpdateItem', 'ConditionCheckItem']);
    keys.grantVerify(emailEvents);
    materialFirst(emailEvents);
    this.email.deliverEventsTo(emailEvents);
    this.functions = { ...functions, 'billing-import': billingImport, 'email-events': emailEvents };

    this.api = new Api(this, 'Api', {
      functions,
      allowedOrigins: config.allowedOrigins,
      throttle: config.throttle,
      routeThrottles: config.routeThrottles,
    });

    // CloudFront reads its web ACL and certificate in us-east-1 only: here when this stack is
    // there, otherwise from Gatehouse-<stage>-edge.
    this.edge = props.edge ?? new EdgeProtection(this, 'Edge', { config });
    const certificate: ICertificate | undefined = config.certificateArn
      ? Certificate.fromCertificateArn(this, 'Certificate', config.certificateArn)
      : this.edge.certificate;
    this.console = new Console(this, 'Console', {
      api: this.api.httpApi,
      edgeSecret,
      webAclId: this.edge.webAcl.attrArn,
      originSecret: SecretValue.secretsManager(originSecret.secretArn, { jsonField: 'current' }).unsafeUnwrap(),
      domain: config.domain && certificate ? { names: [config.domain], certificate } : undefined,
    });
    if (zone && config.domain) {
      const target = RecordTarget.fromAlias(new CloudFrontTarget(this.console.distribution));
      new ARecord(this, 'DomainA', { zone, recordName: `${config.domain}.`, target });
      new AaaaRecord(this, 'DomainAaaa', { zone, recordName: `${config.domain}.`, target });
    }

    const rotateOrigin = new HouseFunction(this, 'OriginSecretFunction', {
      group: 'origin-secret',
      description: 'Gatehouse: rotates the CloudFront origin secret',
      timeout: Duration.minutes(1),
      memorySize: 256,
      reservedConcurrentExecutions: 1,
      dlqReason: 'Scheduled: a failed rotation leaves the current secret in force (nothing to replay), and its errors alarm.',
      environment: { ORIGIN_SECRET_ARN: originSecret.secretArn, DISTRIBUTION_ID: this.console.distribution.distributionId },
    });
    // It writes the secret and never reads it: `previous` is what CloudFront sends now.
    originSecret.grantWrite(rotateOrigin);
    rotateOrigin.addToRolePolicy(
      new PolicyStatement({
        actions: ['cloudfront:GetDistributionConfig', 'cloudfront:UpdateDistribution'],
        resources: [this.formatArn({ service: 'cloudfront', region: '', resource: 'distribution', resourceName: this.console.distribution.distributionId })],
      }),
    );
    const rotation = new Rule(this, 'OriginSecretRotation', {
      description: `Gatehouse: rotate the origin secret every ${config.originSecretRotationDays} days`,
      schedule: Schedule.rate(Duration.days(config.originSecretRotationDays)),
      targets: [new LambdaFunction(rotateOrigin, { retryAttempts: 2 })],
    });
    Validations.of(rotation).acknowledge({
      id: 'Serverless::Serverless-EventBusDLQ',
      reason: 'A failed rotation holds nothing to replay: the current secret stays in force, the function’s errors alarm, and an operator re-runs it.',
    });
    Validations.of(originSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: `Rotated every ${config.originSecretRotationDays} days by the OriginSecret function, which must also switch CloudFront’s origin header in the same run; a Secrets Manager rotation Lambda could not keep the previous value valid meanwhile.`,
    });

    this.backup = new Backup(this, 'Backup', {
      stage: config.stage,
      tableArn: this.table.table.tableArn,
      encryptionKey: keys.encryptionKey,
      vaultLock: config.backupVaultLock,
      copyVaultArn: config.backupCopyVaultArn,
    });

    const events = new Events(this, 'Events', {
      table: this.table.table, keys, email: this.email, environment, alarmTopic: this.observability.topic,
      eventBusName: config.eventBusName, emailRatePerSecond: config.emailRatePerSecond,
    });
    events.connectApi(functions.events);

    this.alarms(emailEvents, [events.emailSender.logGroup]);

    new CfnOutput(this, 'ConsoleUrl', { value: this.console.url, description: 'The console, and the API under /v1 on the same origin' });
    new CfnOutput(this, 'CnameTarget', {
      value: this.console.distribution.distributionDomainName,
      description: config.domain ? `Point ${config.domain} here (CNAME, or an alias A/AAAA record in Route 53)` : 'The CloudFront address (dev: no custom domain)',
    });
    new CfnOutput(this, 'Issuer', { value: this.issuer, description: 'Token issuer (iss) and OpenID Connect discovery base: <issuer>/.well-known/openid-configuration' });
    new CfnOutput(this, 'Audience', { value: this.audience, description: 'The aud of access tokens: the audience of a JWT authorizer trusting Gatehouse' });
    for (const [clientId, secret] of Object.entries(clients.secrets)) {
      new CfnOutput(this, `ClientSecret${clientId.replace(/[^A-Za-z0-9]/g, '')}`, { value: secret.secretArn, description: `Secret of the registered client "${clientId}"` });
    }
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName, description: 'The table; after a restore, deploy with -c gatehouse:tableName=<restored table>' });
    new CfnOutput(this, 'SigningKeysSecretArn', { value: keys.signing.secretArn });
    new CfnOutput(this, 'BillingImportFunctionName', { value: billingImport.functionName });
    new CfnOutput(this, 'DashboardName', { value: `Gatehouse-${config.stage}` });

    this.acknowledge();
  }

  /** The alarms an operator needs, and the dashboard rows beside them. */
  private alarms(emailEvents: HouseFunction, queuedEmailLogs: ILogGroup[]): void {
    const { observability: o, config } = this;
    const five = Duration.minutes(5);
    for (const [group, fn] of Object.entries(this.functions)) {
      o.alarm(`${group}Errors`, {
        alarmDescription: `Gatehouse ${group} function errors (unhandled failures, i.e. 500s)`,
        metric: fn.metricErrors({ period: five }),
        threshold: 0,
      });
      o.alarm(`${group}Throttles`, {
        alarmDescription: `Gatehouse ${group} function throttled (concurrency limit reached)`,
        metric: fn.metricThrottles({ period: five }),
        threshold: 0,
      });
    }
    const api = this.api.httpApi;
    o.alarm('Api5xx', { alarmDescription: 'Gatehouse API answered 5xx', metric: api.metricServerError({ period: five }), threshold: 0 });
    o.alarm('ApiLatencyP99', {
      alarmDescription: 'Gatehouse API p99 latency over 3 s for 15 minutes',
      metric: api.metricLatency({ period: five, statistic: 'p99' }),
      threshold: 3000,
      evaluationPeriods: 3,
    });
    const table = this.table.table;
    const tableThrottles = new Metric({ namespace: 'AWS/DynamoDB', metricName: 'ThrottledRequests', dimensionsMap: { TableName: table.tableName }, statistic: 'Sum', period: five });
    // Alarms cannot use SEARCH: one metric per operation Gatehouse calls, summed.
    const operations = ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'];
    const tableErrors = new MathExpression({
      expression: operations.map((_, index) => `FILL(e${index}, 0)`).join(' + '),
      usingMetrics: Object.fromEntries(
        operations.map((operation, index) => [
          `e${index}`,
          new Metric({ namespace: 'AWS/DynamoDB', metricName: 'SystemErrors', dimensionsMap: { TableName: table.tableName, Operation: operation }, statistic: 'Sum', period: five }),
        ]),
      ),
      label: 'DynamoDB system errors',
      period: five,
    });
    o.alarm('DynamoDbThrottles', { alarmDescription: 'DynamoDB throttled Gatehouse requests', metric: tableThrottles, threshold: 0 });
    o.alarm('DynamoDbSystemErrors', { alarmDescription: 'DynamoDB answered Gatehouse with system errors', metric: tableErrors, threshold: 0 });
    // SES reviews an account at 5 % bounces and 0.1 % complaints; these fire at those rates.
    const reputation = (name: string) => new Metric({ namespace: 'AWS/SES', metricName: name, statistic: 'Maximum', period: Duration.hours(1) });
    o.alarm('SesBounceRate', { alarmDescription: 'SES bounce rate over 5 % (SES reviews the account at 5 %, pauses at 10 %)', metric: reputation('Reputation.BounceRate'), threshold: 0.05 });
    o.alarm('SesComplaintRate', { alarmDescription: 'SES complaint rate over 0.1 % (SES reviews the account at 0.1 %)', metric: reputation('Reputation.ComplaintRate'), threshold: 0.001 });
    // Failed sign-ins, lockouts, spraying blocks and limit hits (abuse resistance), each alarmed.
    // The email sender is not one of this.functions, but it drops over-limit import invitations
    // with `abuse.rate_limited`, which must count like every other limit hit.
    const abuse = new AbuseAlarms(this, 'AbuseAlarms', {
      logGroups: [...Object.values(this.functions).map((fn) => fn.logGroup), ...queuedEmailLogs],
      topic: o.topic,
    });
    const bounced = o.eventMetric('email.bounced', [emailEvents.logGroup], { period: Duration.hours(1) });
    const complained = o.eventMetric('email.complained', [emailEvents.logGroup], { period: Duration.hours(1) });
    const keyAge = new Metric({ namespace: o.namespace, metricName: 'SigningKeyAgeDays', statistic: 'Maximum', period: Duration.days(1) });
    o.alarm('SigningKeyAge', {
      alarmDescription: `The newest signing key is older than ${config.keyRotationDays + 2} days, or the daily rotation run stopped reporting`,
      metric: keyAge,
      threshold: config.keyRotationDays + 2,
      treatMissingData: TreatMissingData.BREACHING,
    });
    const deadLetters = this.email.deadLetters!;
    o.alarm('EmailEventsDeadLetters', {
      alarmDescription: 'SES bounce or complaint events the email-events function could not take',
      metric: deadLetters.metricApproximateNumberOfMessagesVisible({ period: five }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    o.row('API: requests, 4xx, 5xx', [api.metricCount({ period: five }), api.metricClientError({ period: five }), api.metricServerError({ period: five })], [api.metricLatency({ period: five, statistic: 'p99' })]);
    o.row('Functions: errors and throttles', Object.values(this.functions).flatMap((fn) => [fn.metricErrors({ period: five }), fn.metricThrottles({ period: five })]));
    o.row('Functions: p99 duration', Object.values(this.functions).map((fn) => fn.metricDuration({ period: five, statistic: 'p99' })));
    o.row('DynamoDB: throttles and system errors', [tableThrottles, tableErrors]);
    o.row('Sign-in: failed logins and lockouts a minute', [abuse.metrics.failedLogins, abuse.metrics.lockouts]);
    o.row('Abuse: spraying blocks and limit hits a minute', [abuse.metrics.sprayBlocks, abuse.metrics.rateLimited]);
    o.row('Email: bounces and complaints, SES reputation', [bounced, complained], [reputation('Reputation.BounceRate'), reputation('Reputation.ComplaintRate')]);
    o.row('Signing key age (days)', [keyAge]);
  }

  /** cdk-nag findings that are deliberate, each with its reason. */
  private acknowledge(): void {
    const tableArn = this.table.owned ? `<${this.getLogicalId(this.table.owned.node.defaultChild as CfnResource)}.Arn>` : undefined;
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-APIG4',
        reason: 'Routes are authorised inside the functions: every request verifies the JWT or API token and re-reads the user, which an API Gateway authorizer cannot do (current role, revoked sessions).',
      },
      ...(tableArn
        ? [{
            id: `AwsSolutions-IAM5[Resource::${tableArn}/index/*]`,
            reason: 'Query reads the table’s own index (usersByLoginV2); the grant names the table, the wildcard only its indexes.',
          }]
        : []),
      {
        id: 'cdk-validator-cfnguard::api_gw_v2_authorization_type_configured_check',
        reason: 'As AwsSolutions-APIG4: the functions authorise every request themselves (current role, revoked sessions); the sign-in, token and discovery routes are public by nature.',
      },
      {
        id: 'cdk-validator-cfnguard::lambda_function_public_access_prohibited_check',
        reason: 'Each permission names apigateway.amazonaws.com and this API’s execute-api ARN as SourceArn; the rule cannot evaluate the ARN, which CloudFormation joins at deploy.',
      },
      { id: 'cdk-validator-cfnguard::cloudfront_origin_failover_enabled_check', reason: 'The API has one regional origin; regional failover is the multi-region plan, not an origin group.' },
      ...(this.config.domain
        ? [
            { id: 'cdk-validator-cfnguard::cloudfront_custom_ssl_certificate_check', reason: 'The distribution has gatehouse:domain with its ACM certificate (sni-only, TLSv1.2_2021); the rule cannot read the ARN from the us-east-1 edge stack’s output.' },
            { id: 'cdk-validator-cfnguard::cloudfront_sni_enabled_check', reason: 'SslSupportMethod is sni-only; the rule skips it because the certificate ARN comes from the us-east-1 edge stack’s output.' },
          ]
        : [
            { id: 'cdk-validator-cfnguard::cloudfront_custom_ssl_certificate_check', reason: 'Only the dev stage runs without gatehouse:domain (synth requires it elsewhere).' },
            { id: 'cdk-validator-cfnguard::cloudfront_sni_enabled_check', reason: 'Only the dev stage runs without gatehouse:domain (synth requires it elsewhere).' },
            { id: 'cdk-validator-cfnguard::cloudfront_security_policy_check', reason: 'The default *.cloudfront.net certificate cannot pin TLS 1.2; only the dev stage runs without gatehouse:domain, which sets TLSv1.2_2021.' },
          ]),
    );
  }
}
