import { nowIso } from '../clock';
import type { AuthedContext, RequestContext } from '../context';
import { actorOf, auditItem, userTarget } from '../data/audit';
import { consumeChallengeItem, setChallengeSecret } from '../data/challenges';
import { requireOrg, type OrgRecord } from '../data/orgs';
import { transact } from '../data/transact';
import { secondFactorUpdate, updateUser, type UserRecord } from '../data/users';
import { sendEmail } from '../email/mailer';
import { twoFactorChangedMessage } from '../email/templates';
import { Problem, badRequest, conflict, forbidden, reauthenticationFailed, validationFailed } from '../errors';
import { open, seal } from '../auth/crypto';
import { verifyPassword } from '../auth/passwords';
import { assertRoot } from '../auth/policy';
import { enrolment, isRecoveryCodeShape, newRecoveryCodes, newTotpSecret, recoveryCodeHash, verifyTotp } from '../auth/totp';
import { guardedAttempt } from './attempts';
import { invalidSession, loadChallenge } from './challenges';
import { sessionMeta, startSession } from './sessions';

/** What a sealed TOTP secret is bound to (also used by the user import). */
export const boundTo = (user: Pick<UserRecord, 'orgId' | 'id'>) => `totp:${user.orgId}:${user.id}`;
export const invalidCode = () => new Problem(401, 'invalid_code', 'The code is not correct, or was already used.');
const wrongEnrolmentCode = () => badRequest('invalid_code', 'The code does not match the authenticator; try the next one.');

async function notify(user: UserRecord, org: OrgRecord, change: string) {
  if (user.email) await sendEmail(user.email, twoFactorChangedMessage(user.name, org.name, change), user);
}

/** What a valid second factor proves, for recording its use atomically. */
export interface FactorUse {
  step?: number;
  recoveryHash?: string;
}

/** A TOTP code (later than the last accepted step) or an unused recovery code; undefined if neither. */
export async function checkSecondFactor(user: UserRecord, code: string): Promise<FactorUse | undefined> {
  if (!user.mfa.enabled || !user.totp) return undefined;
  if (isRecoveryCodeShape(code)) {
    const hash = await recoveryCodeHash(user.id, code);
    return user.recoveryCodes?.has(hash) ? { recoveryHash: hash } : undefined;
  }
  const step = await verifyTotp(await open(user.totp.secret, boundTo(user)), code.trim(), user.totp.lastStep);
  return step === undefined ? undefined : { step };
}

async function freshCodes(user: Pick<UserRecord, 'id'>) {
  const codes = newRecoveryCodes();
  return { codes, hashes: new Set(await Promise.all(codes.map((code) => recoveryCodeHash(user.id, code)))) };
}

/** Self-enrolment, step one: a new secret, URI and QR code; nothing is enabled yet. */
export async function startEnrolment(ctx: AuthedContext) {
  const user = ctx.principal.user;
  if (user.type !== 'human') throw badRequest('not_for_service_accounts', 'Service accounts have no two-factor.');
  if (user.mfa.enabled) throw conflict('mfa_already_enabled', 'Two-factor is already enabled; disable it first to enrol again.');
  const secret = await newTotpSecret();
  await transact([
    updateUser(user, { set: { pendingTotp: await seal(secret, boundTo(user)) }, bumpVersion: false, expect: { attribute: 'mfa.enabled', value: false } }),
  ]);
  return enrolment(secret, (await requireOrg(user.orgId)).slug, user.login);
}

/** Self-enrolment, step two: a valid code enables two-factor and returns ten recovery codes once. */
export async function confirmEnrolment(ctx: AuthedContext, code: string) {
  const user = ctx.principal.user;
  if (user.mfa.enabled) throw conflict('mfa_already_enabled', 'Two-factor is already enabled.');
  if (!user.pendingTotp) throw conflict('no_enrolment', 'Start an enrolment with POST /v1/me/mfa/totp first.');
  const secret = await open(user.pendingTotp, boundTo(user));
  const org = await requireOrg(user.orgId);
  const step = await guardedAttempt(org.slug, user.login, () => verifyTotp(secret, code.trim()), wrongEnrolmentCode);
  const { codes, hashes } = await freshCodes(user);
  const at = nowIso();
  await transact([
    updateUser(user, {
      set: { 'mfa.enabled': true, totp: { secret: await seal(secret, boundTo(user)), lastStep: step }, recoveryCodes: hashes, updatedAt: at },
      remove: ['pendingTotp'],
      expect: { attribute: 'pendingTotp', value: user.pendingTotp },
    }),
    auditItem(ctx, { orgId: user.orgId, action: 'mfa.enabled', actor: actorOf(user), target: userTarget(user) }, at),
  ]);
  await notify(user, org, 'two-factor sign-in was turned on');
  return { recoveryCodes: codes };
}

/** Turning two-factor off needs a current code or the password, and is refused while required. */
export async function disable(ctx: AuthedContext, proof: { code?: string; password?: string }) {
  const user = ctx.principal.user;
  if (user.mfa.required) throw forbidden('Two-factor is required for your account by the organization owner.', 'mfa_required');
  if (!user.mfa.enabled) throw conflict('mfa_not_enabled', 'Two-factor is not enabled.');
  const org = await requireOrg(user.orgId);
  await guardedAttempt(
    org.slug,
    user.login,
    async () => {
      if (proof.code !== undefined) return (await checkSecondFactor(user, proof.code)) ? true : undefined;
      return (await verifyPassword(user.passwordHash, proof.password ?? '')) ? true : undefined;
    },
    reauthenticationFailed,
  );
  const at = nowIso();
  await transact([
    updateUser(user, { set: { 'mfa.enabled': false, updatedAt: at }, remove: ['totp', 'recoveryCodes', 'pendingTotp'] }),
    auditItem(ctx, { orgId: user.orgId, action: 'mfa.disabled', actor: actorOf(user), target: userTarget(user) }, at),
  ]);
  await notify(user, org, 'two-factor sign-in was turned off');
}

/** New recovery codes for a current code; every old code dies. */
export async function regenerateRecoveryCodes(ctx: AuthedContext, code: string) {
  const user = ctx.principal.user;
  if (!user.mfa.enabled) throw conflict('mfa_not_enabled', 'Two-factor is not enabled.');
  const org = await requireOrg(user.orgId);
  const use = await guardedAttempt(org.slug, user.login, () => checkSecondFactor(user, code), reauthenticationFailed);
  const { codes, hashes } = await freshCodes(user);
  const at = nowIso();
  await transact([
    secondFactorUpdate(user, use, { set: { recoveryCodes: hashes } }, reauthenticationFailed),
    auditItem(ctx, { orgId: user.orgId, action: 'mfa.recovery_codes_replaced', actor: actorOf(user), target: userTarget(user) }, at),
  ]);
  await notify(user, org, 'new recovery codes were made and the old ones no longer work');
  return { recoveryCodes: codes };
}

/** The owner removes a lost device; the required flag stays, so the user enrols again at next login. */
export async function resetForUser(ctx: AuthedContext, target: UserRecord) {
  assertRoot(ctx.principal, 'Only the organization owner may reset another user’s two-factor.');
  if (target.id === ctx.principal.user.id) {
    throw forbidden('Turn off your own two-factor with DELETE /v1/me/mfa/totp and a current code or your password.');
  }
  const at = nowIso();
  await transact([
    updateUser(target, { set: { 'mfa.enabled': false, updatedAt: at }, remove: ['totp', 'recoveryCodes', 'pendingTotp'] }),
    auditItem(ctx, { orgId: target.orgId, action: 'mfa.reset', actor: actorOf(ctx.principal.user), target: userTarget(target) }, at),
  ]);
  await notify(target, await requireOrg(target.orgId), 'the organization owner removed your two-factor device');
}

/** MFA_REQUIRED: a TOTP or recovery code completes the login; failures count towards the lockout. */
export async function answerMfa(ctx: RequestContext, session: string, code: string | undefined) {
  const { challenge, user } = await loadChallenge(session, 'MFA_REQUIRED');
  if (!code) throw validationFailed([{ path: 'code', message: 'is required for this challenge' }]);
  const use = await guardedAttempt(challenge.slug, challenge.login, () => checkSecondFactor(user, code), invalidCode, { completesSignIn: () => true });
  await transact([consumeChallengeItem(challenge.hash, invalidSession), secondFactorUpdate(user, use, {}, invalidCode)]);
  return startSession(user, sessionMeta(ctx, { mfa: true }));
}

/**
 * MFA_SETUP_REQUIRED: without a code, offers the secret (kept, sealed, on the challenge);
 * with a code, enables two-factor and completes the login with tokens and recovery codes.
 */
export async function answerMfaSetup(ctx: RequestContext, session: string, code: string | undefined) {
  const { challenge, user } = await loadChallenge(session, 'MFA_SETUP_REQUIRED');
  if (user.mfa.enabled) throw invalidSession();
  if (!code) {
    const secret = challenge.pendingSecret ? await open(challenge.pendingSecret, boundTo(user)) : await newTotpSecret();
    if (!challenge.pendingSecret) await setChallengeSecret(challenge.hash, await seal(secret, boundTo(user)));
    return { session, ...(await enrolment(secret, challenge.slug, user.login)) };
  }
  if (!challenge.pendingSecret) throw conflict('no_enrolment', 'Ask for the secret first: answer this challenge without a code.');
  const secret = await open(challenge.pendingSecret, boundTo(user));
  const step = await guardedAttempt(challenge.slug, challenge.login, () => verifyTotp(secret, code.trim()), invalidCode, { completesSignIn: () => true });
  const { codes, hashes } = await freshCodes(user);
  const at = nowIso();
  const enabled = { ...user, mfa: { ...user.mfa, enabled: true }, version: user.version + 1 };
  await transact([
    consumeChallengeItem(challenge.hash, invalidSession),
    updateUser(user, {
      set: { 'mfa.enabled': true, totp: { secret: await seal(secret, boundTo(user)), lastStep: step }, recoveryCodes: hashes, updatedAt: at },
      remove: ['pendingTotp'],
      expect: { attribute: 'mfa.enabled', value: false },
    }),
    auditItem(ctx, { orgId: user.orgId, action: 'mfa.enabled', actor: actorOf(user), target: userTarget(user), details: { atLogin: true } }, at),
  ]);
  const tokens = await startSession(enabled, sessionMeta(ctx, { mfa: true }));
  await notify(user, await requireOrg(user.orgId), 'two-factor sign-in was turned on');
  return { ...tokens, recoveryCodes: codes };
}
