import { sessionsEndedAudit } from './session-events';
import { randomInt } from 'node:crypto';
import { nowIso } from '../clock';
import type { AuthedContext } from '../context';
import type { Locale } from '../i18n/locales';
import { actorOf, auditItem, userTarget } from '../data/audit';
import { tableName } from '../data/client';
import { decodeCursor, encodeCursor } from '../data/cursor';
import { keys } from '../data/keys';
import { claimLogin } from '../data/logins';
import { requireOrg } from '../data/orgs';
import { getGroupMappings } from '../data/group-mappings';
import { liftSuppression, newAddressStatus, suppressionOf, type EmailStatus } from '../data/email-status';
import { transact, type TxItem } from '../data/transact';
import {
  claimEmail, deleteSearchItems, deleteUserItem, getUser, listUsers, newUser, publicUser, putSearchItems, putUser,
  RESET_PENDING, releaseEmail, searchTerms, searchUsers, updateUser, type Role, type UserRecord, type UserStatus,
} from '../data/users';
import type { Delivery } from '../email/mailer';
import { emailUser } from '../email/compose';
import { badRequest, conflict, forbidden, preconditionFailed } from '../errors';
import { hashPassword } from '../auth/passwords';
import {
  assertCanInvite, assertCanList, assertCanManageActivation, assertCanView, assertRoot, assertSameOrg, rootProtected,
} from '../auth/policy';
import { newId } from '../ids';
import { config } from '../config';
import { newApiToken } from './api-tokens';
import { sendResetLink } from './credentials';
import { assertPasswordAllowedForUser } from './sso-enforcement';
import { spendEmail } from './abuse';
import { newLink } from './email-links';
import { emailStatusAudit, type EmailStatusReason } from './email-events';
import { userSnapshot } from '../data/snapshots';
import { policyOf, shownUsers, withPolicy } from './mfa-policy';
import { assertFilter, changeAudit, initialGrants, planChange, type PermissionChange } from './permissions';


/** 24 characters from an alphabet without look-alikes: about 139 bits, easy to type once. */
export function temporaryPassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const chars = Array.from({ length: 24 }, () => alphabet[randomInt(alphabet.length)]);
  return chars.join('').replace(/(.{6})(?!$)/g, '$1-');
}

/** The user named in the path, of the caller's organization (another organization's ids are 404). */
export async function loadTarget(ctx: AuthedContext, id: string): Promise<UserRecord> {
  const user = /^[0-9a-f-]{36}$/.test(id) ? await getUser(ctx.principal.orgId, id) : undefined;
  assertSameOrg(ctx.principal, user);
  return user;
}

export type InviteInput =
  | { type?: 'human'; login: string; name: string; email: string; role: Exclude<Role, 'root'>; origin?: string; location?: string; locale?: Locale | null; requireMfa?: boolean; delivery?: 'link' | 'temporaryPassword'; permissions?: string[] }
  | { type: 'service'; login: string; name: string; role: Exclude<Role, 'root'>; permissions?: string[] };

/** Whoever brings people in (invite, import) has proved its own mailbox first. */
export function assertVerifiedInviter(actor: UserRecord): void {
  if (actor.type === 'human' && !actor.emailVerified) {
    throw forbidden('Verify your email address before inviting users.', 'email_not_verified');
  }
}

/**
 * Invites a person (activation link by default, or a temporary password) or creates a
 * service account with its first API token. Everything is one transaction; the email goes
 * out after it commits, and a failed send leaves a consistent user that can be re-sent.
 */
export async function invite(ctx: AuthedContext, input: InviteInput) {
  const actor = ctx.principal.user;
  assertCanInvite(ctx.principal, input.role);
  assertVerifiedInviter(actor);
  const permissions = initialGrants(ctx.principal, input.role, input.permissions);
  const org = await requireOrg(ctx.principal.orgId);
  const at = nowIso();
  const common = { id: newId(), orgId: org.id, login: input.login, name: input.name, role: input.role, permissions, at };

  if (input.type === 'service') {
    const user = newUser({ ...common, email: null, type: 'service', status: 'active' });
    const token = newApiToken(user, 'initial');
    user.apiTokens[token.record.id] = token.record;
    await transact([
      putUser(user),
      claimLogin(org.slug, user.login, org.id, user.id),
      ...putSearchItems(user),
      auditItem(ctx, { orgId: org.id, action: 'user.created', actor: actorOf(actor), target: userTarget(user), details: { type: 'service', role: user.role, permissions }, snapshot: { data: publicUser(user) } }, at),
    ]);
    return { user: publicUser(user), apiToken: token.shown, emailDelivery: 'none' as const };
  }

  const delivery = input.delivery ?? 'link';
  await spendEmail(ctx, input.email);
  const addressStatus = await newAddressStatus(input.email);
  const temporary = delivery === 'temporaryPassword' ? temporaryPassword() : undefined;
  const user = newUser({
    ...common,
    email: input.email,
    type: 'human',
    status: temporary ? 'active' : 'pending',
    mustChangePassword: Boolean(temporary),
    origin: input.origin ?? null,
    location: input.location ?? null,
    locale: input.locale ?? null,
    requireMfa: input.requireMfa,
    passwordHash: temporary ? await hashPassword(temporary) : undefined,
    ...addressStatus,
  });
  const link = temporary ? undefined : newLink(user, 'activation');
  if (link) user.emailTokens.activation = link.hash;

  await transact([
    putUser(user),
    claimLogin(org.slug, user.login, org.id, user.id),
    claimEmail(org.id, input.email, user.id),
    ...(link ? [link.item] : []),
    ...putSearchItems(user),
    auditItem(ctx, {
      orgId: org.id,
      action: 'user.invited',
      actor: actorOf(actor),
      target: userTarget(user),
      details: { role: user.role, delivery, requireMfa: user.mfa.required, permissions },
      snapshot: { data: publicUser(user) },
    }, at),
  ]);

  const emailDelivery: Delivery = link
    ? await emailUser(input.email, 'invitation', org, user, { link: link.url, expiresAt: new Date(link.expiresAt) })
    : await emailUser(input.email, 'invitation-password', org, user, { link: `${config().APP_URL}/login?org=${encodeURIComponent(org.slug)}`, temporaryPassword: temporary! });
  return {
    user: withPolicy(publicUser(user), policyOf(org)),
    ...(link ? { activation: { url: link.url, expiresAt: link.expiresAt } } : { temporaryPassword: temporary }),
    emailDelivery,
  };
}

export interface ListQuery {
  limit: number;
  cursor?: string;
  role?: Role;
  status?: UserStatus;
  q?: string;
  permission?: string;
}

export async function list(ctx: AuthedContext, query: ListQuery) {
  assertCanList(ctx.principal);
  assertFilter(query.permission);
  const { orgId } = ctx.principal;
  const listName = `users:${query.q ?? ''}:${query.role ?? ''}:${query.status ?? ''}${query.permission ? `:${query.permission}` : ''}`;
  const start = await decodeCursor(orgId, listName, query.cursor);
  const page = query.q
    ? await searchUsers(orgId, query.q, { ...query, start })
    : await listUsers(orgId, { ...query, start });
  return { items: await shownUsers(orgId, page.items), nextCursor: await encodeCursor(orgId, listName, page.next) };
}

export async function show(ctx: AuthedContext, id: string): Promise<UserRecord> {
  const user = await loadTarget(ctx, id);
  assertCanView(ctx.principal, user);
  return user;
}

export interface PatchInput {
  name?: string;
  email?: string;
  role?: Exclude<Role, 'root'>;
  status?: 'active' | 'deactivated';
  requireMfa?: boolean;
  origin?: string | null;
  location?: string | null;
  locale?: Locale | null;
  /** The whole new list of permissions (see planChange for who may set it). */
  permissions?: string[];
  /** `ok`: root says the address works again (a bounce or complaint is cleared). */
  emailStatus?: 'ok';
}

/**
 * What the directory owns cannot be edited by hand (shared/api/scim.md "Manual edits"): a
 * SCIM-managed user's name and email always, and an IdP-managed user's role and permissions
 * while the group mapping list has entries. Sending the current value is not an edit.
 */
async function assertNotManaged(user: UserRecord, input: PatchInput): Promise<void> {
  if (!user.managedBy) return;
  const managed = () => conflict('managed_by_idp', 'This user is managed by the organization’s identity provider; change it there.');
  if (user.managedBy === 'scim' && ((input.name !== undefined && input.name !== user.name) || (input.email !== undefined && input.email !== user.email))) {
    throw managed();
  }
  const regrant = (input.role !== undefined && input.role !== user.role)
    || (input.permissions !== undefined && [...new Set(input.permissions)].sort().join() !== [...(user.permissions ?? [])].sort().join());
  if (regrant && (await getGroupMappings(user.orgId)).items.length) throw managed();
}

/**
 * What an edit does to the user's `emailStatus` (api/production.md "User object"): a new address
 * takes its own status (`ok` unless already suppressed somewhere), and `emailStatus: "ok"` says
 * the address works, lifting the deployment's suppression of it. `change` is absent when the
 * status stays, `lift` when no suppression is to be lifted; undefined: nothing to do.
 */
export async function emailStatusChange(
  user: Pick<UserRecord, 'email' | 'emailStatus'>,
  newAddress: string | undefined,
  asked: 'ok' | undefined,
): Promise<{ to: EmailStatus; change?: { from: EmailStatus; to: EmailStatus; reason: EmailStatusReason }; lift?: string } | undefined> {
  const address = newAddress ?? user.email;
  if (!address || (newAddress === undefined && asked === undefined)) return undefined;
  const from = user.emailStatus ?? 'ok';
  const suppressed = await suppressionOf(address);
  const to: EmailStatus = asked ?? suppressed ?? 'ok';
  const lift = asked === 'ok' && suppressed ? address : undefined;
  if (to === from && !lift) return undefined;
  return { to, lift, ...(to === from ? {} : { change: { from, to, reason: newAddress !== undefined ? 'email_changed' : 'cleared' } }) };
}

/**
 * The owner's edit of a user; admins may also set a developer's permissions. The owner itself cannot be demoted or deactivated here
 * (ownership moves only by transfer). Deactivation ends every session at once; a changed
 * email must be verified again and the old address is told.
 */
export async function patch(ctx: AuthedContext, id: string, input: PatchInput, ifMatch?: number): Promise<UserRecord> {
  const { permissions, ...fields } = input;
  if (permissions === undefined || Object.values(fields).some((value) => value !== undefined)) {
    assertRoot(ctx.principal, 'Only the organization owner may edit other users.');
  }
  const user = await loadTarget(ctx, id);
  await assertNotManaged(user, input);
  const grant: PermissionChange | undefined = permissions === undefined ? undefined : planChange(ctx.principal, user, permissions);
  if (ifMatch !== undefined && ifMatch !== user.version) throw preconditionFailed();
  if (user.role === 'root' && (input.role !== undefined || input.status === 'deactivated')) {
    throw rootProtected();
  }
  if (input.status !== undefined && user.status === 'pending') {
    throw conflict('invalid_status_change', 'A pending user becomes active through its activation link; revoke or delete it instead.');
  }
  if (user.type === 'service' && (input.email !== undefined || input.requireMfa !== undefined || input.emailStatus !== undefined)) {
    throw badRequest('not_for_service_accounts', 'Service accounts have no email address and no two-factor.');
  }

  const at = nowIso();
  const set: Record<string, unknown> = { updatedAt: at };
  for (const field of ['name', 'origin', 'location', 'locale', 'role', 'status'] as const) {
    if (input[field] !== undefined && input[field] !== (user[field] ?? null)) set[field] = input[field];
  }
  if (input.requireMfa !== undefined && input.requireMfa !== user.mfa.required) set['mfa.required'] = input.requireMfa;
  if (set.status === 'deactivated') set.sessions = {};

  const items: TxItem[] = [];
  let verification: ReturnType<typeof newLink> | undefined;
  const emailChanged = input.email !== undefined && input.email !== user.email;
  const mailboxChanged = emailChanged && input.email!.toLowerCase() !== user.email?.toLowerCase();
  if (emailChanged) set.email = input.email;
  if (mailboxChanged) {
    await spendEmail(ctx, input.email!);
    items.push(releaseEmail(user.orgId, user.email!, user.id), claimEmail(user.orgId, input.email!, user.id));
    // A pending user gets a new activation link at the new address; an active one verifies it.
    verification = newLink({ ...user, email: input.email! }, user.status === 'pending' ? 'activation' : 'verifyEmail');
    items.push(verification.item);
    set[`emailTokens.${user.status === 'pending' ? 'activation' : 'verifyEmail'}`] = verification.hash;
    if (user.status !== 'pending') set.emailVerified = false;
  }
  const status = await emailStatusChange(user, mailboxChanged ? input.email! : undefined, input.emailStatus);
  if (status) {
    set.emailStatus = status.to;
    if (status.lift) items.push(liftSuppression(status.lift));
  }
  // The status change is audited as its own action (user.email_status_changed), not as an edit.
  const changed = Object.keys(set).filter((field) => field !== 'updatedAt' && field !== 'emailStatus');
  const regranted = grant !== undefined && (grant.added.length > 0 || grant.removed.length > 0);
  if (changed.length === 0 && !regranted && !status) return user;
  if (regranted) set.permissions = grant.permissions;

  const updated: UserRecord = { ...user, ...(set as Partial<UserRecord>), mfa: { ...user.mfa, required: (set['mfa.required'] as boolean | undefined) ?? user.mfa.required }, version: user.version + 1 };
  const before = searchTerms(user);
  const after = searchTerms(updated);
  items.push(
    updateUser(user, { set }),
    ...deleteSearchItems(user, before.filter((term) => !after.includes(term))),
    ...putSearchItems(updated, after.filter((term) => !before.includes(term))),
    ...(regranted ? [changeAudit(ctx, user, grant, at, userSnapshot(updated, user))] : []),
  );
  if (status?.change) items.push(emailStatusAudit(ctx, updated, status.change, actorOf(ctx.principal.user), at));
  if (changed.length) items.push(
    auditItem(ctx, {
      orgId: user.orgId,
      action: set.status === 'deactivated' ? 'user.deactivated' : set.status === 'active' ? 'user.reactivated' : set.role ? 'user.role_changed' : 'user.updated',
      actor: actorOf(ctx.principal.user),
      target: userTarget(user),
      details: {
        fields: changed.map((field) => field.replace(/^emailTokens\..*/, 'emailVerification')).filter((field, index, all) => all.indexOf(field) === index),
        ...(set.role ? { roleFrom: user.role, roleTo: set.role } : {}),
        ...(set.status ? { statusFrom: user.status, statusTo: set.status } : {}),
      },
      snapshot: userSnapshot(updated, user),
    }, at),
    ...(set.status === 'deactivated' ? sessionsEndedAudit(ctx, actorOf(ctx.principal.user), user, 'user_deactivated', at) : []),
  );
  await transact(items);

  if (mailboxChanged && verification) {
    const org = await requireOrg(user.orgId);
    await Promise.all([
      user.status === 'pending'
        ? emailUser(input.email!, 'invitation', org, updated, { link: verification.url, expiresAt: new Date(verification.expiresAt) })
        : emailUser(input.email!, 'verify-email', org, updated, { link: verification.url, expiresAt: new Date(verification.expiresAt) }),
      user.email && user.status !== 'pending' ? emailUser(user.email, 'email-changed', org, updated, { newEmail: input.email! }) : undefined,
    ]);
  }
  return updated;
}

/** Deletes a user for good (never the owner), confirmed by repeating its login. */
export async function remove(ctx: AuthedContext, id: string, confirm: string): Promise<void> {
  assertRoot(ctx.principal, 'Only the organization owner may delete users.');
  const user = await loadTarget(ctx, id);
  if (user.role === 'root') throw rootProtected();
  if (confirm.normalize('NFKC').toLowerCase() !== user.login) {
    throw badRequest('confirmation_mismatch', 'Repeat the login of the user to delete in ?confirm=.');
  }
  const org = await requireOrg(user.orgId);
  const at = nowIso();
  await transact([
    deleteUserItem(user),
    {
      write: {
        Delete: {
          TableName: tableName(),
          Key: keys.login(org.slug, user.login),
          ConditionExpression: 'userId = :userId',
          ExpressionAttributeValues: { ':userId': user.id },
        },
      },
    },
    ...(user.email ? [releaseEmail(user.orgId, user.email, user.id)] : []),
    ...deleteSearchItems(user, searchTerms(user)),
    auditItem(ctx, {
      orgId: user.orgId,
      action: 'user.deleted',
      actor: actorOf(ctx.principal.user),
      target: userTarget(user),
      details: { role: user.role, type: user.type, status: user.status },
      // The event shows the user as it was just before (api/events.md): it cannot be read later.
      snapshot: { data: publicUser(user) },
    }, at),
    ...sessionsEndedAudit(ctx, actorOf(ctx.principal.user), user, 'user_deleted', at),
  ]);
}

/** A new activation link for a pending user; the previous one dies. */
export async function reissueActivation(ctx: AuthedContext, id: string) {
  const user = await loadTarget(ctx, id);
  assertCanManageActivation(ctx.principal, user);
  if (user.status !== 'pending') throw conflict('not_pending', 'Only a pending user has an activation link.');
  const org = await requireOrg(user.orgId);
  await spendEmail(ctx, user.email!);
  const link = newLink(user, 'activation');
  const at = nowIso();
  await transact([
    link.item,
    updateUser(user, { set: { 'emailTokens.activation': link.hash }, bumpVersion: false, expect: { attribute: 'status', value: 'pending' } }),
    auditItem(ctx, { orgId: user.orgId, action: 'user.activation_issued', actor: actorOf(ctx.principal.user), target: userTarget(user) }, at),
  ]);
  const emailDelivery = await emailUser(user.email!, 'invitation', org, user, { link: link.url, expiresAt: new Date(link.expiresAt) });
  return { url: link.url, expiresAt: link.expiresAt, emailDelivery };
}

export async function revokeActivation(ctx: AuthedContext, id: string): Promise<void> {
  const user = await loadTarget(ctx, id);
  assertCanManageActivation(ctx.principal, user);
  if (user.status !== 'pending') throw conflict('not_pending', 'Only a pending user has an activation link.');
  await transact([
    updateUser(user, { remove: ['emailTokens.activation'], bumpVersion: false, expect: { attribute: 'status', value: 'pending' } }),
    auditItem(ctx, { orgId: user.orgId, action: 'user.activation_revoked', actor: actorOf(ctx.principal.user), target: userTarget(user) }, nowIso()),
  ]);
}

/** The owner sends a password-reset link to an active person. */
export async function issuePasswordReset(ctx: AuthedContext, id: string) {
  assertRoot(ctx.principal, 'Only the organization owner may reset passwords.');
  const user = await loadTarget(ctx, id);
  if (user.status !== 'active' || user.type !== 'human' || !user.email) {
    throw conflict('not_active', 'Only an active person can be sent a password-reset link.');
  }
  await assertPasswordAllowedForUser(user, 409);
  return sendResetLink(ctx, user, ctx.principal.user);
}

export async function revokePasswordReset(ctx: AuthedContext, id: string): Promise<void> {
  assertRoot(ctx.principal, 'Only the organization owner may manage password resets.');
  const user = await loadTarget(ctx, id);
  await transact([
    updateUser(user, { remove: [...RESET_PENDING.remove], bumpVersion: false, expect: { version: user.version } }),
    auditItem(ctx, { orgId: user.orgId, action: 'user.password_reset_revoked', actor: actorOf(ctx.principal.user), target: userTarget(user) }, nowIso()),
  ]);
}

/** Admins read other users' API-token lists (metadata only); only the owner manages them. */
export async function tokenOwner(ctx: AuthedContext, id: string, mode: 'read' | 'manage'): Promise<UserRecord> {
  const user = await loadTarget(ctx, id);
  if (user.id === ctx.principal.user.id) return user;
  if (mode === 'read') assertCanList(ctx.principal);
  else assertRoot(ctx.principal, 'Only the organization owner may manage other users’ API tokens.');
  return user;
}
