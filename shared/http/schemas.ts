import * as z from 'zod';

/**
 * Request and response schemas. Request objects are strict (unknown fields are a 400) and
 * every string is bounded. The same schemas generate the OpenAPI document.
 */

const noControl = (value: string) => !/\p{Cc}/u.test(value);
const text = (max: number) =>
  z.string().min(1).max(max).refine(noControl, 'must not contain control characters').refine((v) => v.trim().length > 0, 'must not be blank');

export const Slug = z
  .string()
  .regex(/^[a-z0-9-]{3,40}$/, '3–40 characters of a-z, 0-9 and -, in lower case')
  .meta({ description: 'Organization slug: 3–40 of a-z 0-9 -, lower case', example: 'acme' });

/** Logins are NFKC-normalised and lower-cased first, so look-alike spellings collide. */
export const Login = z
  .string()
  .max(256)
  .refine((value) => value === value.trim(), 'must not start or end with white space')
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

export const RefreshBody = z.strictObject({ refreshToken: z.string().min(1).max(512) });
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

// ---- responses ----

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
    mustChangePassword: z.boolean(),
    mfa: z.object({ enabled: z.boolean(), required: z.boolean() }),
    origin: z.string().nullable(),
    location: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    lastLoginAt: z.iso.datetime().nullable(),
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
    refreshToken: z.string(),
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

export const Health = z.object({ status: z.literal('ok') });
export const Jwks = z.object({ keys: z.array(z.looseObject({ kty: z.string(), kid: z.string() })) });
export const OpenApiDocument = z.looseObject({ openapi: z.string() });
