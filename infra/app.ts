import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseCatalog } from '../shared/auth/permission-catalog';
import { ContextSettingError } from '../shared/context-settings';
import { parseClients } from '../shared/oauth/client-registry';
import { GatehouseStack, type GatehouseConfig } from './stack';

function audienceFrom(value: unknown): string {
  if (value === undefined || value === null || value === '') return 'gatehouse';
  if (typeof value !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(value)) {
    throw new ContextSettingError(['gatehouse:audience: must be a string of 1–200 visible ASCII characters (a name or a URL)'], 'gatehouse:audience');
  }
  return value;
}

/** Reads the stack's configuration from CDK context (cdk.json or `-c key=value`). */
export function configFrom(app: App): GatehouseConfig {
  const read = (key: string) => app.node.tryGetContext(`gatehouse:${key}`);
  const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : String(value ?? '').split(',').map((item) => item.trim()).filter(Boolean));
  const senderEmail = String(read('senderEmail') ?? '');
  if (!senderEmail) throw new Error('Set the context gatehouse:senderEmail (cdk.json or -c).');
  const domainNames = list(read('domainNames'));
  const certificateArn = String(read('certificateArn') ?? '');
  if (domainNames.length && !certificateArn) throw new Error('gatehouse:domainNames needs gatehouse:certificateArn (ACM, us-east-1).');
  return {
    senderEmail,
    appUrl: String(read('appUrl') ?? '') || (domainNames[0] ? `https://${domainNames[0]}` : undefined),
    domain: domainNames.length ? { names: domainNames, certificateArn } : undefined,
    allowedOrigins: list(read('allowedOrigins')),
    auditRetentionDays: Number(read('auditRetentionDays') ?? 365),
    alarmEmail: String(read('alarmEmail') ?? '') || undefined,
    permissions: parseCatalog(read('permissions')),
    clients: parseClients(read('clients')),
    audience: audienceFrom(read('audience')),
    eventBusName: String(read('eventBusName') ?? '') || undefined,
    emailRatePerSecond: read('emailRatePerSecond') === undefined ? undefined : Number(read('emailRatePerSecond')),
  };
}

export function buildApp(app: App = new App()): { app: App; stack: GatehouseStack } {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new GatehouseStack(app, 'Gatehouse', {
    config: configFrom(app),
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  return { app, stack };
}

if (process.argv[1]?.endsWith('app.ts')) {
  try {
    buildApp().app.synth();
  } catch (error) {
    // A mistake in cdk.json is the user's to fix: say which entry and field, not where in our code.
    if (!(error instanceof ContextSettingError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
