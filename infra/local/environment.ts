import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCatalog } from '../../shared/auth/permission-catalog';
import { resetConfig } from '../../shared/config';
import { ensureLocalClientSecrets, parseClients, type RegisteredClient } from '../../shared/oauth/clients';

const CDK_JSON = fileURLToPath(new URL('../../cdk.json', import.meta.url));

/**
 * The permission catalog the local stack shares with the deployment: `cdk.json` context
 * `gatehouse:permissions`, validated the same way synth does (a ContextSettingError names the entry).
 */
export function localCatalogJson(path = CDK_JSON): string {
  const context = (JSON.parse(readFileSync(path, 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
  return JSON.stringify(parseCatalog(context['gatehouse:permissions']));
}

/** The registered clients the local stack shares with the deployment (`gatehouse:clients`), validated alike. */
export function localClients(path = CDK_JSON): RegisteredClient[] {
  const context = (JSON.parse(readFileSync(path, 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
  return parseClients(context['gatehouse:clients']);
}

/** The local stack's defaults of the abuse limits (AWS's are the config defaults). */
export const LOCAL_LIMITS: Record<string, string> = {
  GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_LOGIN: '5',
  GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_DEVICE: '5',
  GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_IP_PER_ORG: '1000',
  GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_IP: '10000',
  GATEHOUSE_LIMIT_SIGNUPS_PER_IP_PER_HOUR: '10000',
  GATEHOUSE_LIMIT_EMAILS_PER_IP_PER_HOUR: '100000',
  GATEHOUSE_LIMIT_EMAILS_PER_RECIPIENT_PER_HOUR: '1000',
  GATEHOUSE_DEVICE_COOKIE_DAYS: '180',
  GATEHOUSE_LIMIT_SCIM_REQUESTS_PER_SECOND: '1000',
  TRUST_PROXY: '0',
};

export interface LocalPorts {
  port: number;
  sesPort: number;
  dynamoDbPort: number;
}

/**
 * The environment the handlers read, for the local stack, the tests and the benchmark.
 * Values already set in the environment win, so APP_URL and friends can be overridden.
 */
export function applyLocalEnvironment(ports: LocalPorts, options: { dataDir: string; tableName?: string }): void {
  const appUrl = process.env.APP_URL ?? `http://127.0.0.1:${ports.port}`;
  const defaults: Record<string, string> = {
    TABLE_NAME: options.tableName ?? 'gatehouse',
    AWS_REGION: 'us-east-1',
    DYNAMODB_ENDPOINT: `http://127.0.0.1:${ports.dynamoDbPort}`,
    SES_ENDPOINT: `http://127.0.0.1:${ports.sesPort}`,
    APP_URL: appUrl,
    EMAIL_FROM: 'no-reply@gatehouse.local',
    EMAIL_FROM_NAME: 'Gatehouse',
    JWT_ISSUER: appUrl,
    JWT_AUDIENCE: 'gatehouse',
    LOCAL_KEY_FILE: resolve(options.dataDir, 'keys.json'),
    CORS_ORIGINS: appUrl,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    GATEHOUSE_EVENTS_FILE: resolve(options.dataDir, 'events.jsonl'),
    WEBHOOK_LOOPBACK: '1',
    GATEHOUSE_EMAIL_RATE_PER_SECOND: '20',
  };
  // Loose limits, so a test suite can sign up hundreds of organizations from 127.0.0.1; a
  // test of the limits sets strict values itself (api/production.md "Local stack").
  Object.assign(defaults, LOCAL_LIMITS);
  // An explicit PERMISSIONS (a test's own catalog) wins over cdk.json, which is then not read.
  if (process.env.PERMISSIONS === undefined) defaults.PERMISSIONS = localCatalogJson();
  if (process.env.OAUTH_CLIENTS === undefined) defaults.OAUTH_CLIENTS = JSON.stringify(localClients());
  defaults.CLIENT_SECRETS_FILE = resolve(options.dataDir, 'client-secrets.json');
  for (const [name, value] of Object.entries(defaults)) process.env[name] ??= value;
  resetConfig();
}

/** Secrets for the local stack's confidential clients, made on first start: `{ "<client id>": "<secret>" }`. */
export function ensureLocalClientSecretsFile(dataDir: string, clients: readonly RegisteredClient[] = JSON.parse(process.env.OAUTH_CLIENTS ?? '[]')): Record<string, string> {
  return ensureLocalClientSecrets(resolve(dataDir, 'client-secrets.json'), clients);
}
