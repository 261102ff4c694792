import { Aws, CfnOutput, type CfnResource, Duration, Fn, Lazy, Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { FunctionGroup } from '../shared/http/routes';
import { AbuseAlarms } from './constructs/abuse-alarms';
import { Api } from './constructs/api';
import { Console } from './constructs/console';
import { DataTable } from './constructs/data-table';
import { Email } from './constructs/email';
import { Events } from './constructs/events';
import { HouseFunction } from './constructs/house-function';
import { Keys } from './constructs/keys';
import type { Permission } from '../shared/auth/permission-catalog';
import type { RegisteredClient } from '../shared/oauth/client-registry';
import { ClientSecrets } from './constructs/client-secrets';

export interface GatehouseConfig {
  /** SES sender: an address (verified by SES) or a domain. */
  senderEmail: string;
  /** Where emailed links point; by default the console's own CloudFront address. */
  appUrl?: string;
  /** A custom domain for the console and API: names plus an ACM certificate ARN in us-east-1. */
  domain?: { names: string[]; certificateArn: string };
  allowedOrigins: string[];
  auditRetentionDays: number;
  /** Who is emailed when an alarm fires; empty for no subscription. */
  alarmEmail?: string;
  throttle?: { rateLimit: number; burstLimit: number };
  /** The permission catalog (`gatehouse:permissions`), already validated. */
  permissions?: Permission[];
  /** Registered OAuth applications (`gatehouse:clients`), already validated. */
  clients?: RegisteredClient[];
  /** The `aud` of access tokens (`gatehouse:audience`): what a SaaS puts in its JWT authorizer. */
  audience?: string;
  /** `gatehouse:eventBusName`: put events on this existing bus instead of one the stack makes. */
  eventBusName?: string;
  /** `gatehouse:emailRatePerSecond`: the bulk email pace (the SES account's maximum send rate). */
  emailRatePerSecond?: number;
}

/**
 * What each function group needs beyond the table and keys: the native argon2 module for
 * hashing passwords, and SES for sending email. Grants follow this, so a group gets only what it uses.
 */
const NEEDS: Record<FunctionGroup, { hashesPasswords: boolean; sendsEmail: boolean }> = {
  public: { hashesPasswords: false, sendsEmail: false },
  auth: { hashesPasswords: true, sendsEmail: true },
  me: { hashesPasswords: true, sendsEmail: true },
  users: { hashesPasswords: true, sendsEmail: true },
  org: { hashesPasswords: false, sendsEmail: false },
  // The code and refresh grants start app sessions, which may email a new-device notice.
  oauth: { hashesPasswords: false, sendsEmail: true },
  // The authorization-code flow's browser-facing routes (authorize, complete, userinfo, logout).
  oidc: { hashesPasswords: false, sendsEmail: false },
  // SCIM provisioning (/scim/v2) and its settings: a provisioned user is emailed its invitation.
  scim: { hashesPasswords: false, sendsEmail: true },
  // Re-authentication with the password before adding or removing a passkey; passkey notices.
  passkeys: { hashesPasswords: true, sendsEmail: true },
  // Enterprise SSO: its sign-ins start sessions (new-device notice); it asks DNS and the IdPs over the internet.
  sso: { hashesPasswords: false, sendsEmail: true },
  // Webhook endpoints and the events API (the senders are functions of their own, infra/constructs/events.ts).
  events: { hashesPasswords: false, sendsEmail: false },
};

export class GatehouseStack extends Stack {
  readonly api: Api;
  readonly table: DataTable;
  readonly console: Console;
  /** The `iss` of every token and the discovery document's `issuer`. */
  readonly issuer: string;
  /** The `aud` of access tokens. */
  readonly audience: string;

  constructor(scope: Construct, id: string, props: StackProps & { config: GatehouseConfig }) {
    super(scope, id, props);
    const { config } = props;

    this.table = new DataTable(this, 'Data');
    const keys = new Keys(this, 'Keys');
    const email = new Email(this, 'Email', { sender: config.senderEmail });

    // The console's address is known only once its distribution exists, which needs the API.
    const appUrl = config.appUrl ?? Lazy.string({ produce: () => this.console.url });
    // The random part of the stack id: unknown outside the account, stable across deploys.
    const edgeSecret = Fn.select(2, Fn.split('/', Aws.STACK_ID));
    const clients = new ClientSecrets(this, 'Clients', { clients: config.clients ?? [], encryptionKey: keys.encryptionKey });
    this.issuer = appUrl;
    this.audience = config.audience ?? 'gatehouse';
    const environment = {
      TABLE_NAME: this.table.table.tableName,
      APP_URL: appUrl,
      EMAIL_FROM: email.sender,
      JWT_ISSUER: appUrl,
      JWT_AUDIENCE: this.audience,
      OAUTH_CLIENTS: clients.registryJson,
      SIGNING_KEY_SECRET_ARN: keys.signing.secretArn,
      DATA_KEY_SECRET_ARN: keys.data.secretArn,
      CORS_ORIGINS: config.allowedOrigins.join(','),
      AUDIT_RETENTION_DAYS: String(config.auditRetentionDays),
      EDGE_SECRET: edgeSecret,
    };

    const groups = Object.keys(NEEDS) as FunctionGroup[];
    const functions = Object.fromEntries(
      groups.map((group) => {
        const fn = new HouseFunction(this, `${group[0]!.toUpperCase()}${group.slice(1)}Function`, {
          group,
          description: `Gatehouse ${group} routes`,
          nativeArgon2: NEEDS[group].hashesPasswords,
          environment,
          permissions: config.permissions ?? [],
        });
        this.table.table.grantReadWriteData(fn);
        keys.grantRead(fn);
        // The function itself (not its role, which the KMS key policy names) waits for the key.
        (fn.node.defaultChild as CfnResource).addDependency(keys.material.node.defaultChild as CfnResource);
        if (NEEDS[group].sendsEmail) email.grantSend(fn);
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
    this.table.table.grantReadWriteData(billingImport);
    (billingImport.node.defaultChild as CfnResource).addDependency(keys.material.node.defaultChild as CfnResource);

    this.api = new Api(this, 'Api', {
      functions,
      allowedOrigins: config.allowedOrigins,
      throttle: config.throttle ?? { rateLimit: 200, burstLimit: 400 },
    });

    this.console = new Console(this, 'Console', {
      api: this.api.httpApi,
      edgeSecret,
      domain: config.domain && {
        names: config.domain.names,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', config.domain.certificateArn),
      },
    });

    const alarmKey = new Key(this, 'AlarmTopicKey', { enableKeyRotation: true, description: 'Encrypts Gatehouse alarm notifications' });
    const alarms = new Topic(this, 'Alarms', { masterKey: alarmKey, enforceSSL: true });
    if (config.alarmEmail) alarms.addSubscription(new EmailSubscription(config.alarmEmail));
    new AbuseAlarms(this, 'AbuseAlarms', { logGroups: Object.values(functions).map((fn) => fn.logGroup), topic: alarms });
    new Events(this, 'Events', {
      table: this.table.table, keys, email, environment, alarmTopic: alarms,
      eventBusName: config.eventBusName, emailRatePerSecond: config.emailRatePerSecond,
    }).connectApi(functions.events);
    for (const [group, fn] of Object.entries({ ...functions, 'billing-import': billingImport })) {
      new Alarm(this, `${group}Errors`, {
        alarmDescription: `Gatehouse ${group} function errors (unhandled failures, i.e. 500s)`,
        metric: fn.metricErrors({ period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(new SnsAction(alarms));
    }
    new Alarm(this, 'Api5xx', {
      alarmDescription: 'Gatehouse API answered 5xx',
      metric: this.api.httpApi.metricServerError({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(new SnsAction(alarms));

    new CfnOutput(this, 'ConsoleUrl', { value: this.console.url, description: 'The console, and the API under /v1 on the same origin' });
    new CfnOutput(this, 'ApiUrl', { value: this.api.httpApi.apiEndpoint, description: 'API Gateway directly (for services)' });
    new CfnOutput(this, 'Issuer', { value: this.issuer, description: 'Token issuer (iss) and OpenID Connect discovery base: <issuer>/.well-known/openid-configuration' });
    new CfnOutput(this, 'Audience', { value: this.audience, description: 'The aud of access tokens: the audience of a JWT authorizer trusting Gatehouse' });
    for (const [id, secret] of Object.entries(clients.secrets)) {
      new CfnOutput(this, `ClientSecret${id.replace(/[^A-Za-z0-9]/g, '')}`, { value: secret.secretArn, description: `Secret of the registered client "${id}"` });
    }
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName });
    new CfnOutput(this, 'SigningKeysSecretArn', { value: keys.signing.secretArn, description: 'For `npm run keys:rotate -- --aws --secret <this>`' });
    new CfnOutput(this, 'BillingImportFunctionName', { value: billingImport.functionName });

    this.acknowledge();
  }

  /** cdk-nag findings that are deliberate, each with its reason. */
  private acknowledge(): void {
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-APIG4',
        reason: 'Routes are authorised inside the functions: every request verifies the JWT or API token and re-reads the user, which an API Gateway authorizer cannot do (current role, revoked sessions).',
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'AWSLambdaBasicExecutionRole only lets each function write its own CloudWatch logs.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::<DataTableFDBAD0F2.Arn>/index/*]',
        reason: 'The functions query the indexes of their own table (usersByLogin); the grant names the table, the wildcard only its indexes.',
      },
    );
  }
}
