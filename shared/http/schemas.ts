import * as z from 'zod';
import { canonicalLocale, LOCALES } from '../i18n/locales';

/**
 * The building blocks of the request schemas, and the few requests more than one function
 * group takes. Each group's own requests are in requests/<group>.ts, so a Lambda builds only
 * its own at its cold start; what the API answers is in responses.ts. Request objects are
 * strict (unknown fields are a 400) and every string is bounded. The same schemas generate
 * the OpenAPI document.
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
export const text = (max: number) =>
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

/**
 * The one rule for a login, wherever one is checked (invite, sign-up, import, SCIM's userName):
 * 3–128 of a-z 0-9 . _ - + @, at most one @, starting with a letter or digit. Email-shaped
 * logins (`alice@acme.com`) are allowed because directories name people that way.
 */
export const LOGIN_PATTERN = /^(?=[^@]*@?[^@]*$)[a-z0-9][a-z0-9._+@-]{2,127}$/;
export const LOGIN_RULE = '3–128 characters of a-z 0-9 . _ - + @ (at most one @), starting with a letter or digit';
export const isValidLogin = (login: string) => LOGIN_PATTERN.test(login);

/** Logins are NFKC-normalised and lower-cased first, so look-alike spellings collide. */
export const Login = z
  .string()
  .max(256)
  .refine(safeCheck((value: string) => value === value.trim()), 'must not start or end with white space')
  .transform((value) => value.normalize('NFKC').toLowerCase())
  .pipe(z.string().regex(LOGIN_PATTERN, LOGIN_RULE))
  .meta({ description: 'Login, unique in the organization; NFKC-normalised and lower-cased; email-shaped logins allowed', example: 'alice' });

export const normalizeLogin = (value: string) => value.normalize('NFKC').toLowerCase();

export const Email = z
  .string()
  .max(254)
  .regex(/^[^\s@\p{Cc}]+@[^\s@\p{Cc}.]+(\.[^\s@\p{Cc}.]+)+$/u, 'must be one email address without white space')
  .meta({ description: 'Email address; compared case-insensitively', example: 'alice@example.com' });

/**
 * A language given on purpose: one of the six in any letter case, answered in its own spelling
 * (`PT-br` → `pt-BR`). Anything else is 400 `unsupported_locale` (the pipeline looks for this
 * issue's params), unlike what browsers send, which is negotiated.
 */
/** The only `emailStatus` a person sets: `ok`, the address works again (bounces and complaints come from SES). */
export const EmailStatusOk = z.literal('ok').meta({
  description: 'Clears `bounced` or `complained` and lifts the deployment’s suppression of the address; any other value is 400',
});

export const LocaleTag = z
  .string()
  .max(35)
  .refine(safeCheck((value: string) => canonicalLocale(value) !== undefined), {
    message: `must be one of ${LOCALES.join(', ')}`,
    params: { problem: 'unsupported_locale' },
  })
  .transform((value) => canonicalLocale(value)!)
  .meta({ description: `A language: ${LOCALES.join(', ')}`, example: 'de' });

export const Name = text(100).meta({ example: 'Alice Example' });
export const FreeText = text(200);
/** Bounded only; the password policy (length, blocklist, context) answers with its own reasons. */
export const Password = z.string().min(1).max(1024);

export const HealthQuery = z.object({
  deep: z.enum(['0', '1']).optional().meta({ description: '`1`: also check that the table answers (readiness); the plain check never touches it' }),
});

// ---- permissions ----

export const PermissionList = z
  .array(z.string().min(1).max(64))
  .max(64)
  .meta({ description: 'Names from the permission catalog (`GET /v1/permissions`); an unknown name is 400 `unknown_permission`' });

export const Limit = z.coerce.number().int().min(1).max(100).default(50);
export const Cursor = z.string().min(1).max(2048).optional();

export const CreateApiTokenBody = z.strictObject({
  name: Name,
  expiresInDays: z.number().int().min(1).max(365).optional(),
  scopes: PermissionList.optional().meta({
    description: 'Narrows the token to some of its owner’s permissions (else 400 `invalid_scope`); absent: all of them, as they are at each use',
  }),
});
