import { afterUpdate, userSnapshot } from '../data/snapshots';
import { nowIso, nowSeconds } from '../clock';
import type { RequestContext } from '../context';
import { actorOf, auditItem, userTarget } from '../data/audit';
import { consumeChallengeItem, getChallenge, putChallenge, type ChallengeKind, type ChallengeRecord } from '../data/challenges';
import { transact } from '../data/transact';
import { getUser, updateUser, type UserRecord } from '../data/users';
import { Problem, validationFailed } from '../errors';
import { checkPassword, hashPassword } from '../auth/passwords';
import { hashToken, randomSecret } from '../ids';
import { rememberSignIn } from './abuse';
import { signInCompleted } from './attempts';
import { sessionMeta, startSession, type Tokens } from './sessions';
import type { MfaPolicy } from '../data/orgs';
import { allowedMethods, DEFAULT_MFA_POLICY, orgPolicy, secondFactorStep } from './mfa-policy';
import { secondFactorOffer, type SecondFactorOffer } from './passkeys';

export const CHALLENGE_SECONDS = 300;
const PURPOSE = 'challenge';

export interface ChallengeAnswer extends Partial<SecondFactorOffer> {
  challenge: ChallengeKind;
  session: string;
}

export const invalidSession = () =>
  new Problem(401, 'invalid_session', 'This sign-in session is not valid any more; log in again.');

/** Opens a challenge: the session value goes to the client, only its hash is stored. */
export async function openChallenge(user: UserRecord, slug: string, kind: ChallengeKind, given?: MfaPolicy): Promise<ChallengeAnswer> {
  const policy = kind === 'NEW_PASSWORD_REQUIRED' ? given : (given ?? (await orgPolicy(user.orgId)));
  const session = randomSecret();
  const hash = hashToken(PURPOSE, session);
  await putChallenge({
    hash,
    kind,
    orgId: user.orgId,
    userId: user.id,
    slug,
    login: user.login,
    expiresAt: nowSeconds() + CHALLENGE_SECONDS,
    ...(kind === 'MFA_REQUIRED' ? { methods: allowedMethods(user, policy ?? DEFAULT_MFA_POLICY) } : {}),
  });
  // Two-factor challenges say which methods the user may answer (or set up) with.
  const offer = kind === 'NEW_PASSWORD_REQUIRED' ? {} : await secondFactorOffer(user, hash, kind, policy!);
  return { challenge: kind, session, ...offer };
}

/**
 * What a user whose password (or activation link) was just accepted gets: tokens, or the
 * next challenge — a new password first, then two-factor. No token before every step is done.
 */
export async function continueSignIn(ctx: RequestContext, user: UserRecord, slug: string): Promise<Tokens | ChallengeAnswer> {
  const policy = await orgPolicy(user.orgId);
  const next = nextChallenge(user, policy);
  if (next) return openChallenge(user, slug, next, policy);
  await rememberSignIn(ctx, user);
  return startSession(user, sessionMeta(ctx, { mfa: false }));
}

/**
 * The step a user whose password was accepted still owes before any token, if any: a new
 * password first, then what the organization's two-factor policy asks (services/mfa-policy.ts).
 */
export function nextChallenge(user: UserRecord, policy: MfaPolicy = DEFAULT_MFA_POLICY): ChallengeKind | undefined {
  if (user.mustChangePassword) return 'NEW_PASSWORD_REQUIRED';
  return secondFactorStep(user, policy);
}

/** Loads a live challenge of the expected kind and its (still active) user, or answers 401. */
export async function loadChallenge(session: string, kind: ChallengeKind): Promise<{ challenge: ChallengeRecord; user: UserRecord }> {
  const challenge = await getChallenge(hashToken(PURPOSE, session));
  if (!challenge || challenge.kind !== kind || challenge.expiresAt <= nowSeconds()) throw invalidSession();
  const user = await getUser(challenge.orgId, challenge.userId);
  if (!user || user.status !== 'active') throw invalidSession();
  return { challenge, user };
}

/** NEW_PASSWORD_REQUIRED: the temporary password dies, the email counts as verified. */
export async function completeNewPassword(ctx: RequestContext, session: string, newPassword: string | undefined) {
  if (!newPassword) throw validationFailed([{ path: 'newPassword', message: 'is required for this challenge' }]);
  const { challenge, user } = await loadChallenge(session, 'NEW_PASSWORD_REQUIRED');
  checkPassword(newPassword, { login: user.login, email: user.email, orgSlug: challenge.slug }, 'newPassword');
  const passwordHash = await hashPassword(newPassword);
  const at = nowIso();
  const chosen = { set: { passwordHash, mustChangePassword: false, emailVerified: true, updatedAt: at } };
  await transact([
    consumeChallengeItem(challenge.hash, invalidSession),
    updateUser(user, { ...chosen, expect: { attribute: 'passwordHash', value: user.passwordHash } }),
    auditItem(ctx, {
      orgId: user.orgId,
      action: 'user.password_set',
      actor: actorOf(user),
      target: userTarget(user),
      details: { reason: 'first login with a temporary password' },
      snapshot: userSnapshot(afterUpdate(user, chosen), user),
    }, at),
  ]);
  const updated = { ...user, passwordHash, mustChangePassword: false, emailVerified: true, version: user.version + 1 };
  const answer = await continueSignIn(ctx, updated, challenge.slug);
  if (!nextChallenge(updated)) await signInCompleted(ctx, challenge.slug, challenge.login, user);
  return answer;
}
