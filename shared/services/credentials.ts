import { sessionsEndedAudit } from './session-events';
import { afterUpdate, userSnapshot } from '../data/snapshots';
import { setTimeout as sleep } from 'node:timers/promises';
import { clock, nowIso, nowSeconds } from '../clock';
import type { RequestContext } from '../context';
import { actorOf, auditItem, userTarget } from '../data/audit';
import { consumeEmailToken, getEmailToken } from '../data/email-tokens';
import { clearFailures, getLogin } from '../data/logins';
import { getOrg } from '../data/orgs';
import { transact } from '../data/transact';
import { RESET_PENDING, getUser, updateUser, type EmailTokenPurpose, type UserRecord } from '../data/users';
import { emailUser } from '../email/compose';
import { badRequest } from '../errors';
import { checkPassword, hashPassword } from '../auth/passwords';
import { hashToken } from '../ids';
import { normalizeLogin } from '../http/schemas';
import { logger } from '../log';
import { continueSignIn } from './challenges';
import { newLink } from './email-links';
import { assertPasswordAllowed, assertPasswordAllowedForUser } from './sso-enforcement';
import { mayMailQuietly, spendEmail, spendForgotRequest } from './abuse';

/** Every forgot-password answer takes at least this long, whether or not a link was sent. */
export const FORGOT_MIN_MS = 400;
export const RESET_RESEND_SECONDS = 60;

const invalidToken = () => badRequest('invalid_token', 'This link is not valid: it may have expired or been used already.');

/** The user a live emailed token of this purpose belongs to, if it is still that user's current one. */
async function redeemable(purpose: EmailTokenPurpose, token: string) {
  const hash = hashToken(purpose, token);
  const record = await getEmailToken(hash);
  if (!record || record.purpose !== purpose || record.expiresAt <= nowSeconds()) throw invalidToken();
  const user = await getUser(record.orgId, record.userId);
  if (!user || user.emailTokens?.[purpose] !== hash) throw invalidToken();
  return { hash, user, record };
}

/** A password chosen through a link: checked against the policy in its organization's context, then hashed. */
async function chosenPassword(user: UserRecord, password: string) {
  const org = await getOrg(user.orgId);
  if (!org) throw invalidToken();
  checkPassword(password, { login: user.login, email: user.email, orgSlug: org.slug });
  return { org, passwordHash: await hashPassword(password) };
}

/** Marks the address verified if the link is live and was sent to the user's current address. */
export async function verifyEmail(ctx: RequestContext, token: string): Promise<void> {
  const { hash, user, record } = await redeemable('verifyEmail', token);
  if (user.email?.toLowerCase() !== record.email) throw invalidToken();
  const at = nowIso();
  const verified = { set: { emailVerified: true, updatedAt: at }, remove: ['emailTokens.verifyEmail'] };
  await transact([
    consumeEmailToken(hash, invalidToken),
    updateUser(user, { ...verified, expect: { attribute: 'emailTokens.verifyEmail', value: hash } }),
    auditItem(ctx, { orgId: user.orgId, action: 'user.email_verified', actor: actorOf(user), target: userTarget(user), snapshot: userSnapshot(afterUpdate(user, verified), user) }, at),
  ]);
}

/** Activation link + chosen password: the pending user becomes active with a verified email. */
export async function activate(ctx: RequestContext, input: { token: string; password: string }) {
  const { hash, user } = await redeemable('activation', input.token);
  if (user.status !== 'pending') throw invalidToken();
  const { org, passwordHash } = await chosenPassword(user, input.password);
  const at = nowIso();
  const activated = { set: { status: 'active', emailVerified: true, passwordHash, updatedAt: at }, remove: ['emailTokens.activation'] };
  await transact([
    consumeEmailToken(hash, invalidToken),
    updateUser(user, { ...activated, expect: { attribute: 'emailTokens.activation', value: hash } }),
    auditItem(ctx, {
      orgId: user.orgId,
      action: 'user.activated',
      actor: actorOf(user),
      target: userTarget(user),
      snapshot: userSnapshot(afterUpdate(user, activated), user),
    }, at),
  ]);
  return continueSignIn(ctx, { ...user, status: 'active', emailVerified: true, passwordHash, version: user.version + 1 }, org.slug);
}

/**
 * Self-service "forgot password". The answer is the same 202, after the same minimum time,
 * whether or not the account exists; links go only to active people, at most once a minute
 * per account and GATEHOUSE_LIMIT_EMAILS_PER_RECIPIENT_PER_HOUR times an hour per address
 * (past it, silently nothing). Every request counts towards its address's email limit, whose
 * 429 therefore tells nothing about the account either.
 */
export async function forgotPassword(ctx: RequestContext, input: { org: string; login: string }): Promise<void> {
  const started = performance.now();
  await spendForgotRequest(ctx);
  await assertPasswordAllowed(input.org.trim().toLowerCase(), normalizeLogin(input.login.trim()));
  try {
    const slug = input.org.trim().toLowerCase();
    const record = await getLogin(slug, normalizeLogin(input.login.trim()));
    const user = record?.userId && record.orgId ? await getUser(record.orgId, record.userId) : undefined;
    const last = user?.resetSentAt ? Date.parse(user.resetSentAt) : 0;
    if (user && user.status === 'active' && user.type === 'human' && user.email && clock.now() - last > RESET_RESEND_SECONDS * 1000) {
      if (await mayMailQuietly(ctx, user.email)) await sendResetLink(ctx, user, null, { rateLimited: true });
    }
  } catch (error) {
    // Never let an internal failure tell the caller anything the normal answer would not.
    logger.error('forgot-password failed', { error });
  }
  const wait = FORGOT_MIN_MS - (performance.now() - started);
  if (wait > 0) await sleep(wait);
}

/** Issues a reset link (the previous one dies) and emails it; used by forgot-password and by the root. */
export async function sendResetLink(ctx: RequestContext, user: UserRecord, actor: UserRecord | null, options: { rateLimited?: boolean } = {}) {
  // Forgot-password counted its email already, quietly; the owner's request is limited here.
  if (actor) await spendEmail(ctx, user.email!);
  const org = await getOrg(user.orgId);
  const link = newLink(user, 'reset');
  const at = nowIso();
  await transact([
    link.item,
    updateUser(user, {
      set: { ...RESET_PENDING.set(link.hash), ...(options.rateLimited ? { resetSentAt: at } : {}) },
      bumpVersion: false,
      expect: { attribute: 'status', value: 'active' },
    }),
    auditItem(ctx, {
      orgId: user.orgId,
      action: 'user.password_reset_requested',
      actor: actor ? actorOf(actor) : null,
      target: userTarget(user),
      details: { by: actor ? 'owner' : 'self-service' },
    }, at),
  ]);
  const emailDelivery = await emailUser(user.email!, 'password-reset', org ?? { id: user.orgId, name: 'Gatehouse', slug: '' }, user, { link: link.url, expiresAt: new Date(link.expiresAt) });
  return { url: link.url, expiresAt: link.expiresAt, emailDelivery };
}

/** Reset link + new password: every session ends, every other reset link dies. */
export async function resetPassword(ctx: RequestContext, input: { token: string; password: string }): Promise<void> {
  const { hash, user } = await redeemable('reset', input.token);
  if (user.status !== 'active') throw invalidToken();
  await assertPasswordAllowedForUser(user);
  const { org, passwordHash } = await chosenPassword(user, input.password);
  const at = nowIso();
  const reset = { set: { passwordHash, sessions: {}, mustChangePassword: false, updatedAt: at }, remove: [...RESET_PENDING.remove], bumpVersion: false };
  await transact([
    consumeEmailToken(hash, invalidToken),
    updateUser(user, { ...reset, expect: { attribute: 'emailTokens.reset', value: hash } }),
    auditItem(ctx, {
      orgId: user.orgId,
      action: 'user.password_reset',
      actor: actorOf(user),
      target: userTarget(user),
      details: { sessionsEnded: Object.keys(user.sessions).length },
      snapshot: userSnapshot(afterUpdate(user, reset), user),
    }, at),
    ...sessionsEndedAudit(ctx, actorOf(user), user, 'password_changed', at),
  ]);
  // The link proved the mailbox, so a lock left by password guesses must not keep its owner
  // out. With two-factor enrolled the lock may come from guesses at the code, which a mailbox
  // does not answer: it stays, or every reset link would buy another five guesses.
  if (!user.mfa.enabled) await clearFailures(org.slug, user.login);
  await emailUser(user.email!, 'password-changed', org, user, {});
}
