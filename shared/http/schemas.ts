import * as z from 'zod';

/**
 * Request and response schemas. Request objects are strict (unknown fields are a 400) and
 * every string is bounded. The same schemas generate the OpenAPI document.
 */

/**
 * Every refinement goes through this: a check that throws (as `Intl.DisplayNames.of` does on
 * a malformed code) counts as failed, so odd input is a 400 naming its field, never a 500.
 */
export const safeCheck =
  <T>(check: (value: T) => boolean) =>
  (value: T): boolean => {
    try {
      return check(value);
    } catch {
      return false;
    }
  };

const noControl = (value: string) => !/\p{Cc}/u.test(value);
const text = (max: number) =>
  z
    .string()
    .min(1, { abort: true })
    .max(max)
    .refine(safeCheck(noControl), 'must not contain control characters')
    .refine(safeCheck((v: string) => v.trim().length > 0), 'must not be blank');

export const Slug = z
  .string()
  .regex(/^[a-z0-9-]{3,40}$/, '3–40 characters of a-z, 0-9 and -, in lower case')
  .meta({ description: 'Organization slug: 3–40 of a-z 0-9 -, lower case', example: 'acme' });

/** Logins are NFKC-normalised and lower-cased first, so look-alike spellings collide. */
export const Login = z
  .string()
  .max(256)
  .refine(safeCheck((value: string) => value === value.trim()), 'must not start or end with white space')
  .transform((value) => value.normalize('NFKC').toLowerCase())
  .pipe(z.string().regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, '3–64 characters of a-z 0-9 . _ -, starting with a letter or digit'))
  .meta({ description: 'Login, unique in the organization; NFKC-normalised and lower-cased', example: 'alice' });

export const normalizeLogin = (value: string) => value.normalize('NFKC').toLowerCase();

export const Email = z
  .string()
  .max(254)
  .regex(/^[^\s@\p{Cc}]+@[^\s@\p{Cc}.]+(\.[^\s@\p{Cc}.]+)+$/u, 'must be one email address without white space')
  .meta({ description: 'Email address; compared case-insensitively', example: 'alice@example.com' });

export const Name = text(100).meta({ example: 'Alice Example' });
export const FreeText = text(200);
/** Bounded only; the password policy (length, blocklist, context) answers with its own reasons. */
export const Password = z.string().min(1).max(1024);

export const SignUpBody = z.strictObject({
  orgName: Name,
  slug: Slug,
  login: Login,
  name: Name,
  email: Email,
  password: Password,
});

export const LoginBody = z.strictObject({
  org: z.string().min(1).max(64),
  login: z.string().min(1).max(256),
  password: Password,
});

/** Without `refreshToken`, a browser session's HttpOnly cookie is used (see `Prefer: refresh-token=cookie`). */
export const RefreshBody = z.strictObject({ refreshToken: z.string().min(1).max(512).optional() });
export const TokenBody = z.strictObject({ token: z.string().min(1).max(512) });

export const PatchMeBody = z.strictObject({
  name: Name.optional(),
  location: FreeText.nullable().optional(),
});

export const ChangePasswordBody = z.strictObject({
  currentPassword: Password,
  newPassword: Password,
});

export const PatchOrgBody = z.strictObject({ name: Name });

export const HealthQuery = z.object({
  deep: z.enum(['0', '1']).optional().meta({ description: '`1`: also check that the table answers (readiness); the plain check never touches it' }),
});
// ---- users, invitations, credentials, API tokens, audit ----

const InvitableRole = z.enum(['admin', 'developer']).meta({ description: '`root` is never a value: ownership moves only by transfer' });

// ---- permissions ----

const PermissionList = z
  .array(z.string().min(1).max(64))
  .max(64)
  .meta({ description: 'Names from the permission catalog (`GET /v1/permissions`); an unknown name is 400 `unknown_permission`' });

export const InvitePersonBody = z.strictObject({
  type: z.literal('human').optional(),
  login: Login,
  name: Name,
  email: Email,
  role: InvitableRole,
  origin: FreeText.optional(),
  location: FreeText.optional(),
  requireMfa: z.boolean().optional(),
  delivery: z.enum(['link', 'temporaryPassword']).optional(),
  permissions: PermissionList.optional().meta({ description: 'The invitee’s grants; absent: the catalog’s `defaultFor` the role (those the inviter holds)' }),
});
export const InviteServiceBody = z.strictObject({
  type: z.literal('service'),
  login: Login,
  name: Name,
  role: InvitableRole,
  permissions: PermissionList.optional().meta({ description: 'The account’s grants; absent: the catalog’s `defaultFor` the role (those the inviter holds)' }),
});
/**
 * Told apart by `type`, so a wrong invite reports every wrong field of its own kind (a plain
 * union reports only that no member matched).
 */
export const InviteBody = z.discriminatedUnion('type', [InviteServiceBody, InvitePersonBody], {
  error: (issue) => (issue.code === 'invalid_union' ? 'must be "human" (or absent) for a person, or "service"' : undefined),
});

export const PatchUserBody = z.strictObject({
  name: Name.optional(),
  email: Email.optional(),
  role: InvitableRole.optional(),
  status: z.enum(['active', 'deactivated']).optional(),
  requireMfa: z.boolean().optional(),
  origin: FreeText.nullable().optional(),
  location: FreeText.nullable().optional(),
  permissions: PermissionList.optional().meta({
    description: 'The whole new list. Root sets anyone’s but its own (403 `root_protected`); an admin sets developers’ only, adding or removing only permissions it holds',
  }),
});

const Limit = z.coerce.number().int().min(1).max(100).default(50);
const Cursor = z.string().min(1).max(2048).optional();

export const ListUsersQuery = z.object({
  limit: Limit,
  cursor: Cursor,
  role: z.enum(['root', 'admin', 'developer']).optional(),
  status: z.enum(['pending', 'active', 'deactivated']).optional(),
  q: z.string().min(1).max(100).optional(),
  permission: z.string().min(1).max(64).optional().meta({ description: 'Users holding this permission (the root holds every one)' }),
});

export const DeleteUserQuery = z.object({ confirm: z.string().min(1).max(256) });

export const AuditQuery = z.object({
  limit: Limit,
  cursor: Cursor,
  action: z.string().min(1).max(64).optional(),
  actor: z.string().min(1).max(64).optional(),
  target: z.string().min(1).max(64).optional(),
});

export const ActivateBody = z.strictObject({ token: z.string().min(1).max(512), password: Password });
export const ForgotPasswordBody = z.strictObject({ org: z.string().min(1).max(64), login: z.string().min(1).max(256) });
export const ResetPasswordBody = z.strictObject({ token: z.string().min(1).max(512), password: Password });

export const ChallengeBody = z.strictObject({
  session: z.string().min(1).max(512),
  challenge: z.enum(['NEW_PASSWORD_REQUIRED', 'MFA_REQUIRED', 'MFA_SETUP_REQUIRED']),
  newPassword: Password.optional(),
  code: z.string().min(1).max(64).optional(),
});

export const CreateApiTokenBody = z.strictObject({
  name: Name,
  expiresInDays: z.number().int().min(1).max(365).optional(),
  scopes: PermissionList.optional().meta({
    description: 'Narrows the token to some of its owner’s permissions (else 400 `invalid_scope`); absent: all of them, as they are at each use',
  }),
});

// ---- two-factor ----

export const CodeBody = z.strictObject({ code: z.string().min(1).max(64).meta({ description: 'A 6-digit TOTP code, or a recovery code' }) });
export const DisableMfaBody = z.union([CodeBody, z.strictObject({ password: Password })]);

// ---- billing ----

// Made on the first country checked: constructing it loads ICU's region names, which cost
// every function about 15 ms of cold start when it was made at import.
let regionNames: Intl.DisplayNames | undefined;
const regionName = (code: string) => (regionNames ??= new Intl.DisplayNames(['en'], { type: 'region' })).of(code);
const Country = z
  .string()
  // `abort`: a malformed code is not looked up at all (zod runs later checks after a failed one).
  .regex(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 code in capitals, such as FR', abort: true })
  // ICU also names a few codes that are not countries (EU, UN, ZZ for "unknown").
  .refine(safeCheck((code: string) => !['EU', 'EZ', 'UN', 'QO', 'ZZ'].includes(code) && regionName(code) !== code), 'is not an ISO 3166-1 country code');

export const BillingBody = z.strictObject({
  plan: z.enum(['free', 'team', 'business', 'enterprise']),
  billingEmail: Email,
  paymentMethod: z
    .strictObject({
      brand: z.enum(['visa', 'mastercard', 'amex', 'discover', 'jcb', 'diners', 'unionpay', 'sepa_debit', 'other']),
      last4: z.string().regex(/^\d{4}$/, 'must be the last four digits only'),
      expMonth: z.number().int().min(1).max(12),
      expYear: z.number().int().min(2000).max(2100),
    })
    .optional(),
  address: z
    .strictObject({
      line1: FreeText,
      line2: FreeText.optional(),
      city: text(100),
      state: text(100).optional(),
      postalCode: text(20),
      country: Country,
    })
    .optional(),
});

const day = z.iso.date();
export const InvoiceRecord = z.strictObject({
  org: z.string().min(1).max(64).meta({ description: 'Organization id or slug' }),
  number: z.string().regex(/^[A-Za-z0-9._-]{1,40}$/, '1–40 of letters, digits and . _ -'),
  periodStart: day,
  periodEnd: day,
  amountDue: z.number().int().min(0).max(1e12),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
  status: z.enum(['draft', 'open', 'paid', 'void', 'uncollectible']),
}).refine(safeCheck((invoice: { periodStart: string; periodEnd: string }) => invoice.periodStart <= invoice.periodEnd), { message: 'periodStart must not be after periodEnd', path: ['periodEnd'] });

export const InvoiceQuery = z.object({ limit: Limit, cursor: Cursor });

export const TransferBody = z.strictObject({
  userId: z.string().min(1).max(64),
  password: Password,
  code: z.string().min(1).max(64).optional(),
});
// ---- import and export of users ----

/**
 * One imported user: the invite's own fields and checks (login with its look-alike
 * normalisation, name, email, a role that is never root, bounded origin and location), plus
 * what a migration brings. Checked row by row by the import service, not as part of the body,
 * so one bad row is reported with its number instead of refusing the whole call.
 */
export const ImportRow = InvitePersonBody.pick({ login: true, name: true, email: true, role: true, origin: true, location: true }).extend({
  status: z.enum(['pending', 'active', 'deactivated']).optional().meta({
    description: 'Default `active` with `passwordHash`, `pending` without. `pending` takes no hash; an `active` or `deactivated` user without a hash has no password until a reset link',
  }),
  emailVerified: z.boolean().optional().meta({ description: 'Default false' }),
  permissions: PermissionList.optional().meta({ description: 'Names from the permission catalog (an unknown name makes the row invalid); absent: the catalog’s `defaultFor` the role' }),
  passwordHash: z.string().min(1).max(512).optional().meta({
    description: 'bcrypt `$2a$/$2b$/$2y$` (cost ≤ 14), `$argon2id$`/`$argon2i$` PHC (m ≤ 64 MiB, t ≤ 10, m·t ≤ 256 MiB), `$scrypt$ln=,r=,p=$salt$hash` (128·N·r ≤ 64 MiB), `$pbkdf2-sha256$`/`$pbkdf2-sha512$` as passlib (`$<rounds>$`) or PHC (`$i=<rounds>$`), 1,000 to 2,000,000 (SHA-512: 1,000,000) rounds. Re-hashed with argon2id at the first good login',
  }),
  totpSecret: z.string().min(1).max(128).optional().meta({ description: 'Base32 TOTP secret of at least 128 bits: two-factor is imported as enrolled' }),
}).meta({ title: 'ImportRow' });
export type ImportRow = z.output<typeof ImportRow>;

export const ImportBody = z.strictObject({
  users: z.array(z.unknown()).min(1).max(500).meta({
    description: 'Up to 500 rows, each an ImportRow; each row is checked on its own',
    // A getter: only the OpenAPI document reads it, so no cold start converts the schema.
    get items() {
      const { $schema: _schema, ...rest } = z.toJSONSchema(ImportRow, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
      return rest;
    },
  }),
  dryRun: z.boolean().optional().meta({ description: 'Check every row and report, change nothing' }),
  sendInvitations: z.boolean().optional().meta({ description: 'Email an activation link to each created pending user' }),
});

export const ExportQuery = z.object({ format: z.enum(['json', 'csv']).default('json') });

