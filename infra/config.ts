import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import * as z from 'zod';
import { parseCatalog, type Permission } from '../shared/auth/permission-catalog';
import { ContextSettingError } from '../shared/context-settings';
import { parseClients, type RegisteredClient } from '../shared/oauth/client-registry';
import { TABLE } from '../shared/data/table';

/**
 * The deployment's configuration: `cdk.json` context (the `dev` defaults), then
 * `stages/<stage>.json`, then `-c` on the command line. Validated like input (STYLE.md 13): a
 * mistake names the key and what is wrong, never a stack trace.
 */

const root = fileURLToPath(new URL('..', import.meta.url));

/** RFC 2606 / 6761 names: never a real production address. */
const RESERVED_NAME = /(^|\.)(example\.(com|net|org)|example|test|invalid|localhost)$/i;
const LOOPBACK_HOST = /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/i;

const Hostname = z
  .string()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a DNS name such as id.acme.com');
const Address = z.email('must be an email address');
const Throttle = z.strictObject({
  rateLimit: z.number().int().min(1).max(10_000),
  burstLimit: z.number().int().min(1).max(5_000),
});
const RouteKey = z.string().regex(/^(GET|POST|PUT|PATCH|DELETE) \/\S*$/, 'must be a route key such as "POST /v1/auth/login"');
const PerFiveMinutes = z.number().int().min(10, 'WAF rate rules count at least 10 requests per 5 minutes').max(2_000_000_000);
const Bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);
const Int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const WAF_RATE_DEFAULTS = { login: 300, token: 300, forgot: 20, signup: 20, authorize: 300, all: 3000 } as const;
export const ROUTE_THROTTLE_DEFAULTS: Record<string, { rateLimit: number; burstLimit: number }> = {
  'POST /v1/auth/login': { rateLimit: 50, burstLimit: 100 },
  'POST /v1/auth/challenge': { rateLimit: 50, burstLimit: 100 },
  'POST /v1/orgs': { rateLimit: 5, burstLimit: 10 },
  'POST /v1/auth/password/forgot': { rateLimit: 10, burstLimit: 20 },
  'POST /oauth2/token': { rateLimit: 100, burstLimit: 200 },
};

const Settings = z
  .object({
    stage: z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, 'must be 1–20 of a-z, 0-9 and -, starting with a letter (it names the stack Gatehouse-<stage>)').default('dev'),
    domain: Hostname.optional(),
    hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,32}$/, 'must be a Route 53 hosted zone id (Z…)').optional(),
    hostedZoneName: Hostname.optional(),
    certificateArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/, 'must be an ACM certificate ARN in us-east-1 (CloudFront reads certificates only there)')
      .optional(),
    emailDomain: Hostname.optional(),
    mailFromDomain: Hostname.optional(),
    emailFrom: Address.optional(),
    emailFromName: z.string().trim().min(1).max(64).regex(/^[^"<>\r\n]+$/, 'must not contain quotes, angle brackets or line breaks').default('Gatehouse'),
    senderEmail: Address.optional(),
    appUrl: z.url().optional(),
    allowedOrigins: z.array(z.url()).default([]),
    auditRetentionDays: Int(1, 3650).default(365),
    alarmEmail: z.union([Address, z.literal('')]).optional().transform((value) => value || undefined),
    audience: z.string().regex(/^[\x21-\x7e]{1,200}$/, 'must be a string of 1–200 visible ASCII characters (a name or a URL)').default('gatehouse'),
    allowDemo: Bool.default(false),
    throttle: Throttle.default({ rateLimit: 200, burstLimit: 400 }),
    routeThrottles: z.record(RouteKey, Throttle).default(ROUTE_THROTTLE_DEFAULTS),
    wafRateLimits: z
      .strictObject({ login: PerFiveMinutes, token: PerFiveMinutes, forgot: PerFiveMinutes, signup: PerFiveMinutes, authorize: PerFiveMinutes, all: PerFiveMinutes })
      .partial()
      .default({})
      .transform((value) => ({ ...WAF_RATE_DEFAULTS, ...value })),
    wafAtp: Bool.default(false),
    wafAnonymousIp: Bool.default(false),
    originSecretRotationDays: Int(1, 365).default(90),
    keyRotationDays: Int(7, 365).default(90),
    backupVaultLock: Bool.default(false),
    backupCopyVaultArn: z.string().regex(/^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:backup-vault:[\w.-]+$/, 'must be an AWS Backup vault ARN').optional(),
    tableName: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name').optional(),
    /**
     * The adopted table's stream (its LatestStreamArn): the event dispatcher reads it, and a
     * table adopted by name alone tells CloudFormation none.
     */
    tableStreamArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[A-Za-z0-9_.-]{3,255}\/stream\/[\w:.-]+$/, 'must be a DynamoDB stream ARN (the table’s LatestStreamArn)')
      .optional(),
    tags: z.record(z.string().regex(/^[\w.:/=+@ -]{1,128}$/), z.string().max(256)).default({}),
    logRetentionDays: Int(1, 3650).default(365),
    /** An existing EventBridge bus to put events on; absent, the stack makes one (api/events.md). */
    eventBusName: z.string().regex(/^[A-Za-z0-9._-]{1,256}$/, 'must be an EventBridge bus name').optional(),
    /** The bulk email pace: at most the SES account's maximum send rate. */
    emailRatePerSecond: z.coerce.number().positive().max(1000).optional(),
    /** The same pace by api/production.md's name (api/events.md says emailRatePerSecond); either is accepted. */
    sesSendRate: z.coerce.number().positive().max(1000).optional(),
    /** SCIM requests per second per organization, bursts of twice that (shared/api/scim.md "Rate limit"). */
    scimRequestsPerSecond: Int(1, 10_000).default(50),
  })
  .superRefine((settings, check) => {
    const fail = (key: string, message: string) => check.addIssue({ code: 'custom', path: [key], message });
    if (settings.hostedZoneId && !settings.hostedZoneName) fail('hostedZoneName', 'is required with gatehouse:hostedZoneId');
    if (settings.hostedZoneName && !settings.hostedZoneId) fail('hostedZoneId', 'is required with gatehouse:hostedZoneName');
    if ((settings.hostedZoneId || settings.certificateArn) && !settings.domain) fail('domain', 'is required with a hosted zone or certificate');
    if (settings.domain && !settings.hostedZoneId && !settings.certificateArn) fail('domain', 'needs gatehouse:hostedZoneId/hostedZoneName or gatehouse:certificateArn');
    if (settings.domain && settings.hostedZoneName && !`.${settings.domain}`.endsWith(`.${settings.hostedZoneName}`)) {
      fail('domain', `must be inside the hosted zone ${settings.hostedZoneName}`);
    }
    if (settings.tableName && !settings.tableStreamArn) {
      fail('tableStreamArn', `is required with gatehouse:tableName: turn the table's stream on (${TABLE.stream}) and give its LatestStreamArn (README "Restore drill")`);
    }
    if (settings.tableStreamArn && !settings.tableStreamArn.includes(`:table/${settings.tableName}/stream/`)) {
      fail('tableStreamArn', `must be the stream of gatehouse:tableName (${settings.tableName ?? 'unset'})`);
    }
    if (settings.sesSendRate !== undefined && settings.emailRatePerSecond !== undefined && settings.sesSendRate !== settings.emailRatePerSecond) {
      fail('sesSendRate', `must equal gatehouse:emailRatePerSecond when both are set, they name the same pace (${settings.sesSendRate} and ${settings.emailRatePerSecond}); set one`);
    }
    if (!settings.emailDomain && !settings.senderEmail) fail('emailDomain', 'is required (or, in dev only, gatehouse:senderEmail)');
    if (settings.emailFrom && settings.emailDomain && !settings.emailFrom.toLowerCase().endsWith(`@${settings.emailDomain}`)) {
      fail('emailFrom', `must be an address of gatehouse:emailDomain (${settings.emailDomain})`);
    }
    if (settings.mailFromDomain && settings.emailDomain && !settings.mailFromDomain.endsWith(`.${settings.emailDomain}`)) {
      fail('mailFromDomain', `must be a subdomain of gatehouse:emailDomain (${settings.emailDomain})`);
    }
    if (settings.stage === 'dev') return;
    for (const key of ['domain', 'emailDomain', 'alarmEmail'] as const) {
      if (!settings[key]) fail(key, `is required outside the dev stage (stage ${settings.stage})`);
    }
    if (settings.senderEmail) fail('senderEmail', 'is for the dev stage only; use gatehouse:emailDomain (and gatehouse:emailFrom)');
    if (settings.allowDemo) return;
    const reserved = (key: 'domain' | 'emailDomain' | 'emailFrom' | 'alarmEmail' | 'mailFromDomain') => {
      const value = settings[key];
      const host = value?.split('@').pop();
      if (host && RESERVED_NAME.test(host)) fail(key, `${value} is a reserved example name (RFC 2606); set gatehouse:allowDemo=true to deploy it anyway`);
    };
    (['domain', 'emailDomain', 'emailFrom', 'alarmEmail', 'mailFromDomain'] as const).forEach(reserved);
  });

export type Settings = z.output<typeof Settings>;

export interface GatehouseConfig extends Settings {
  /** `gatehouse:permissions`, already validated. */
  permissions: Permission[];
  /** `gatehouse:clients`, already validated. */
  clients: RegisteredClient[];
  /** The SES identity (domain, or a single address in dev), the From address and its display name. */
  email: { identity: string; domain?: string; from: string; fromName: string; mailFromDomain?: string };
}

const SETTING_KEYS = Object.keys(Settings.shape) as (keyof Settings)[];
const LIST_KEYS = new Set(['allowedOrigins']);
const OBJECT_KEYS = new Set(['throttle', 'routeThrottles', 'wafRateLimits', 'tags', 'permissions', 'clients']);

/** `-c key=value` gives text: lists may be comma-separated, objects JSON. */
function fromText(key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (LIST_KEYS.has(key)) return value.trim().startsWith('[') ? JSON.parse(value) : value.split(',').map((item) => item.trim()).filter(Boolean);
  if (OBJECT_KEYS.has(key)) return JSON.parse(value);
  if (key === 'auditRetentionDays' || key.endsWith('Days')) return value.trim() === '' ? undefined : value;
  return value === '' ? undefined : value;
}

function readJson(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new ContextSettingError([`${path}: ${error instanceof Error ? error.message : 'unreadable'}`], path);
  }
}

/**
 * Resolves each `gatehouse:` key: a `-c` value wins, then the stage file, then cdk.json. CDK
 * merges cdk.json and `-c` before we see them, so a value equal to cdk.json's is taken to come
 * from cdk.json (and the stage file may override it).
 */
export function contextLayers(read: (key: string) => unknown, options: { root?: string } = {}): Record<string, unknown> {
  const base = options.root ?? root;
  const cdkJson = existsSync(join(base, 'cdk.json')) ? ((readJson(join(base, 'cdk.json')).context ?? {}) as Record<string, unknown>) : {};
  const stage = String(read('gatehouse:stage') ?? cdkJson['gatehouse:stage'] ?? 'dev');
  const stagePath = join(base, 'stages', `${stage}.json`);
  const stageFile = /^[a-z][a-z0-9-]{0,19}$/.test(stage) && existsSync(stagePath) ? readJson(stagePath) : {};
  const resolved: Record<string, unknown> = {};
  for (const key of [...SETTING_KEYS, 'permissions', 'clients', 'domainNames', 'limits']) {
    const name = `gatehouse:${key}`;
    const given = read(name);
    const fromCdkJson = cdkJson[name];
    const fromStage = stageFile[name] ?? stageFile[key];
    let value = given;
    const fromDefaults = given !== undefined && fromCdkJson !== undefined && isDeepStrictEqual(given, fromCdkJson);
    if (fromStage !== undefined && (given === undefined || fromDefaults)) value = fromStage;
    // cdk.json's dev sender is a dev default, not something another stage inherits.
    else if (key === 'senderEmail' && stage !== 'dev' && fromDefaults) value = undefined;
    if (value !== undefined) resolved[key] = value;
  }
  resolved.stage = stage;
  return resolved;
}

/** The keys the problems name, for the error's first line (`gatehouse:permissions`, or several). */
function refused(problems: string[]): ContextSettingError {
  const keys = [...new Set(problems.map((problem) => /^(gatehouse:[A-Za-z]+)/.exec(problem)?.[1] ?? 'gatehouse:*'))];
  return new ContextSettingError(problems, keys.join(', '));
}

/** Validates the resolved context; throws ContextSettingError naming every key at fault. */
export function parseSettings(raw: Record<string, unknown>, devDefaults: { permissions?: unknown; clients?: unknown } = {}): GatehouseConfig {
  const problems: string[] = [];
  if (raw.domainNames !== undefined) problems.push('gatehouse:domainNames: replaced by gatehouse:domain (one name: the issuer) with gatehouse:hostedZoneId/hostedZoneName or gatehouse:certificateArn');
  const input: Record<string, unknown> = {};
  for (const key of SETTING_KEYS.filter((each) => raw[each] !== undefined)) {
    try {
      input[key] = fromText(key, raw[key]);
    } catch (error) {
      problems.push(`gatehouse:${key}: not valid JSON (${error instanceof Error ? error.message : error})`);
    }
  }
  if (problems.length) throw refused(problems);
  const parsed = Settings.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [key, ...rest] = issue.path.map(String);
      problems.push(`gatehouse:${key ?? '?'}${rest.length ? ` ${rest.join('.')}` : ''}: ${issue.message}`);
    }
  }
  let permissions: Permission[] = [];
  let clients: RegisteredClient[] = [];
  const collect = <T>(parse: () => T, fallback: T): T => {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof ContextSettingError)) throw error;
      problems.push(...error.problems);
      return fallback;
    }
  };
  permissions = collect(() => parseCatalog(fromText('permissions', raw.permissions)), []);
  clients = collect(() => parseClients(fromText('clients', raw.clients)), []);
  const stage = parsed.success ? parsed.data.stage : String(input.stage ?? 'dev');
  const allowDemo = parsed.success ? parsed.data.allowDemo : input.allowDemo === true || input.allowDemo === 'true';
  if (stage !== 'dev' && !allowDemo) {
    clients.forEach((client, index) => {
      const named = `gatehouse:clients[${index}] "${client.id}"`;
      if (client.id.startsWith('demo-')) problems.push(`${named}: demo clients are refused outside the dev stage (gatehouse:allowDemo=true to deploy them)`);
      for (const uri of [...client.redirectUris, ...client.postLogoutRedirectUris]) {
        const url = new URL(uri);
        if (url.protocol === 'http:' || LOOPBACK_HOST.test(url.hostname)) problems.push(`${named} redirectUris: ${uri} is http or loopback, refused outside the dev stage`);
        else if (RESERVED_NAME.test(url.hostname)) problems.push(`${named} redirectUris: ${uri} is a reserved example name (RFC 2606)`);
      }
    });
    if (devDefaults.permissions !== undefined && permissions.length && isDeepStrictEqual(raw.permissions, devDefaults.permissions)) {
      problems.push('gatehouse:permissions: the demo catalog of cdk.json is refused outside the dev stage; set your own in stages/<stage>.json');
    }
  }
  if (problems.length || !parsed.success) throw refused(problems);
  const settings = parsed.data;

  const domain = settings.emailDomain;
  const from = settings.emailFrom ?? (domain ? `no-reply@${domain}` : settings.senderEmail!);
  return {
    ...settings,
    // One pace, whichever spec name set it (the two were checked to agree above).
    emailRatePerSecond: settings.emailRatePerSecond ?? settings.sesSendRate,
    permissions,
    clients,
    email: {
      identity: domain ?? settings.senderEmail!,
      domain,
      from,
      fromName: settings.emailFromName,
      mailFromDomain: domain ? (settings.mailFromDomain ?? `bounce.${domain}`) : undefined,
    },
  };
}

/** Reads the app's context into a validated configuration. */
export function readConfig(read: (key: string) => unknown, options: { root?: string } = {}): GatehouseConfig {
  const base = options.root ?? root;
  const cdkJson = existsSync(join(base, 'cdk.json')) ? ((readJson(join(base, 'cdk.json')).context ?? {}) as Record<string, unknown>) : {};
  return parseSettings(contextLayers(read, options), { permissions: cdkJson['gatehouse:permissions'], clients: cdkJson['gatehouse:clients'] });
}
