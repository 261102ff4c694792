import * as z from 'zod';
import { Cursor, Email, EmailStatusOk, FreeText, Limit, LocaleTag, Login, Name, Password, PermissionList } from '../schemas';

/** What the `users` function (functions/users.ts) takes: invitations, users, ownership, import and export. */

// ---- users, invitations, credentials, API tokens, audit ----

const InvitableRole = z.enum(['admin', 'developer']).meta({ description: '`root` is never a value: ownership moves only by transfer' });

export const InvitePersonBody = z.strictObject({
  type: z.literal('human').optional(),
  login: Login,
  name: Name,
  email: Email,
  role: InvitableRole,
  origin: FreeText.optional(),
  location: FreeText.optional(),
  locale: LocaleTag.nullable().optional(),
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
  locale: LocaleTag.nullable().optional(),
  emailStatus: EmailStatusOk.optional(),
  permissions: PermissionList.optional().meta({
    description: 'The whole new list. Root sets anyone’s but its own (403 `root_protected`); an admin sets developers’ only, adding or removing only permissions it holds',
  }),
});

export const ListUsersQuery = z.object({
  limit: Limit,
  cursor: Cursor,
  role: z.enum(['root', 'admin', 'developer']).optional(),
  status: z.enum(['pending', 'active', 'deactivated']).optional(),
  q: z.string().min(1).max(100).optional(),
  permission: z.string().min(1).max(64).optional().meta({ description: 'Users holding this permission (the root holds every one)' }),
});

export const DeleteUserQuery = z.object({ confirm: z.string().min(1).max(256) });

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
