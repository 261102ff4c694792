import { afterUpdate, userSnapshot } from '../data/snapshots';
import { nowIso, nowSeconds } from '../clock';
import type { AuthedContext, RequestContext } from '../context';
import { authenticatorName, ZERO_AAGUID } from '../auth/aaguids';
import { verifyPassword } from '../auth/passwords';
import { assertRoot } from '../auth/policy';
import {
  clientData,
  creationOptions,
  PASSKEY_TIMEOUT_MS,
  relyingParty,
  requestOptions,
  verifyAssertion,
  verifyRegistration,
  type AuthenticationResponseJSON,
  type NewCredential,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  type RelyingParty,
} from '../auth/webauthn';
import { actorOf, auditItem, userTarget } from '../data/audit';
import { consumeChallengeItem, type ChallengeKind } from '../data/challenges';
import { getOrg, orgIdBySlug, requireOrg, type MfaPolicy, type OrgRecord } from '../data/orgs';
import {
  addPasskeyItem,
  deletePasskeyMarker,
  getPasskeyMarker,
  MAX_PASSKEYS_PER_USER,
  passkeyLimit,
  putPasskeyMarker,
  putWebAuthnChallenge,
  recordPasskeyUseItem,
  removePasskeysItem,
  renamePasskeyItem,
  spendWebAuthnChallenge,
  type PasskeyRecord,
  type WebAuthnBinding,
} from '../data/passkeys';
import { getSession } from '../data/sessions';
import { transact, type TxItem } from '../data/transact';
import { getUser, hasTotp, type UserRecord } from '../data/users';
import { emailUser } from '../email/compose';
import { conflict, forbidden, notFound, Problem, reauthenticationFailed, badRequest } from '../errors';
import { hashToken, newId, randomSecret, safeEqual } from '../ids';
import { logger } from '../log';
import { guardedAttempt, signInCompleted } from './attempts';
import { invalidSession, loadChallenge } from './challenges';
import { checkSecondFactor, freshCodes } from './mfa';
import { allowedMethods, coveredByPolicy, orgPolicy, policyOf } from './mfa-policy';
import { sessionMeta, startSession, type Tokens } from './sessions';

/**
 * Passkeys (api/passkeys.md): registration, listing and removal, the passkey as a second
 * factor, and passwordless sign-in. @simplewebauthn/server checks the ceremony (challenge,
 * origin, RP ID hash, flags, signature); this module checks what it does not: that the
 * credential belongs to the user the answer is for, the user handle, cross-origin answers,
 * and the counter rule, which differs for synced and device-bound passkeys.
 */

/** A sign-in at most this old may add or remove a passkey without confirming again. */
const FRESH_SIGN_IN_SECONDS = 300;
const CHALLENGE_SECONDS = PASSKEY_TIMEOUT_MS / 1000;

export const invalidPasskey = () => new Problem(401, 'invalid_passkey', 'The passkey could not be verified.');
const invalidRegistration = () => badRequest('invalid_passkey', 'The passkey could not be registered; try adding it again.');
const passkeysUnavailable = () =>
  conflict('passkeys_unavailable', 'Passkeys are off: the console’s address (APP_URL) is an IP address, which browsers refuse as a passkey domain.');
const methodNotAllowed = () => forbidden('Your organization does not allow passkeys.', 'method_not_allowed');
const reauthenticationRequired = () =>
  forbidden('Your sign-in is older than 5 minutes: confirm with your password or a code.', 'reauthentication_required');
const noSuchPasskey = () => notFound('No such passkey.');

function requireRelyingParty(): RelyingParty {
  const rp = relyingParty();
  if (!rp) throw passkeysUnavailable();
  return rp;
}

const allowsPasskeys = (policy: MfaPolicy) => policy.methods.includes('passkey');

/** The passkey as the API shows it: never the public key, counter, user handle or attestation. */
export function publicPasskey(passkey: PasskeyRecord) {
  return {
    id: passkey.id,
    credentialId: passkey.credentialId,
    name: passkey.name,
    createdAt: passkey.createdAt,
    lastUsedAt: passkey.lastUsedAt,
    backedUp: passkey.backedUp,
    deviceType: passkey.deviceType,
    transports: passkey.transports,
    authenticator: passkey.aaguid === ZERO_AAGUID ? null : { aaguid: passkey.aaguid, name: authenticatorName(passkey.aaguid) },
  };
}

const passkeysOf = (user: UserRecord): PasskeyRecord[] =>
  Object.values(user.passkeys ?? {}).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));

export const listPasskeys = (user: UserRecord) => ({ items: passkeysOf(user).map(publicPasskey) });

/** Adding and removing take a person's sign-in: not an API token, a client-credentials token or a service account. */
function signedInPerson(ctx: AuthedContext): UserRecord {
  const { user, sessionId, apiTokenId } = ctx.principal;
  if (!sessionId || apiTokenId || user.type !== 'human') throw forbidden('Passkeys are added and removed by the person, signed in with the console.');
  return user;
}

/**
 * A sign-in at most 5 minutes old needs nothing more; an older one confirms with the password or
 * a code. A factor that is sent is always checked, and a wrong one counts toward the lockout.
 */
async function reauthenticate(ctx: AuthedContext, org: OrgRecord, proof: { password?: string; code?: string }): Promise<void> {
  const user = ctx.principal.user;
  if (proof.password !== undefined || proof.code !== undefined) {
    await guardedAttempt(
      org.slug,
      user.login,
      async () => {
        if (proof.code !== undefined) return (await checkSecondFactor(user, proof.code)) ? true : undefined;
        return (await verifyPassword(user.passwordHash, proof.password ?? '')) ? true : undefined;
      },
      reauthenticationFailed,
    );
    return;
  }
  const session = await getSession(user.orgId, ctx.principal.sessionId!);
  const authTime = session?.authTime ?? (session ? Math.floor(Date.parse(session.createdAt) / 1000) : 0);
  if (nowSeconds() - authTime > FRESH_SIGN_IN_SECONDS) throw reauthenticationRequired();
}

/** The user is told of every added or removed passkey, in their language (emailUser never throws). */
async function notify(user: UserRecord, org: OrgRecord, change: { what: 'added' | 'removed'; passkey: string; byOwner: boolean }) {
  if (!user.email) return;
  await emailUser(user.email, 'passkey-changed', org, user, {
    change: change.what,
    passkey: { name: change.passkey, at: new Date(Date.parse(nowIso())), byOwner: change.byOwner },
  });
}

async function newCreationOptions(user: UserRecord, org: OrgRecord, rp: RelyingParty, userHandle: string) {
  return creationOptions({
    rp,
    rpName: org.name,
    userHandle,
    userName: user.email ?? user.login,
    displayName: `${user.name} (${org.name})`,
    exclude: passkeysOf(user),
  });
}

// ---- own passkeys ----

export async function registrationOptions(ctx: AuthedContext, proof: { password?: string; code?: string }): Promise<{ options: PublicKeyCredentialCreationOptionsJSON }> {
  const user = signedInPerson(ctx);
  const rp = requireRelyingParty();
  const org = await requireOrg(user.orgId);
  if (!allowsPasskeys(policyOf(org))) throw methodNotAllowed();
  await reauthenticate(ctx, org, proof);
  if ((user.mfa.passkeys ?? 0) >= MAX_PASSKEYS_PER_USER) throw passkeyLimit();
  const userHandle = user.passkeyHandle ?? randomSecret(32);
  const options = await newCreationOptions(user, org, rp, userHandle);
  await putWebAuthnChallenge(options.challenge, {
    challenge: options.challenge,
    expiresAt: nowSeconds() + CHALLENGE_SECONDS,
    binding: { purpose: 'register', orgId: user.orgId, userId: user.id, userHandle },
  });
  return { options };
}

/**
 * Spends the challenge an answer names (under `handle`, or the challenge itself) and answers
 * what it was bound to, or undefined when it is unknown, spent, expired or for another ceremony.
 */
async function spendChallenge<P extends WebAuthnBinding['purpose']>(
  response: { response: { clientDataJSON: string } },
  purpose: P,
  handle?: string,
): Promise<{ challenge: string; binding: Extract<WebAuthnBinding, { purpose: P }> } | undefined> {
  const data = clientData(response);
  if (!data) return undefined;
  const spent = await spendWebAuthnChallenge(handle ?? data.challenge);
  if (!spent || spent.expiresAt <= nowSeconds() || spent.binding.purpose !== purpose) return undefined;
  // Answers made inside another site's frame are refused; the library lets them through without topOrigin.
  if (data.crossOrigin || !safeEqual(spent.challenge, data.challenge)) return undefined;
  return { challenge: spent.challenge, binding: spent.binding as Extract<WebAuthnBinding, { purpose: P }> };
}

export async function registerPasskey(ctx: AuthedContext, input: { response: RegistrationResponseJSON; name?: string }) {
  const user = signedInPerson(ctx);
  const rp = requireRelyingParty();
  const spent = await spendChallenge(input.response, 'register');
  if (!spent || spent.binding.userId !== user.id || spent.binding.orgId !== user.orgId) throw invalidRegistration();
  const org = await requireOrg(user.orgId);
  if (!allowsPasskeys(policyOf(org))) throw methodNotAllowed();
  const credential = await verifyRegistration(rp, input.response, spent.challenge);
  if (!credential) throw invalidRegistration();
  const { passkey, recoveryCodes } = await storePasskey(ctx, user, credential, spent.binding.userHandle, input.name, { actor: user });
  await notify(user, org, { what: 'added', passkey: passkey.name, byOwner: false });
  return { ...publicPasskey(passkey), ...(recoveryCodes ? { recoveryCodes } : {}) };
}

/**
 * Writes a verified credential: its marker (unique in the deployment), its place on the user
 * item under the cap, and the audit event, in one transaction. The first second factor turns
 * two-factor on and makes ten recovery codes.
 */
async function storePasskey(
  ctx: RequestContext,
  user: UserRecord,
  credential: NewCredential,
  userHandle: string,
  name: string | undefined,
  options: { actor: UserRecord; also?: TxItem[]; atLogin?: boolean },
): Promise<{ passkey: PasskeyRecord; recoveryCodes?: string[] }> {
  if ((user.mfa.passkeys ?? 0) >= MAX_PASSKEYS_PER_USER) throw passkeyLimit();
  const at = nowIso();
  const passkey: PasskeyRecord = {
    id: newId(),
    credentialId: credential.credentialId,
    publicKey: credential.publicKey,
    counter: credential.counter,
    deviceType: credential.deviceType,
    backedUp: credential.backedUp,
    transports: credential.transports,
    aaguid: credential.aaguid,
    name: name ?? authenticatorName(credential.aaguid) ?? 'Passkey',
    createdAt: at,
    lastUsedAt: null,
  };
  const codes = user.mfa.enabled ? undefined : await freshCodes(user);
  await transact([
    ...(options.also ?? []),
    putPasskeyMarker(passkey.credentialId, { orgId: user.orgId, userId: user.id, passkeyId: passkey.id }),
    addPasskeyItem(user, passkey, {
      userHandle,
      set: { 'mfa.totp': hasTotp(user.mfa), updatedAt: at, ...(codes ? { recoveryCodes: codes.hashes } : {}) },
    }),
    auditItem(ctx, {
      orgId: user.orgId,
      action: 'passkey.added',
      actor: actorOf(options.actor),
      target: userTarget(user),
      details: { passkeyId: passkey.id, name: passkey.name, ...(options.atLogin ? { atLogin: true } : {}) },
      snapshot: userSnapshot(afterUpdate(user, {
        set: { 'mfa.enabled': true, 'mfa.totp': hasTotp(user.mfa), 'mfa.passkeys': (user.mfa.passkeys ?? 0) + 1, updatedAt: at },
      }), user),
    }, at),
  ]);
  return { passkey, recoveryCodes: codes?.codes };
}

export async function renamePasskey(ctx: AuthedContext, passkeyId: string, name: string) {
  const user = ctx.principal.user;
  const passkey = user.passkeys?.[passkeyId];
  if (!passkey) throw noSuchPasskey();
  const at = nowIso();
  await transact([
    renamePasskeyItem(user, passkeyId, name, noSuchPasskey),
    auditItem(ctx, {
      orgId: user.orgId,
      action: 'passkey.renamed',
      actor: actorOf(user),
      target: userTarget(user),
      details: { passkeyId, name, previousName: passkey.name },
    }, at),
  ]);
  return publicPasskey({ ...passkey, name });
}

export async function removeOwnPasskey(ctx: AuthedContext, passkeyId: string, proof: { password?: string; code?: string }) {
  const user = signedInPerson(ctx);
  const passkey = user.passkeys?.[passkeyId];
  if (!passkey) throw noSuchPasskey();
  const org = await requireOrg(user.orgId);
  await reauthenticate(ctx, org, proof);
  const policy = policyOf(org);
  const remaining = { ...user.mfa, totp: hasTotp(user.mfa), passkeys: (user.mfa.passkeys ?? 0) - 1 };
  if ((user.mfa.required || coveredByPolicy(user, policy)) && allowedMethods({ mfa: remaining }, policy).length === 0) {
    throw forbidden('This is your last allowed second factor and two-factor is required: add another one first.', 'mfa_required');
  }
  await removePasskey(ctx, user, org, passkey, user);
}

async function removePasskey(ctx: AuthedContext, user: UserRecord, org: OrgRecord, passkey: PasskeyRecord, actor: UserRecord) {
  const at = nowIso();
  const mfaOff = (user.mfa.passkeys ?? 0) <= 1 && !hasTotp(user.mfa);
  await transact([
    removePasskeysItem(user, [passkey.id], { mfaOff, onConditionFailed: noSuchPasskey }),
    deletePasskeyMarker(passkey.credentialId),
    auditItem(ctx, {
      orgId: user.orgId,
      action: 'passkey.removed',
      actor: actorOf(actor),
      target: userTarget(user),
      details: { passkeyId: passkey.id, name: passkey.name },
      snapshot: userSnapshot(afterUpdate(user, {
        set: { 'mfa.passkeys': (user.mfa.passkeys ?? 0) - 1, ...(mfaOff ? { 'mfa.enabled': false } : {}) },
      }), user),
    }, at),
  ]);
  await notify(user, org, { what: 'removed', passkey: passkey.name, byOwner: actor.id !== user.id });
}

// ---- root's powers ----

export function listUserPasskeys(ctx: AuthedContext, target: UserRecord) {
  const role = ctx.principal.user.role;
  if (role !== 'root' && role !== 'admin') throw forbidden('Only the owner and admins see other users’ passkeys.');
  return listPasskeys(target);
}

export async function removeUserPasskey(ctx: AuthedContext, target: UserRecord, passkeyId: string) {
  assertRoot(ctx.principal, 'Only the organization owner may remove another user’s passkeys.');
  const passkey = target.passkeys?.[passkeyId];
  if (!passkey) throw noSuchPasskey();
  await removePasskey(ctx, target, await requireOrg(target.orgId), passkey, ctx.principal.user);
}

// ---- checking an assertion ----

interface CheckedAssertion {
  passkey: PasskeyRecord;
  counter: number;
  backedUp: boolean;
  userVerified: boolean;
  regression?: { stored: number; presented: number; refused: boolean };
}

/**
 * Checks an assertion against the user it must belong to: the credential must be one of theirs,
 * the user handle (required when `passwordless`) must be theirs, the signature must verify, and
 * the counter must not go backwards for a device-bound passkey. Every failure is the same 401.
 */
async function checkAssertion(
  rp: RelyingParty,
  user: UserRecord,
  response: AuthenticationResponseJSON,
  challenge: string,
  options: { passwordless: boolean },
): Promise<CheckedAssertion> {
  const passkey = passkeysOf(user).find((candidate) => candidate.credentialId === response.id);
  if (!passkey || response.rawId !== response.id) throw invalidPasskey();
  const handle = response.response.userHandle;
  if (options.passwordless && !handle) throw invalidPasskey();
  if (handle && (!user.passkeyHandle || !safeEqual(handle, user.passkeyHandle))) throw invalidPasskey();
  const assertion = await verifyAssertion(rp, response, challenge, passkey, options.passwordless);
  if (!assertion) throw invalidPasskey();
  const checked: CheckedAssertion = { passkey, ...assertion };
  // WebAuthn §6.1.1: a counter is compared only if either value is non-zero.
  if ((passkey.counter > 0 || assertion.counter > 0) && assertion.counter <= passkey.counter) {
    checked.regression = { stored: passkey.counter, presented: assertion.counter, refused: passkey.deviceType === 'singleDevice' };
  }
  return checked;
}

/** A counter that went backwards: audited (and the user told) whether the sign-in is refused or not. */
async function reportRegression(ctx: RequestContext, user: UserRecord, checked: CheckedAssertion & { regression: NonNullable<CheckedAssertion['regression']> }) {
  const at = nowIso();
  logger.warn('passkey counter regression', { orgId: user.orgId, userId: user.id, passkeyId: checked.passkey.id, refused: checked.regression.refused });
  await transact([
    auditItem(ctx, {
      orgId: user.orgId,
      action: 'passkey.counter_regression',
      actor: null,
      target: userTarget(user),
      details: { passkeyId: checked.passkey.id, name: checked.passkey.name, ...checked.regression },
    }, at),
  ]);
  const org = await getOrg(user.orgId);
  if (user.email && org) {
    await emailUser(user.email, 'passkey-counter-regression', org, user, {
      passkey: { name: checked.passkey.name, at: new Date(Date.parse(at)) },
      refused: checked.regression.refused,
    });
  }
}

/** Applies the counter rule, then answers the write that records the ceremony. */
async function acceptAssertion(ctx: RequestContext, user: UserRecord, checked: CheckedAssertion): Promise<TxItem> {
  if (checked.regression) {
    await reportRegression(ctx, user, { ...checked, regression: checked.regression });
    if (checked.regression.refused) throw invalidPasskey();
  }
  return recordPasskeyUseItem(
    user,
    checked.passkey,
    // A synced passkey's stale counter is not stored over a higher one.
    { counter: Math.max(checked.counter, checked.passkey.counter), backedUp: checked.backedUp, at: nowIso() },
    invalidPasskey,
  );
}

/** RFC 8176: `hwk` for a device-bound key, `swk` for a synced one. */
const keyAmr = (passkey: PasskeyRecord) => (passkey.deviceType === 'singleDevice' ? 'hwk' : 'swk');

// ---- passkey as second factor ----

export interface SecondFactorOffer {
  methods: Array<'totp' | 'passkey'>;
  passkeyOptions?: PublicKeyCredentialRequestOptionsJSON | PublicKeyCredentialCreationOptionsJSON;
}

/**
 * What a two-factor challenge offers: the user's allowed methods (MFA_REQUIRED) or what they may
 * set up (MFA_SETUP_REQUIRED), and for passkeys the options, whose challenge is bound to this
 * login's challenge (`loginChallenge`, the hash of its session).
 */
export async function secondFactorOffer(user: UserRecord, loginChallenge: string, kind: Exclude<ChallengeKind, 'NEW_PASSWORD_REQUIRED'>, policy: MfaPolicy): Promise<SecondFactorOffer> {
  const rp = relyingParty();
  const usable = rp ? policy.methods : policy.methods.filter((method) => method !== 'passkey');
  if (kind === 'MFA_REQUIRED') {
    const methods = allowedMethods(user, { ...policy, methods: usable });
    if (!methods.includes('passkey') || !rp) return { methods };
    const options = await requestOptions({ rp, userVerification: 'preferred', allow: passkeysOf(user) });
    await putWebAuthnChallenge(loginChallenge, {
      challenge: options.challenge,
      expiresAt: nowSeconds() + CHALLENGE_SECONDS,
      binding: { purpose: 'second-factor', loginChallenge },
    });
    return { methods, passkeyOptions: options };
  }
  return { methods: usable };
}

/** MFA_REQUIRED answered with a passkey: UP is required, UV is not. */
export async function answerMfaWithPasskey(ctx: RequestContext, session: string, response: AuthenticationResponseJSON): Promise<Tokens> {
  const { challenge, user } = await loadChallenge(session, 'MFA_REQUIRED');
  const rp = requireRelyingParty();
  // The passkey challenge is spent by this answer, valid or not; the login still takes a code.
  const spent = await spendChallenge(response, 'second-factor', challenge.hash);
  if (!spent || spent.binding.loginChallenge !== challenge.hash) throw invalidPasskey();
  const policy = await orgPolicy(user.orgId);
  if (!allowsPasskeys(policy)) throw methodNotAllowed();
  const checked = await checkAssertion(rp, user, response, spent.challenge, { passwordless: false });
  const use = await acceptAssertion(ctx, user, checked);
  await transact([consumeChallengeItem(challenge.hash, invalidSession), use]);
  await signInCompleted(ctx, challenge.slug, challenge.login, user);
  const amr = ['pwd', keyAmr(checked.passkey), ...(checked.userVerified ? ['user'] : []), 'mfa'];
  return startSession(user, sessionMeta(ctx, { mfa: true, amr }));
}

/**
 * MFA_SETUP_REQUIRED without an answer: the TOTP enrolment (when allowed, from mfa.ts) and the
 * passkey creation options (when allowed), bound to this login.
 */
export async function passkeySetupOptions(session: string): Promise<{ passkeyOptions?: PublicKeyCredentialCreationOptionsJSON; methods: Array<'totp' | 'passkey'> }> {
  const { challenge, user } = await loadChallenge(session, 'MFA_SETUP_REQUIRED');
  const policy = await orgPolicy(user.orgId);
  const rp = relyingParty();
  const methods = rp ? policy.methods : policy.methods.filter((method) => method !== 'passkey');
  if (!rp || !methods.includes('passkey')) return { methods };
  const org = await requireOrg(user.orgId);
  const userHandle = user.passkeyHandle ?? randomSecret(32);
  const options = await newCreationOptions(user, org, rp, userHandle);
  await putWebAuthnChallenge(challenge.hash, {
    challenge: options.challenge,
    expiresAt: nowSeconds() + CHALLENGE_SECONDS,
    binding: { purpose: 'setup', loginChallenge: challenge.hash, userHandle },
  });
  return { methods, passkeyOptions: options };
}

/** MFA_SETUP_REQUIRED completed with a new passkey: it is stored and the login completes. */
export async function answerMfaSetupWithPasskey(ctx: RequestContext, session: string, response: RegistrationResponseJSON, name?: string) {
  const { challenge, user } = await loadChallenge(session, 'MFA_SETUP_REQUIRED');
  const rp = requireRelyingParty();
  const spent = await spendChallenge(response, 'setup', challenge.hash);
  if (!spent || spent.binding.loginChallenge !== challenge.hash) throw invalidRegistration();
  if (!allowsPasskeys(await orgPolicy(user.orgId))) throw methodNotAllowed();
  const credential = await verifyRegistration(rp, response, spent.challenge);
  if (!credential) throw invalidRegistration();
  const { passkey, recoveryCodes } = await storePasskey(ctx, user, credential, spent.binding.userHandle, name, {
    actor: user,
    also: [consumeChallengeItem(challenge.hash, invalidSession)],
    atLogin: true,
  });
  await signInCompleted(ctx, challenge.slug, challenge.login, user);
  const updated: UserRecord = {
    ...user,
    mfa: { ...user.mfa, enabled: true, totp: hasTotp(user.mfa), passkeys: (user.mfa.passkeys ?? 0) + 1 },
    passkeys: { ...user.passkeys, [passkey.id]: passkey },
    version: user.version + 1,
  };
  const amr = ['pwd', keyAmr(passkey), ...(credential.userVerified ? ['user'] : []), 'mfa'];
  const tokens = await startSession(updated, sessionMeta(ctx, { mfa: true, amr }));
  const org = await getOrg(user.orgId);
  if (org) await notify(user, org, { what: 'added', passkey: passkey.name, byOwner: false });
  return { ...tokens, ...(recoveryCodes ? { recoveryCodes } : {}) };
}

// ---- passwordless ----

const PASSWORDLESS = 'passkey-signin';

/** Options for "Sign in with a passkey": no organization, login or password; the passkey names its user. */
export async function passwordlessOptions(input: { org?: string }): Promise<{ session: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  const rp = requireRelyingParty();
  const session = randomSecret();
  const options = await requestOptions({ rp, userVerification: 'required', allow: [] });
  await putWebAuthnChallenge(hashToken(PASSWORDLESS, session), {
    challenge: options.challenge,
    expiresAt: nowSeconds() + CHALLENGE_SECONDS,
    // An unknown slug answers the same; it only narrows whose passkeys are accepted.
    binding: { purpose: 'passwordless', ...(input.org ? { orgSlug: input.org.trim().toLowerCase() } : {}) },
  });
  return { session, options };
}

/**
 * A passwordless sign-in: the credential is looked up by id in the deployment (one marker read),
 * then its user (one read); UV is required, and the sign-in counts as multi-factor. Passkey
 * failures do not count toward the password lockout, and a locked password does not stop it.
 */
export async function passwordlessSignIn(ctx: RequestContext, input: { session: string; response: AuthenticationResponseJSON }): Promise<Tokens> {
  const rp = requireRelyingParty();
  const data = clientData(input.response);
  const spent = await spendWebAuthnChallenge(hashToken(PASSWORDLESS, input.session));
  if (!spent || spent.expiresAt <= nowSeconds() || spent.binding.purpose !== 'passwordless') throw invalidSession();
  if (!data || data.crossOrigin || !safeEqual(spent.challenge, data.challenge)) throw invalidPasskey();
  const marker = typeof input.response.id === 'string' && input.response.id ? await getPasskeyMarker(input.response.id) : undefined;
  if (!marker) throw invalidPasskey();
  if (spent.binding.orgSlug && (await orgIdBySlug(spent.binding.orgSlug)) !== marker.orgId) throw invalidPasskey();
  const user = await getUser(marker.orgId, marker.userId);
  if (!user || user.status !== 'active' || user.type !== 'human' || user.passkeys?.[marker.passkeyId]?.credentialId !== input.response.id) throw invalidPasskey();
  const checked = await checkAssertion(rp, user, input.response, spent.challenge, { passwordless: true });
  if (!allowsPasskeys(await orgPolicy(user.orgId))) throw methodNotAllowed();
  await transact([await acceptAssertion(ctx, user, checked)]);
  return startSession(user, sessionMeta(ctx, { mfa: true, amr: [keyAmr(checked.passkey), 'user', 'mfa'] }));
}
