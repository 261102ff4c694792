import * as z from 'zod';
import { SessionId } from './session-schemas';

/**
 * What the API answers, as zod schemas: only the OpenAPI document is built from them (routes
 * name them, `schema: 'User'`), so no Lambda constructs them at its cold start. The request
 * schemas, which the pipeline validates with, are in requests/<group>.ts.
 */

export const User = z
  .object({
    id: z.string(),
    login: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    type: z.enum(['human', 'service']),
    role: z.enum(['root', 'admin', 'developer']),
    status: z.enum(['pending', 'active', 'deactivated']),
    emailVerified: z.boolean(),
    emailStatus: z.enum(['ok', 'bounced', 'complained']).nullable().meta({ description: '`bounced` after a permanent bounce, `complained` after a complaint: nothing is mailed to the address; null without an email' }),
    mustChangePassword: z.boolean(),
    mfa: z.object({ enabled: z.boolean(), required: z.boolean() }),
    origin: z.string().nullable(),
    location: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    lastLoginAt: z.iso.datetime().nullable(),
    permissions: z.array(z.string()).meta({ description: 'What the user holds now in the SaaS product (the root: the whole catalog), in catalog order' }),
    version: z.number().int(),
  })
  .meta({ id: 'User' });

export const Org = z
  .object({ id: z.string(), slug: z.string(), name: z.string(), createdAt: z.iso.datetime(), version: z.number().int() })
  .meta({ id: 'Organization' });

export const SignUpResult = z.object({ org: Org, user: User });

export const Tokens = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string().optional().meta({
      description: 'Absent when the request said `Prefer: refresh-token=cookie`: the token is then set as an HttpOnly cookie instead',
    }),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int(),
  })
  .meta({ id: 'Tokens' });

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });


export const Health = z.object({ status: z.literal('ok'), checks: z.object({ table: z.literal('ok') }).optional() });
export const Jwks = z.object({ keys: z.array(z.looseObject({ kty: z.string(), kid: z.string() })) });
export const OpenApiDocument = z.looseObject({ openapi: z.string() });


export const Permission = z
  .object({ name: z.string(), description: z.string(), module: z.string(), dangerous: z.boolean(), defaultFor: z.array(z.enum(['admin', 'developer'])) })
  .meta({ id: 'Permission' });
export const PermissionCatalogAnswer = z.object({ items: z.array(Permission) });


export const Challenge = z
  .object({ challenge: z.enum(['NEW_PASSWORD_REQUIRED', 'MFA_REQUIRED', 'MFA_SETUP_REQUIRED']), session: z.string() })
  .meta({ id: 'Challenge' });
export const TokensOrChallenge = z.union([Tokens, Challenge]);

const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
export const UserPage = page(User);

export const ApiToken = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime().nullable(),
    lastUsedAt: z.iso.datetime().nullable(),
    scopes: z.array(z.string()).nullable().meta({
      description: 'The permissions the token is narrowed to; null: all of its owner’s. Either way it can do at most what its owner holds now',
    }),
  })
  .meta({ id: 'ApiToken' });
export const NewApiToken = ApiToken.extend({ token: z.string().meta({ description: 'Shown once; only its hash is kept' }) });
export const ApiTokenPage = page(ApiToken);

const EmailDelivery = z.enum(['sent', 'failed', 'none', 'suppressed']);
export const Link = z.object({ url: z.string(), expiresAt: z.iso.datetime(), emailDelivery: EmailDelivery });
export const InviteResult = z.object({
  user: User,
  activation: z.object({ url: z.string(), expiresAt: z.iso.datetime() }).optional(),
  temporaryPassword: z.string().optional(),
  apiToken: NewApiToken.optional(),
  emailDelivery: EmailDelivery,
});

export const AuditEvent = z
  .object({
    id: z.string(),
    at: z.iso.datetime(),
    actor: z.object({ id: z.string(), login: z.string() }).nullable(),
    action: z.string(),
    target: z.object({ type: z.string(), id: z.string(), login: z.string().optional() }),
    ip: z.string(),
    requestId: z.string(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEvent' });
export const AuditPage = page(AuditEvent);


export const Enrolment = z
  .object({
    secret: z.string().meta({ description: 'Base32 TOTP secret (160 bits), for manual entry' }),
    otpauthUri: z.string(),
    qrCodeSvg: z.string().meta({ description: 'The otpauth URI as an SVG QR code' }),
  })
  .meta({ id: 'TotpEnrolment' });
export const RecoveryCodes = z.object({ recoveryCodes: z.array(z.string()).length(10) });
export const ChallengeResult = z.union([
  Tokens,
  Challenge,
  Enrolment.extend({ session: z.string() }),
  Tokens.extend({ recoveryCodes: z.array(z.string()) }),
]);


export const BillingProfile = z
  .object({
    plan: z.enum(['free', 'team', 'business', 'enterprise']),
    billingEmail: z.string().nullable(),
    paymentMethod: z.object({ brand: z.string(), last4: z.string(), expMonth: z.number(), expYear: z.number() }).nullable(),
    address: z.looseObject({ country: z.string() }).nullable(),
    updatedAt: z.iso.datetime().nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'BillingProfile' });


export const Invoice = z
  .object({
    id: z.string(),
    number: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    amountDue: z.number().int(),
    currency: z.string(),
    status: z.enum(['draft', 'open', 'paid', 'void', 'uncollectible']),
  })
  .meta({ id: 'Invoice' });
export const InvoicePage = page(Invoice);

export const TransferResult = z.object({ previousRoot: User, newRoot: User });


export const ImportResult = z.object({
  items: z.array(z.object({
    row: z.number().int().meta({ description: '1-based position in `users`' }),
    status: z.enum(['created', 'unchanged', 'invalid']).meta({
      description: '`unchanged`: the login exists with the same data (or was created by this same row before). A login that exists with other data is `invalid`: an import never overwrites a user',
    }),
    userId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })),
}).meta({ id: 'ImportResult' });


/** An exported user: every field that can travel, and read-only facts; never a hash, token or secret. */
export const ExportedUser = User.pick({
  id: true, login: true, name: true, email: true, type: true, role: true, status: true, emailVerified: true,
  origin: true, location: true, permissions: true, createdAt: true, lastLoginAt: true,
}).extend({
  mfaEnabled: z.boolean(),
  mfaRequired: z.boolean(),
}).meta({
  id: 'ExportedUser',
  description:
    'CSV: a header row with these columns in this order: id, login, name, email, type, role, status, emailVerified, mfaEnabled, mfaRequired, origin, location, permissions, createdAt, lastLoginAt. ' +
    'RFC 4180 quoting, UTF-8, CRLF; booleans as true/false, empty for null, permissions space-separated. A cell starting with = + - @, tab or CR is prefixed with \' (spreadsheet formula injection); the import removes that quote again.',
});
export const ExportResult = z.object({ items: z.array(ExportedUser) });

// ---- sessions ----

export const Session = z
  .object({
    id: SessionId,
    current: z.boolean().meta({ description: 'The session of the access token that asked' }),
    createdAt: z.iso.datetime().meta({ description: 'The sign-in' }),
    lastUsedAt: z.iso.datetime().meta({
      description: 'The last sign-in or refresh (updated by the refresh’s own write, so it may lag real use by one access-token lifetime, 15 minutes)',
    }),
    expiresAt: z.iso.datetime().meta({ description: 'When the refresh token stops working unless used before' }),
    ip: z.string().nullable().meta({ description: 'Address of the last sign-in or refresh' }),
    userAgent: z.string().nullable().meta({ description: 'The user agent of the sign-in, at most 256 characters' }),
    browser: z.string().nullable().meta({ description: 'Parsed from the user agent, e.g. `Firefox 133`; null when it names no known browser', example: 'Firefox 133' }),
    os: z.string().nullable().meta({ description: 'Parsed from the user agent, e.g. `macOS Sonoma`', example: 'Windows 10' }),
    client: z.string().nullable().meta({
      description: '`console` (the browser session), `api` (tokens in the body), or the registered app’s id; null only for sessions started before Gatehouse recorded it',
    }),
    mfa: z.boolean().nullable().meta({ description: 'A second factor was used to sign in (null as for `client`)' }),
  })
  .meta({ id: 'Session' });

export const SessionList = z
  .object({ items: z.array(Session), nextCursor: z.null().meta({ description: 'Always null: at most 50 sessions, one page' }) })
  .meta({ id: 'SessionList' });

export const EndedSessions = z
  .object({ ended: z.number().int().min(0).meta({ description: 'How many live sessions ended' }) })
  .meta({ id: 'EndedSessions' });

export const EndedOrgSessions = EndedSessions.extend({
  users: z.number().int().min(0).meta({ description: 'How many users lost at least one session' }),
}).meta({ id: 'EndedOrgSessions' });

export * from '../oauth/responses';
