import * as z from 'zod';
import { parseCatalog } from './auth/permission-catalog';
import { parseClients } from './oauth/client-registry';
import { contextListVariable } from './context-settings';

// zod compiles a fast parser for each object schema the first time it parses one. Gatehouse
// parses few, small objects per request, so the compiled parsers never paid back what
// compiling cost a cold start: about 7 ms of CPU on the first request (npm run bench).
z.config({ jitless: true });

const list = z
  .string()
  .default('')
  .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));

/** A count limit: a positive whole number (at most a million, which no real limit needs). */
const limit = (fallback: number) => z.coerce.number().int().min(1).max(1_000_000).default(fallback);

const Env = z
  .object({
    TABLE_NAME: z.string().min(1),
    AWS_REGION: z.string().min(1).default('us-east-1'),
    // Set only on the local stack; on AWS the SDKs use the regional endpoints.
    DYNAMODB_ENDPOINT: z.url().optional(),
    SES_ENDPOINT: z.url().optional(),
    APP_URL: z.url().transform((url) => url.replace(/\/+$/, '')),
    /** The From address (`gatehouse:emailFrom`, default no-reply@<emailDomain>): always an address, never a bare domain. */
    EMAIL_FROM: z.email(),
    /** The From display name (`gatehouse:emailFromName`). */
    EMAIL_FROM_NAME: z.string().max(64).optional(),
    /** The SES configuration set every email uses (suppression, reputation, bounce events); unset locally. */
    EMAIL_CONFIGURATION_SET: z.string().optional(),
    /**
     * The secret of CloudFront's origin header (`{ current, previous }`): set on AWS, where every
     * function answers 403 to a request without it; unset locally.
     */
    ORIGIN_SECRET_ARN: z.string().optional(),
    /** AWS, for functions that only verify tokens: the SSM parameter holding the published public keys. */
    PUBLIC_KEYS_PARAMETER: z.string().optional(),
    JWT_ISSUER: z.string().min(1),
    JWT_AUDIENCE: z.string().min(1),
    // Exactly one source of key material: a local file (local stack, tests) or Secrets Manager (AWS).
    LOCAL_KEY_FILE: z.string().optional(),
    SIGNING_KEY_SECRET_ARN: z.string().optional(),
    DATA_KEY_SECRET_ARN: z.string().optional(),
    CORS_ORIGINS: list,
    PASSWORD_MIN_LENGTH: z.coerce.number().int().min(8).max(64).default(15),
    SESSION_DAYS: z.coerce.number().int().min(1).max(90).default(30),
    AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    /**
     * Behind CloudFront, API Gateway's source address is an edge server. The edge adds the
     * viewer's address with this secret beside it; only then is the address believed.
     */
    EDGE_SECRET: z.string().min(16).optional(),
    /** The permission catalog as JSON (cdk.json context `gatehouse:permissions`), checked like it is at synth. */
    PERMISSIONS: contextListVariable(parseCatalog, 'PERMISSIONS'),
    /** The registered OAuth clients as JSON (cdk.json context `gatehouse:clients`); never a secret. */
    OAUTH_CLIENTS: contextListVariable(parseClients, 'OAUTH_CLIENTS'),
    /** Local stack: confidential clients' secrets (`{ "<client id>": "<secret>" }`); on AWS each client names its secret. */
    CLIENT_SECRETS_FILE: z.string().optional(),
    /** The DNS server asked for domain-verification TXT records (`host:port`); default the system's resolvers. */
    GATEHOUSE_DNS_SERVER: z.string().regex(/^[\w.:[\]-]+$/).optional(),
    /**
     * Abuse resistance (PRODUCT.md "Abuse resistance", api/production.md). The defaults here are
     * AWS's strict ones, so a function whose variable went missing errs on the safe side; the
     * local stack sets loose values (infra/local/environment.ts) and the stack sets
     * `gatehouse:limits` overrides.
     */
    GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_LOGIN: limit(5),
    GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_DEVICE: limit(5),
    GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_IP_PER_ORG: limit(20),
    GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_IP: limit(100),
    GATEHOUSE_LIMIT_SIGNUPS_PER_IP_PER_HOUR: limit(10),
    GATEHOUSE_LIMIT_EMAILS_PER_IP_PER_HOUR: limit(100),
    GATEHOUSE_LIMIT_EMAILS_PER_RECIPIENT_PER_HOUR: limit(5),
    /** SCIM requests per second per organization, bursts of twice that (CDK context `gatehouse:scimRequestsPerSecond`). */
    GATEHOUSE_LIMIT_SCIM_REQUESTS_PER_SECOND: z.coerce.number().int().min(1).max(10_000).default(50),
    GATEHOUSE_DEVICE_COOKIE_DAYS: z.coerce.number().int().min(1).max(400).default(180),
    /** Local stack only: `1` takes the last X-Forwarded-For entry as the client address (behind your own proxy). */
    TRUST_PROXY: z.enum(['0', '1']).default('0'),
    /** Events (shared/events): on AWS the bus and the queues the stack made; locally none of them. */
    EVENT_BUS_NAME: z.string().min(1).optional(),
    WEBHOOK_QUEUE_URL: z.url().optional(),
    EMAIL_QUEUE_URL: z.url().optional(),
    /** Local stack: where what would go on the bus is appended, one JSON line per event. */
    GATEHOUSE_EVENTS_FILE: z.string().optional(),
    /** Local stack only: webhooks and SSO IdP URLs may use `http://` to loopback (api/events.md, api/sso.md "Local stack"). */
    WEBHOOK_LOOPBACK: z.enum(['0', '1']).default('0'),
    /** The bulk email path's pace (import invitations): at most the SES send rate. */
    GATEHOUSE_EMAIL_RATE_PER_SECOND: z.coerce.number().positive().max(1000).default(14),
    /** The same pace by api/production.md's name; read only into GATEHOUSE_EMAIL_RATE_PER_SECOND (config()). */
    GATEHOUSE_SES_SEND_RATE: z.coerce.number().positive().max(1000).optional(),
    /** Local benchmark only: report each request's DynamoDB usage in an X-Gatehouse-Usage header. */
    USAGE_HEADER: z.enum(['0', '1']).default('0'),
  })
  .refine((env) => Boolean(env.LOCAL_KEY_FILE) !== Boolean((env.SIGNING_KEY_SECRET_ARN || env.PUBLIC_KEYS_PARAMETER) && env.DATA_KEY_SECRET_ARN), {
    message: 'set either LOCAL_KEY_FILE or DATA_KEY_SECRET_ARN with SIGNING_KEY_SECRET_ARN (functions that sign) or PUBLIC_KEYS_PARAMETER (functions that verify)',
  });

/**
 * api/events.md names the bulk email pace GATEHOUSE_EMAIL_RATE_PER_SECOND, api/production.md
 * GATEHOUSE_SES_SEND_RATE: either is accepted. Both set to different paces is a mistake
 * refused at the cold start rather than one of them silently ignored.
 */
function withEmailRateAlias(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const alias = env.GATEHOUSE_SES_SEND_RATE?.trim();
  const name = env.GATEHOUSE_EMAIL_RATE_PER_SECOND?.trim();
  if (!alias) return env;
  if (!name) return { ...env, GATEHOUSE_EMAIL_RATE_PER_SECOND: alias };
  if (Number(name) !== Number(alias)) {
    throw new Error(`Invalid configuration: GATEHOUSE_SES_SEND_RATE (${alias}) and GATEHOUSE_EMAIL_RATE_PER_SECOND (${name}) name the same pace; set one`);
  }
  return env;
}

export type Config = z.infer<typeof Env>;

let cached: Config | undefined;

/** The validated environment, read once; a bad environment fails the cold start, not a request. */
export function config(): Config {
  if (!cached) {
    // Named on its own so that a Lambda bundle, built with the catalog inlined here, reads that.
    const parsed = Env.safeParse({ ...withEmailRateAlias(process.env), PERMISSIONS: process.env.PERMISSIONS });
    if (!parsed.success) {
      throw new Error(`Invalid configuration: ${z.prettifyError(parsed.error)}`);
    }
    cached = parsed.data;
  }
  return cached;
}

/** For tests and the local stack, which set the environment after modules are loaded. */
export function resetConfig(): void {
  cached = undefined;
}
