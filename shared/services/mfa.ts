import { afterUpdate, userSnapshot } from '../data/snapshots';
import { nowIso } from '../clock';
import type { AuthedContext, RequestContext } from '../context';
import { actorOf, auditItem, userTarget } from '../data/audit';
import { consumeChallengeItem, setChallengeSecret } from '../data/challenges';
import { requireOrg, type OrgRecord } from '../data/orgs';
import { transact } from '../data/transact';
import { deletePasskeyMarker } from '../data/passkeys';
import { hasTotp, secondFactorUpdate, updateUser, type UserRecord } from '../data/users';
import { emailUser } from '../email/compose';
import type { TwoFactorChange } from '../email/types';
import { Problem, badRequest, conflict, forbidden, reauthenticationFailed, validationFailed } from '../errors';
import { open, seal } from '../auth/crypto';
import { verifyPassword } from '../auth/passwords';
import { assertRoot } from '../auth/policy';
import { enrolment, isRecoveryCodeShape, newRecoveryCodes, newTotpSecret, recoveryCodeHash, verifyTotp } from '../auth/totp';
import { guardedAttempt, signInAttempt } from './attempts';
import { invalidSession, loadChallenge } from './challenges';
import { requiredByPolicy } from './mfa-policy';
import { sessionMeta, startSession } from './sessions';

/** What a sealed TOTP secret is bound to (also used by the user import). */
export const boundTo = (user: Pick<UserRecord, 'orgId' | 'id'>) => `totp:${user.orgId}:${user.id}`;
export const invalidCode = () => new Problem(401, 'invalid_code', 'The code is not correct, or was already used.');
const wrongEnrolmentCode = () => badRequest('invalid_code', 'The code does not match the authenticator; try the next one.');

async function notify(user: UserRecord, org: OrgRecord, change: TwoFactorChange) {
  if (user.email) await emailUser(user.email, 'two-factor-changed', org, user, { change });
}

/** What a valid second factor proves, for recording its use atomically. */
export interface FactorUse {
  step?: number;
  recoveryHash?: string;
}

/** A TOTP code (later than the last accepted step) or an unused recovery code; undefined if neither. */
export async function checkSecondFactor(user: UserRecord, code: string): Promise<FactorUse | undefined> {
  if (!user.mfa.enabled) return undefined;
  // A passkey-only user has recovery codes but no TOTP secret.
  if (isRecoveryCodeShape(code)) {
    const hash = await recoveryCodeHash(user.id, code);
    return user.recoveryCodes?.has(hash) ? { recoveryHash: hash } : undefined;
  }
  if (!user.totp) return undefined;
  const step = await verifyTotp(await open(user.totp.secret, boundTo(user)), code.trim(), user.totp.lastStep);
  return step === undefined ? undefined : { step };
}

export async function freshCodes(user: Pick<UserRecord, 'id'>) {
  const codes = newRecoveryCodes();
  return { codes, hashes: new Set(await Promise.all(codes.map((code) => recoveryCodeHash(user.id, code)))) };
}

/** Self-enrolment, step one: a new secret, URI and QR code; nothing is enabled yet. */
export async function startEnrolment(ctx: AuthedContext) {
  const user = ctx.principal.user;
  if (user.type !== 'human') throw badRequest('not_for_service_accounts', 'Service accounts have no two-factor.');
  if (hasTotp(user.mfa)) throw conflict('mfa_already_enabled', 'TOTP is already enabled; disable it first to enrol again.');
  const secret = await newTotpSecret();
  await transact([
    updateUser(user, { set: { pendingTotp: await seal(secret, boundTo(user)) }, bumpVersion: false, expect: { attribute: 'totp', value: undefined } }),
  ]);
  return enrolment(secret, (await requireOrg(user.orgId)).slug, user.login);
}

/** Self-enrolment, step two: a valid code enables two-factor and returns ten recovery codes once. */
export async function confirmEnrolment(ctx: AuthedContext, code: string) {
  const user = ctx.principal.user;
  if (hasTotp(user.mfa)) throw conflict('mfa_already_enabled', 'TOTP is already enabled.');
  if (!user.pendingTotp) throw conflict('no_enrolment', 'Start an enrolment with POST /v1/me/mfa/totp first.');
  const secret = await open(user.pendingTotp, boundTo(user));
  const org = await requireOrg(user.orgId);
  const step = await guardedAttempt(org.slug, user.login, () => verifyTotp(secret, code.trim()), wrongEnrolmentCode);
  const { codes, hashes } = await freshCodes(user);
  const at = nowIso();
  const enabled = {
    set: { 'mfa.enabled': true, 'mfa.totp': true, totp: { secret: await seal(secret, boundTo(user)), lastStep: step }, recoveryCodes: hashes, updatedAt: at },
    remove: ['pendingTotp'],
  };
  await transact([
    updateUser(user, { ...enabled, expect: { attribute: 'pendingTotp', value: user.pendingTotp } }),
    auditItem(ctx, { orgId: user.orgId, action: 'mfa.enabled', actor: actorOf(user), target: userTarget(user), snapshot: userSnapshot(afterUpdate(user, enabled), user) }, at),
  ]);
  await notify(user, org, 'enabled');
  return { recoveryCodes: codes };
}

/** Turning two-factor off needs a current code or the password, and is refused while required. */
export async function disable(ctx: AuthedContext, proof: { code?: string; password?: string }) {
  const user = ctx.principal.user;
  // Passkeys left behind keep two-factor on (and the recovery codes alive); TOTP alone goes.
  const passkeysLeft = (user.mfa.passkeys ?? 0) > 0;
  if (!passkeysLeft && (user.mfa.required || (await requiredByPolicy(user)))) {
    throw forbidden('Two-factor is required for your account by the organization owner.', 'mfa_required');
  }
  if (!hasTotp(user.mfa)) throw conflict('mfa_not_enabled', 'TOTP is not enabled.');
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
  const disabled = {
    set: { 'mfa.enabled': passkeysLeft, 'mfa.totp': false, updatedAt: at },
    remove: passkeysLeft ? ['totp', 'pendingTotp'] : ['totp', 'recoveryCodes', 'pendingTotp'],
  };
  await transact([
    updateUser(user, disabled),
    auditItem(ctx, { orgId: user.orgId, action: 'mfa.disabled', actor: actorOf(user), target: userTarget(user), snapshot: userSnapshot(afterUpdate(user, disabled), user) }, at),
  ]);
  await notify(user, org, 'disabled');
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
    // The public user is unchanged by new codes (they are never in an event); the event says that they were replaced.
    auditItem(ctx, { orgId: user.orgId, action: 'mfa.recovery_codes_replaced', actor: actorOf(user), target: userTarget(user), snapshot: userSnapshot(user) }, at),
  ]);
  await notify(user, org, 'recovery-codes');
  return { recoveryCodes: codes };
}

/** The owner removes a lost device; the required flag stays, so the user enrols again at next login. */
export async function resetForUser(ctx: AuthedContext, target: UserRecord) {
  assertRoot(ctx.principal, 'Only the organization owner may reset another user’s two-factor.');
  if (target.id === ctx.principal.user.id) {
    throw forbidden('Turn off your own two-factor with DELETE /v1/me/mfa/totp and a current code or your password.');
  }
  const at = nowIso();
  const passkeys = Object.values(target.passkeys ?? {});
  const reset = {
    set: { 'mfa.enabled': false, 'mfa.totp': false, 'mfa.passkeys': 0, updatedAt: at },
    remove: ['totp', 'recoveryCodes', 'pendingTotp', ...(target.passkeys ? ['passkeys'] : [])],
  };
  await transact([
    updateUser(target, reset),
    // The markers go too, so a removed passkey finds no user at a passwordless sign-in.
    ...passkeys.map((passkey) => deletePasskeyMarker(passkey.credentialId)),
    auditItem(ctx, {
      orgId: target.orgId,
      action: 'mfa.reset',
      actor: actorOf(ctx.principal.user),
      target: userTarget(target),
      details: { passkeysRemoved: passkeys.length },
      snapshot: userSnapshot(afterUpdate(target, reset), target),
    }, at),
  ]);
  await notify(target, await requireOrg(target.orgId), 'reset');
}

/** MFA_REQUIRED: a TOTP or recovery code completes the login; failures count towards the lockout. */
export async function answerMfa(ctx: RequestContext, session: string, code: string | undefined) {
  const { challenge, user } = await loadChallenge(session, 'MFA_REQUIRED');
  if (!code) throw validationFailed([{ path: 'code', message: 'is required for this challenge' }]);
  // TOTP no longer allowed by the organization: only a recovery code still answers.
  if (challenge.methods && !challenge.methods.includes('totp') && !isRecoveryCodeShape(code)) throw invalidCode();
  const use = await signInAttempt(ctx, challenge.slug, challenge.login, () => checkSecondFactor(user, code), invalidCode, { completesSignIn: () => true });
  await transact([consumeChallengeItem(challenge.hash, invalidSession), secondFactorUpdate(user, use, {}, invalidCode)]);
  return startSession(user, sessionMeta(ctx, { mfa: true }));
}

/**
 * MFA_SETUP_REQUIRED: without a code, offers the secret (kept, sealed, on the challenge);
 * with a code, enables two-factor and completes the login with tokens and recovery codes.
 */
export async function answerMfaSetup(ctx: RequestContext, session: string, code: string | undefined) {
  const { challenge, user } = await loadChallenge(session, 'MFA_SETUP_REQUIRED');
  if (hasTotp(user.mfa)) throw invalidSession();
  if (!code) {
    const secret = challenge.pendingSecret ? await open(challenge.pendingSecret, boundTo(user)) : await newTotpSecret();
    if (!challenge.pendingSecret) await setChallengeSecret(challenge.hash, await seal(secret, boundTo(user)));
    return { session, ...(await enrolment(secret, challenge.slug, user.login)) };
  }
  if (!challenge.pendingSecret) throw conflict('no_enrolment', 'Ask for the secret first: answer this challenge without a code.');
  const secret = await open(challenge.pendingSecret, boundTo(user));
  const step = await signInAttempt(ctx, challenge.slug, challenge.login, () => verifyTotp(secret, code.trim()), invalidCode, { completesSignIn: () => true });
  const { codes, hashes } = await freshCodes(user);
  const at = nowIso();
  const enabled = { ...user, mfa: { ...user.mfa, enabled: true, totp: true }, version: user.version + 1 };
  const enrolled = {
    set: { 'mfa.enabled': true, 'mfa.totp': true, totp: { secret: await seal(secret, boundTo(user)), lastStep: step }, recoveryCodes: hashes, updatedAt: at },
    remove: ['pendingTotp'],
  };
  await transact([
    consumeChallengeItem(challenge.hash, invalidSession),
    updateUser(user, { ...enrolled, expect: { attribute: 'totp', value: undefined } }),
    auditItem(ctx, { orgId: user.orgId, action: 'mfa.enabled', actor: actorOf(user), target: userTarget(user), details: { atLogin: true }, snapshot: userSnapshot(afterUpdate(user, enrolled), user) }, at),
  ]);
  const tokens = await startSession(enabled, sessionMeta(ctx, { mfa: true }));
  await notify(user, await requireOrg(user.orgId), 'enabled');
  return { ...tokens, recoveryCodes: codes };
}
