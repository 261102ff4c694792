import { stringify } from 'csv-stringify/sync';
import { nowIso } from '../clock';
import type { AuthedContext } from '../context';
import { actorOf, auditItem } from '../data/audit';
import { transact } from '../data/transact';
import { userRecordPage } from '../data/user-import';
import { publicUser, type UserRecord } from '../data/users';
import { assertRoot } from '../auth/policy';

/** The export's columns, in this order (the OpenAPI document's ExportedUser says the same). */
export const EXPORT_COLUMNS = [
  'id', 'login', 'name', 'email', 'type', 'role', 'status', 'emailVerified', 'mfaEnabled', 'mfaRequired',
  'origin', 'location', 'permissions', 'createdAt', 'lastLoginAt',
] as const;

/**
 * The API's user object (already an explicit list: no hash, token, session or secret) less what
 * cannot travel to another organization, with two-factor flattened into columns. Delivery state
 * (`emailStatus`), the directory that manages the user (`managedBy`) and the language (`locale`)
 * belong to this organization's record, not to the row an import takes (ExportedUser, IMPORT_COLUMNS).
 */
export function exportedUser(user: UserRecord) {
  const {
    mustChangePassword: _changing, passwordResetPending: _resetting, mfa, updatedAt: _updated, version: _version,
    emailStatus: _delivery, managedBy: _managed, locale: _locale, ...travels
  } = publicUser(user);
  return { ...travels, mfaEnabled: mfa.enabled, mfaRequired: mfa.required };
}
export type ExportedUser = ReturnType<typeof exportedUser>;

/**
 * A spreadsheet runs a cell that starts with = + - @ (or tab / CR) as a formula: such cells
 * are prefixed with ' (OWASP's advice); the import removes exactly that prefix again.
 */
export const guardCell = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

const cell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return guardCell(value.join(' '));
  return guardCell(String(value));
};

export function toCsv(users: ExportedUser[]): string {
  return stringify(
    users.map((user) => EXPORT_COLUMNS.map((column) => cell(user[column]))),
    { header: true, columns: [...EXPORT_COLUMNS], record_delimiter: '\r\n', quoted_match: /^\s|\s$/ },
  );
}

/**
 * Every user of the caller's organization (root only), read page by page from DynamoDB, as JSON
 * or CSV; never a secret. Audited, since it hands out the organization's member list.
 */
export async function exportUsers(ctx: AuthedContext, format: 'json' | 'csv') {
  assertRoot(ctx.principal, 'Only the organization owner may export users.');
  const { orgId } = ctx.principal;
  const users: ExportedUser[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await userRecordPage(orgId, start);
    users.push(...page.users.map(exportedUser));
    start = page.next;
  } while (start);
  users.sort((a, b) => a.login.localeCompare(b.login));
  await transact([
    auditItem(ctx, { orgId, action: 'users.exported', actor: actorOf(ctx.principal.user), target: { type: 'org', id: orgId }, details: { format, users: users.length } }, nowIso()),
  ]);
  if (format === 'csv') return { format, csv: toCsv(users), count: users.length } as const;
  return { format, items: users, count: users.length } as const;
}
