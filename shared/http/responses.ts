import * as z from 'zod';
import { LOCALES } from '../i18n/locales';
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
    passwordResetPending: z.boolean().meta({ description: 'A password-reset link was issued and not used or cancelled (it may have expired)' }),
    mfa: z.object({
      enabled: z.boolean(),
      required: z.boolean().meta({ description: 'Two-factor is required of this user: root\'s per-user flag (`requireMfa`) or the organization\'s MFA policy covers them' }),
      methods: z.array(z.enum(['totp', 'passkey'])).meta({ description: 'Enrolled second factors' }),
      passkeys: z.number().int().meta({ description: 'How many passkeys the user has' }),
    }),
    origin: z.string().nullable(),
    location: z.string().nullable(),
    locale: z.enum(LOCALES).nullable().meta({ description: 'The user’s language; null: the organization’s default applies' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    lastLoginAt: z.iso.datetime().nullable(),
    permissions: z.array(z.string()).meta({ description: 'What the user holds now in the SaaS product (the root: the whole catalog), in catalog order' }),
    managedBy: z.string().nullable().meta({ description: '`scim` (the directory owns name, email, role and permissions) or `sso:<connectionId>` (its IdP groups give role and permissions while group mappings exist); else null' }),
    version: z.number().int(),
  })
  .meta({ id: 'User' });

export const MfaPolicy = z
  .object({ require: z.enum(['off', 'admins', 'everyone']), methods: z.array(z.enum(['totp', 'passkey'])) })
  .meta({ id: 'MfaPolicy', description: 'Who must have a second factor at sign-in, and which methods count' });

export const Org = z
  .object({ id: z.string(), slug: z.string(), name: z.string(), createdAt: z.iso.datetime(), mfaPolicy: MfaPolicy, version: z.number().int() })
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


/** W3C `PublicKeyCredentialCreationOptionsJSON` / `PublicKeyCredentialRequestOptionsJSON`, as @simplewebauthn/browser takes them. */
export const PasskeyOptions = z
  .looseObject({ challenge: z.string(), timeout: z.number().int().optional() })
  .meta({ id: 'PasskeyOptions', description: 'WebAuthn creation or request options (W3C JSON form)' });

export const Challenge = z
  .object({
    challenge: z.enum(['NEW_PASSWORD_REQUIRED', 'MFA_REQUIRED', 'MFA_SETUP_REQUIRED']),
    session: z.string(),
    methods: z.array(z.enum(['totp', 'passkey'])).optional().meta({ description: 'Two-factor challenges: the methods the user may answer (or set up) with' }),
    passkeyOptions: PasskeyOptions.optional(),
  })
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
    actor: z
      .union([z.object({ id: z.string(), login: z.string() }), z.object({ type: z.literal('scim'), id: z.string(), name: z.string() })])
      .nullable()
      .meta({ description: 'A user (`id`, `login`), a SCIM token (`type: "scim"`, `id`, `name`), or null for the system' }),
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
  Enrolment.extend({ session: z.string(), methods: z.array(z.enum(['totp', 'passkey'])).optional(), passkeyOptions: PasskeyOptions.optional() }),
  z.object({ session: z.string(), methods: z.array(z.enum(['totp', 'passkey'])), passkeyOptions: PasskeyOptions.optional() }),
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
    emailDelivery: z.literal('queued').optional().meta({ description: 'The invitation is queued; it is sent within moments, paced to the SES send rate' }),
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

// ---- SCIM provisioning (issue 28) ----

export const ScimSettings = z
  .object({
    baseUrl: z.string().meta({ description: 'The API URL + /scim/v2, to paste into the directory' }),
    defaultRole: z.enum(['admin', 'developer']),
    users: z.number().int().meta({ description: 'SCIM-managed users' }),
    groups: z.number().int().meta({ description: 'SCIM groups' }),
    lastRequestAt: z.iso.datetime().nullable().meta({ description: 'When a SCIM token was last used (updated at most once a minute)' }),
    lastChangeAt: z.iso.datetime().nullable().meta({ description: 'When SCIM last changed something' }),
    version: z.number().int(),
  })
  .meta({ id: 'ScimSettings' });

export const ScimToken = z
  .object({ id: z.string(), name: z.string(), prefix: z.string(), createdAt: z.iso.datetime(), lastUsedAt: z.iso.datetime().nullable() })
  .meta({ id: 'ScimToken' });
export const ScimTokenList = z.object({ items: z.array(ScimToken) });
export const NewScimToken = ScimToken.extend({ token: z.string().meta({ description: 'Shown once: `gscim_` + 256 random bits; only its hash is kept' }) });

export const ScimGroupName = z.object({
  id: z.string(), displayName: z.string(), externalId: z.string().nullable(), memberCount: z.number().int(), createdAt: z.iso.datetime(), updatedAt: z.iso.datetime(),
});
export const ScimGroupNamePage = page(ScimGroupName);

export const GroupMappingList = z
  .object({
    items: z.array(z.object({ group: z.string(), role: z.enum(['admin', 'developer']).nullable(), permissions: z.array(z.string()) })),
    version: z.number().int(),
  })
  .meta({ id: 'GroupMappingList' });

/** SCIM resources are RFC 7643's own documents; described by the service's /Schemas, not here. */
export const ScimResource = z.record(z.string(), z.unknown()).meta({ id: 'ScimResource', description: 'A SCIM resource (RFC 7643); /scim/v2/Schemas describes its attributes' });
export const ScimListResponse = z
  .object({
    schemas: z.array(z.string()),
    totalResults: z.number().int(),
    startIndex: z.number().int(),
    itemsPerPage: z.number().int(),
    Resources: z.array(ScimResource),
  })
  .meta({ id: 'ScimListResponse' });
export const ScimErrorBody = z
  .object({ schemas: z.array(z.string()), status: z.string(), scimType: z.string().optional(), detail: z.string() })
  .meta({ id: 'ScimError' });

// ---- passkeys (api/passkeys.md) ----

export const Passkey = z
  .object({
    id: z.string(),
    credentialId: z.string().meta({ description: 'base64url credential ID (for the WebAuthn Signal API)' }),
    name: z.string(),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
    backedUp: z.boolean().meta({ description: 'BS flag of the latest ceremony' }),
    deviceType: z.enum(['singleDevice', 'multiDevice']).meta({ description: 'From the BE flag at registration: synced (multiDevice) or device-bound' }),
    transports: z.array(z.string()),
    authenticator: z.object({ aaguid: z.string(), name: z.string().nullable() }).nullable(),
  })
  .meta({ id: 'Passkey' });
export const PasskeyList = z.object({ items: z.array(Passkey) });
export const NewPasskey = Passkey.extend({ recoveryCodes: z.array(z.string()).optional().meta({ description: 'When this passkey turned two-factor on: ten recovery codes, shown this once' }) });
export const PasskeyCreationOptions = z.object({ options: PasskeyOptions });
export const PasswordlessOptions = z.object({ session: z.string(), options: PasskeyOptions });

// ---- enterprise single sign-on (issue 31) ----

export const SsoDomain = z
  .object({
    id: z.string(),
    domain: z.string().meta({ description: 'Lower case, IDNs as punycode' }),
    status: z.enum(['pending', 'verified']),
    verification: z.object({
      type: z.literal('dns-txt'),
      name: z.string().meta({ example: '_gatehouse-challenge.acme.com' }),
      value: z.string().meta({ example: 'gatehouse-domain-verification=3q2-7w…' }),
    }),
    createdAt: z.iso.datetime(),
    verifiedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'SsoDomain' });

export const SsoDomainList = z.object({ items: z.array(SsoDomain), nextCursor: z.null() }).meta({ id: 'SsoDomainList' });

const CertificateInfo = z.object({ sha256: z.string(), subject: z.string(), notBefore: z.iso.datetime(), notAfter: z.iso.datetime() });

export const SsoConnection = z
  .object({
    id: z.string(),
    name: z.string(),
    protocol: z.enum(['saml', 'oidc']),
    enabled: z.boolean(),
    enforce: z.boolean(),
    allowIdpInitiated: z.boolean(),
    domains: z.array(z.string()),
    jit: z.object({ enabled: z.boolean(), defaultRole: z.enum(['developer', 'admin']) }),
    saml: z.object({ entityId: z.string(), ssoUrl: z.string(), signRequests: z.boolean(), certificates: z.array(CertificateInfo) }).optional(),
    sp: z.object({ entityId: z.string(), acsUrl: z.string(), metadataUrl: z.string() }).optional().meta({ description: 'SAML: what the IdP admin enters' }),
    oidc: z.object({ issuer: z.string(), clientId: z.string() }).optional().meta({ description: 'The client secret is never shown again' }),
    redirectUri: z.string().optional().meta({ description: 'OIDC: what the IdP admin registers' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    version: z.number().int(),
  })
  .meta({ id: 'SsoConnection' });

export const SsoConnectionList = z.object({ items: z.array(SsoConnection), nextCursor: z.null() }).meta({ id: 'SsoConnectionList' });

export const SsoRedirect = z.object({ redirectTo: z.string().meta({ description: 'Where the browser goes next' }) }).meta({ id: 'SsoRedirect' });

export const SsoTestReport = z
  .object({
    ok: z.boolean(),
    error: z.string().optional(),
    reason: z.string().optional(),
    subject: z.string().nullable(),
    email: z.string().nullable(),
    name: z.string().nullable(),
    groups: z.array(z.string()),
    attributes: z.record(z.string(), z.array(z.string())),
    outcome: z.enum(['create', 'link', 'existing']).optional(),
    role: z.string().optional(),
  })
  .meta({ id: 'SsoTestReport' });

export const SsoCompleteResult = z
  .union([Tokens, SsoRedirect, z.object({ test: SsoTestReport })])
  .meta({ id: 'SsoCompleteResult' });

// ---- events and webhooks (issue 27, api/events.md) ----

export const GatehouseEvent = z
  .object({
    id: z.string().meta({ description: 'The audit event’s id; the `webhook-id` of its deliveries' }),
    type: z.string(),
    timestamp: z.iso.datetime(),
    org: z.string(),
    actor: z.object({ type: z.enum(['user', 'scim', 'sso', 'system']), id: z.string().nullable() }),
    data: z.unknown(),
    previous: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'Event' });
export const EventPage = z.object({ items: z.array(GatehouseEvent), nextCursor: z.string() });
export const EventTypeList = z.object({ items: z.array(z.object({ type: z.string(), description: z.string() })) });

export const WebhookEndpoint = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    disabledReason: z.enum(['manual', 'failing', 'gone']).nullable(),
    previousSecretExpiresAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    version: z.number().int(),
  })
  .meta({ id: 'WebhookEndpoint' });
export const WebhookEndpointCreated = WebhookEndpoint.extend({ secret: z.string().meta({ description: '`whsec_…`, shown only here' }) });
export const WebhookEndpointList = z.object({ items: z.array(WebhookEndpoint) });
export const WebhookSecret = z.object({ secret: z.string(), previousSecretExpiresAt: z.iso.datetime().nullable() });
export const WebhookDelivery = z
  .object({
    id: z.string(),
    endpointId: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    attempts: z.array(z.object({
      at: z.iso.datetime(),
      responseStatus: z.number().int().nullable(),
      durationMs: z.number().int(),
      error: z.enum(['timeout', 'connection_failed', 'address_not_allowed', 'redirect', 'too_large']).nullable(),
      responseExcerpt: z.string(),
    })),
    nextAttemptAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    payload: z.unknown().meta({ description: 'The event as delivered' }),
  })
  .meta({ id: 'WebhookDelivery' });
export const WebhookDeliveryList = z.object({ items: z.array(WebhookDelivery) });

// ---- branding and email templates (api/branding.md) ----

const LocaleEnum = z.enum(LOCALES);

export const Branding = z
  .object({
    displayName: z.string().nullable(),
    primaryColor: z.string().nullable().meta({ description: '#rrggbb, lower case' }),
    logo: z.string().nullable().meta({ description: 'The logo as a data: URL (an SVG as cleaned)' }),
    logoUrl: z.string().nullable(),
    supportUrl: z.string().nullable(),
    fromName: z.string().nullable(),
    defaultLocale: LocaleEnum,
    version: z.number().int(),
    updatedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Branding' });

export const PublicBranding = z
  .object({
    displayName: z.string().nullable(),
    primaryColor: z.string().nullable(),
    logoUrl: z.string().nullable(),
    supportUrl: z.string().nullable(),
    defaultLocale: LocaleEnum,
    locale: LocaleEnum.meta({ description: 'Negotiated from `ui_locales`, then `Accept-Language`, else `defaultLocale`' }),
    locales: z.array(LocaleEnum),
  })
  .meta({ id: 'PublicBranding' });

export const EmailTemplateTypes = z
  .object({
    items: z.array(z.object({
      type: z.string(),
      description: z.string(),
      variables: z.array(z.object({ name: z.string(), required: z.boolean(), description: z.string(), example: z.unknown() })),
      custom: z.array(LocaleEnum),
    })),
  })
  .meta({ id: 'EmailTemplateTypes' });

export const EmailTemplate = z
  .object({
    type: z.string(),
    locale: LocaleEnum,
    custom: z.boolean(),
    subject: z.string(),
    text: z.string(),
    html: z.string().nullable(),
    version: z.number().int().nullable(),
    updatedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'EmailTemplate' });

export const EmailPreview = z
  .object({
    type: z.string(),
    locale: LocaleEnum,
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    from: z.string(),
    emailDelivery: z.enum(['sent', 'failed']).optional(),
  })
  .meta({ id: 'EmailPreview' });
