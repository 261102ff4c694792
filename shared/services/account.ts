import { sessionsEndedAudit } from './session-events';
import { afterUpdate, userSnapshot } from '../data/snapshots';
import type { Locale } from '../i18n/locales';
import { clock, nowIso } from '../clock';
import type { AuthedContext } from '../context';
import { actorOf, auditItem, userTarget } from '../data/audit';
import { requireOrg } from '../data/orgs';
import { transact } from '../data/transact';
import { RESET_PENDING, updateUser, type UserRecord } from '../data/users';
import { emailUser } from '../email/compose';
import { RateLimited, badRequest, conflict, preconditionFailed, reauthenticationFailed } from '../errors';
import { checkPassword, hashPassword, verifyPassword } from '../auth/passwords';
import { guardedAttempt } from './attempts';
import { shownUser } from './mfa-policy';
import { spendEmail } from './abuse';
import { newLink } from './email-links';
import { emailStatusAudit } from './email-events';
import { emailStatusChange } from './users';
import { liftSuppression, suppressionOf } from '../data/email-status';

export const RESEND_VERIFICATION_SECONDS = 60;

/** The user as the API shows it (with the organization's two-factor policy), and the version the ETag carries. */
export const userReply = async (user: UserRecord, status = 200) => ({
  status,
  body: await shownUser(user),
  headers: { ETag: `"${user.version}"` },
});

export async function patchMe(ctx: AuthedContext, input: { name?: string; location?: string | null; locale?: Locale | null; emailStatus?: 'ok' }, ifMatch?: number) {
  const user = ctx.principal.user;
  if (ifMatch !== undefined && ifMatch !== user.version) throw preconditionFailed();
  const { emailStatus, ...fields } = input;
  if (emailStatus !== undefined && !user.email) throw badRequest('no_email', 'This account has no email address.');
  const changes = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  const status = await emailStatusChange(user, undefined, emailStatus);
  if (Object.keys(changes).length === 0 && !status) return user;
  const at = nowIso();
  const set = { ...changes, ...(status ? { emailStatus: status.to } : {}), updatedAt: at };
  const updated: UserRecord = { ...user, ...set, version: user.version + 1 };
  await transact([
    updateUser(user, { set }),
    ...(status?.lift ? [liftSuppression(status.lift)] : []),
    ...(status?.change ? [emailStatusAudit(ctx, updated, status.change, actorOf(user), at)] : []),
    ...(Object.keys(changes).length
      ? [auditItem(ctx, {
          orgId: user.orgId,
          action: 'user.updated',
          actor: actorOf(user),
          target: userTarget(user),
          details: { fields: Object.keys(changes) },
          snapshot: userSnapshot(updated, user),
        }, at)]
      : []),
  ]);
  return updated;
}

/**
 * A signed-in password check counts towards the same lockout as logins, so a stolen access
 * token cannot be used to guess the password; its success is no sign-in and ends no run.
 */
export async function reauthenticate(user: UserRecord, slug: string, password: string): Promise<void> {
  await guardedAttempt(slug, user.login, async () => ((await verifyPassword(user.passwordHash, password)) ? true : undefined), reauthenticationFailed);
}

/** Changes the password and signs out every other session; this one stays. */
export async function changePassword(ctx: AuthedContext, input: { currentPassword: string; newPassword: string }) {
  const { user, sessionId } = ctx.principal;
  const org = await requireOrg(user.orgId);
  await reauthenticate(user, org.slug, input.currentPassword);
  checkPassword(input.newPassword, { login: user.login, email: user.email, orgSlug: org.slug }, 'newPassword');
  const passwordHash = await hashPassword(input.newPassword);
  const at = nowIso();
  const keep = sessionId && user.sessions[sessionId] ? { [sessionId]: user.sessions[sessionId] } : {};
  const update = {
    set: { passwordHash, sessions: keep, mustChangePassword: false, updatedAt: at },
    remove: [...RESET_PENDING.remove],
    bumpVersion: false,
  };
  const ended = Object.keys(user.sessions).filter((id) => !(id in keep));
  await transact([
    updateUser(user, { ...update, expect: { attribute: 'passwordHash', value: user.passwordHash } }),
    auditItem(ctx, {
      orgId: user.orgId,
      action: 'user.password_changed',
      actor: actorOf(user),
      target: userTarget(user),
      details: { otherSessionsEnded: ended.length },
      snapshot: userSnapshot(afterUpdate(user, update), user),
    }, at),
    // A session that ends before it expires fires session.ended, whatever ended it (api/events.md).
    ...sessionsEndedAudit(ctx, actorOf(user), user, 'password_changed', at, Object.keys(keep)),
  ]);
  if (user.email) await emailUser(user.email, 'password-changed', org, user, {});
}

/** Emails a new verification link (the previous one dies), at most once a minute. */
export async function resendVerification(ctx: AuthedContext) {
  const user = ctx.principal.user;
  if (user.emailVerified || !user.email) throw conflict('already_verified', 'The email address is already verified.');
  const now = clock.now();
  const last = user.verificationSentAt ? Date.parse(user.verificationSentAt) : 0;
  const wait = last + RESEND_VERIFICATION_SECONDS * 1000 - now;
  // A per-recipient limit of its own (one a minute), so its 429 names `recipient` like the hourly one.
  if (wait > 0) throw new RateLimited('recipient', wait / 1000, 'A verification link was sent a moment ago; check your inbox.');
  // Before the email limit is spent: a refused resend changes nothing.
  if ((user.emailStatus ?? 'ok') !== 'ok' || (await suppressionOf(user.email))) {
    throw conflict('email_undeliverable', 'Email to this address bounced or was marked as spam, so no link was sent. Change the address, or set emailStatus to "ok" once it works again.');
  }
  await spendEmail(ctx, user.email);
  const org = await requireOrg(user.orgId);
  const verification = newLink(user, 'verifyEmail');
  const at = nowIso();
  await transact([
    verification.item,
    updateUser(user, {
      set: { 'emailTokens.verifyEmail': verification.hash, verificationSentAt: at },
      bumpVersion: false,
      expect: { attribute: 'verificationSentAt', value: user.verificationSentAt },
    }),
    auditItem(ctx, {
      orgId: user.orgId,
      action: 'user.email_verification_sent',
      actor: actorOf(user),
      target: userTarget(user),
    }, at),
  ]);
  await emailUser(user.email, 'verify-email', org, user, { link: verification.url, expiresAt: new Date(verification.expiresAt) });
}
