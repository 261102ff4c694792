import { nowIso } from '../clock';
import type { AuthedContext, Principal } from '../context';
import { actorOf, auditItem, userTarget } from '../data/audit';
import { claimLogin } from '../data/logins';
import { requireOrg, type OrgRecord } from '../data/orgs';
import { transact, type TxItem } from '../data/transact';
import { newAddressStatus } from '../data/email-status';
import { existingHolders } from '../data/user-import';
import { claimEmail, newUser, publicUser, putSearchItems, putUser, type UserRecord } from '../data/users';
import { Problem, type FieldError } from '../errors';
import { keyedHash, seal } from '../auth/crypto';
import { HashProblem, inspectImportedHash } from '../auth/imported-hashes';
import { effectivePermissions, isKnownPermission } from '../auth/permissions';
import { assertCanInvite, assertRoot } from '../auth/policy';
import { ImportRow } from '../http/requests/users';
import { newId } from '../ids';
import { initialGrants } from './permissions';
import { assertVerifiedInviter } from './users';
import { boundTo } from './mfa';

/** Rows written side by side: each is its own small transaction, and a Lambda has 10 s. */
const WRITE_CONCURRENCY = 8;

export interface ImportInput {
  users: unknown[];
  dryRun?: boolean;
  sendInvitations?: boolean;
}

export interface RowReport {
  row: number;
  status: 'created' | 'unchanged' | 'invalid';
  userId?: string;
  errors?: FieldError[];
  /** `queued`: the invitation goes out on the asynchronous path (shared/events), paced to the SES rate. */
  emailDelivery?: 'queued';
}

interface CheckedRow {
  index: number;
  data: ImportRow;
  status: 'pending' | 'active' | 'deactivated';
  permissions: string[];
  totpSecret?: string;
  digest: string;
}

const zodErrors = (issues: Array<{ code: string; path: PropertyKey[]; message: string; keys?: string[] }>): FieldError[] =>
  issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? (issue.keys ?? []).map((key) => ({ path: [...issue.path, key].map(String).join('.'), message: 'is not a known field' }))
      : [{ path: issue.path.map(String).join('.') || '(row)', message: issue.message }],
  );

/** RFC 4648 base32 (spaces, dashes and padding ignored, any case); undefined when it is not. */
function base32Bytes(secret: string): { text: string; bytes: number } | undefined {
  const text = secret.replace(/[\s-]/g, '').replace(/=+$/, '').toUpperCase();
  if (!/^[A-Z2-7]+$/.test(text)) return undefined;
  return { text, bytes: Math.floor((text.length * 5) / 8) };
}

/** A stable text of the row's meaning (keys sorted), for the idempotency digest. */
const canonical = (value: Record<string, unknown>) =>
  JSON.stringify(Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b))));

/** Everything one row can be told without looking at the table: the invite's rules and the import's own. */
async function checkRow(principal: Principal, raw: unknown, index: number): Promise<CheckedRow | FieldError[]> {
  const parsed = ImportRow.safeParse(raw);
  if (!parsed.success) {
    const errors = zodErrors(parsed.error.issues as never);
    const root = (raw as { role?: unknown } | null)?.role === 'root';
    return errors.map((error) => (error.path === 'role' && root ? { path: 'role', message: 'cannot be root: an organization has one owner, and ownership moves only by transfer' } : error));
  }
  const data = parsed.data;
  const errors: FieldError[] = [];
  (data.permissions ?? []).forEach((name, position) => {
    if (!isKnownPermission(name)) errors.push({ path: `permissions.${position}`, message: `"${name}" is not in the permission catalog` });
  });
  if (data.passwordHash !== undefined) {
    try {
      inspectImportedHash(data.passwordHash);
    } catch (error) {
      if (!(error instanceof HashProblem)) throw error;
      errors.push({ path: 'passwordHash', message: `is refused: ${error.message}` });
    }
    if (data.status === 'pending') errors.push({ path: 'status', message: 'a pending user has no password yet: leave out status or passwordHash' });
  }
  let totpSecret: string | undefined;
  if (data.totpSecret !== undefined) {
    const secret = base32Bytes(data.totpSecret);
    if (!secret) errors.push({ path: 'totpSecret', message: 'must be base32 (A–Z and 2–7)' });
    else if (secret.bytes < 16) errors.push({ path: 'totpSecret', message: `must hold at least 128 bits; this one holds ${secret.bytes * 8}` });
    else totpSecret = secret.text;
  }
  if (errors.length) return errors;
  const status = data.status ?? (data.passwordHash ? 'active' : 'pending');
  // Stored as an invitation by the same caller stores them: the list in catalog order, or the role's defaults.
  const permissions = initialGrants(principal, data.role, data.permissions);
  const digest = await keyedHash('user-import', canonical({ ...data, email: data.email.toLowerCase(), status, permissions, totpSecret }));
  return { index, data, status, permissions, totpSecret, digest };
}

/** The public fields of an existing user that differ from the row (never a secret's value). */
function differences(user: UserRecord, row: CheckedRow): string[] {
  const data = row.data;
  const fields: string[] = [];
  if (user.type !== 'human') fields.push('type');
  if (user.name !== data.name) fields.push('name');
  if ((user.email ?? '').toLowerCase() !== data.email.toLowerCase()) fields.push('email');
  if (user.role !== data.role) fields.push('role');
  if ((user.origin ?? null) !== (data.origin ?? null)) fields.push('origin');
  if ((user.location ?? null) !== (data.location ?? null)) fields.push('location');
  if (data.status !== undefined && user.status !== data.status) fields.push('status');
  if (data.emailVerified !== undefined && user.emailVerified !== data.emailVerified) fields.push('emailVerified');
  if (data.permissions !== undefined && effectivePermissions(user).join(' ') !== row.permissions.join(' ')) fields.push('permissions');
  // A hash or TOTP secret cannot be compared with what is stored (it may have been re-hashed):
  // only the same row, recognised by its digest, counts as unchanged then.
  if (data.passwordHash !== undefined) fields.push('passwordHash');
  if (data.totpSecret !== undefined) fields.push('totpSecret');
  return fields;
}

async function newImportedUser(org: OrgRecord, row: CheckedRow, at: string): Promise<UserRecord> {
  const data = row.data;
  const addressStatus = await newAddressStatus(data.email);
  const user = newUser({
    id: newId(),
    orgId: org.id,
    login: data.login,
    name: data.name,
    email: data.email,
    type: 'human',
    role: data.role,
    status: row.status,
    emailVerified: data.emailVerified ?? false,
    origin: data.origin ?? null,
    location: data.location ?? null,
    passwordHash: data.passwordHash,
    permissions: row.permissions,
    ...addressStatus,
    at,
  });
  user.importDigest = row.digest;
  if (row.totpSecret) {
    user.mfa.enabled = true;
    user.totp = { secret: await seal(row.totpSecret, boundTo(user)), lastStep: 0 };
  }
  return user;
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the order of results. */
async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}

/**
 * Imports up to 500 users into the caller's organization (root only). Each row is checked on
 * its own with the invite's rules and reported as created, unchanged or invalid; an invalid
 * row changes nothing, and each created user is one transaction with its login and email
 * markers (and its activation link). A row whose login exists is `unchanged` when it is the
 * same row again (recognised by a keyed digest kept on the user) or its visible fields are
 * equal; otherwise it is invalid: an import never overwrites a user. One audit event records
 * the counts; a dry run checks everything against the table and writes nothing.
 */
export async function importUsers(ctx: AuthedContext, input: ImportInput): Promise<{ items: RowReport[] }> {
  assertRoot(ctx.principal, 'Only the organization owner may import users.');
  assertVerifiedInviter(ctx.principal.user);
  const org = await requireOrg(ctx.principal.orgId);
  const reports: RowReport[] = input.users.map((_, index) => ({ row: index + 1, status: 'invalid' }));
  const invalid = (index: number, errors: FieldError[]) => {
    reports[index] = { row: index + 1, status: 'invalid', errors };
  };

  const checked: CheckedRow[] = [];
  for (const [index, raw] of input.users.entries()) {
    const result = await checkRow(ctx.principal, raw, index);
    if (Array.isArray(result)) invalid(index, result);
    else {
      assertCanInvite(ctx.principal, result.data.role);
      checked.push(result);
    }
  }

  // The same login or address twice in one call: the first row wins, the others are reported.
  const seenLogin = new Map<string, number>();
  const seenEmail = new Map<string, number>();
  const distinct = checked.filter((row) => {
    const email = row.data.email.toLowerCase();
    const errors: FieldError[] = [];
    if (seenLogin.has(row.data.login)) errors.push({ path: 'login', message: `is also on row ${seenLogin.get(row.data.login)! + 1}` });
    if (seenEmail.has(email)) errors.push({ path: 'email', message: `is also on row ${seenEmail.get(email)! + 1}` });
    if (errors.length) {
      invalid(row.index, errors);
      return false;
    }
    seenLogin.set(row.data.login, row.index);
    seenEmail.set(email, row.index);
    return true;
  });

  const { loginOwner, emailOwner, byId } = await existingHolders(org, distinct.map((row) => row.data.login), distinct.map((row) => row.data.email));
  const toCreate: CheckedRow[] = [];
  for (const row of distinct) {
    const ownerId = loginOwner.get(row.data.login);
    if (ownerId) {
      const existing = byId.get(ownerId);
      const changed = existing ? (existing.importDigest === row.digest ? [] : differences(existing, row)) : ['(user)'];
      if (existing && changed.length === 0) reports[row.index] = { row: row.index + 1, status: 'unchanged', userId: existing.id };
      else {
        invalid(row.index, [{
          path: 'login',
          message: `already belongs to a user with other data (${changed.join(', ')}); an import never overwrites a user: change or delete it first, or leave this row out`,
        }]);
      }
      continue;
    }
    if (emailOwner.has(row.data.email.toLowerCase())) {
      invalid(row.index, [{ path: 'email', message: 'is already used by another user of the organization' }]);
      continue;
    }
    toCreate.push(row);
  }

  if (input.dryRun) {
    for (const row of toCreate) reports[row.index] = { row: row.index + 1, status: 'created' };
    return { items: reports };
  }

  const at = nowIso();
  let invitations = 0;
  await pool(toCreate, WRITE_CONCURRENCY, async (row) => {
    const user = await newImportedUser(org, row, at);
    // The invitation is not sent here: the row's audit event asks for it, and the event
    // dispatcher queues it, so 500 rows answer at once and the emails follow at the SES rate.
    // Its activation link is made when it is sent (shared/events/emails.ts).
    const invite = user.status === 'pending' && Boolean(input.sendInvitations);
    const items: TxItem[] = [
      putUser(user),
      claimLogin(org.slug, user.login, org.id, user.id),
      claimEmail(org.id, user.email!, user.id),
      ...putSearchItems(user),
      auditItem(ctx, {
        orgId: org.id,
        action: 'user.created',
        actor: actorOf(ctx.principal.user),
        target: userTarget(user),
        details: { origin: 'import', role: user.role, ...(invite ? { invitation: 'queued' } : {}) },
        snapshot: { data: publicUser(user) },
      }, at),
    ];
    try {
      await transact(items);
      reports[row.index] = { row: row.index + 1, status: 'created', userId: user.id, ...(invite ? { emailDelivery: 'queued' as const } : {}) };
      if (invite) invitations += 1;
    } catch (error) {
      // Someone took the login or address between our read and this write: the row says so.
      if (!(error instanceof Problem) || error.status >= 500) throw error;
      invalid(row.index, [{ path: error.code === 'email_taken' ? 'email' : 'login', message: error.detail }]);
    }
  });

  const counts = { created: 0, unchanged: 0, invalid: 0 };
  for (const report of reports) counts[report.status] += 1;
  // One event for the call, with its counts, beside each created row's own `user.created`.
  await transact([
    auditItem(ctx, {
      orgId: org.id,
      action: 'users.imported',
      actor: actorOf(ctx.principal.user),
      target: { type: 'org', id: org.id },
      details: { rows: reports.length, ...counts, invitations },
    }, at),
  ]);
  return { items: reports };
}
