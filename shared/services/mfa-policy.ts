import { orgSnapshot } from '../data/snapshots';
import { nowIso, nowSeconds } from '../clock';
import type { AuthedContext } from '../context';
import { actorOf, auditItem } from '../data/audit';
import { getOrg, setMfaPolicy, type MfaPolicy, type OrgRecord } from '../data/orgs';
import { transact } from '../data/transact';
import { notFound, preconditionFailed } from '../errors';
import { assertRoot } from '../auth/policy';
import { enrolledMethods, publicUser, type MfaMethod, type PublicUser, type UserRecord } from '../data/users';

/**
 * The organization's two-factor policy, applied at each sign-in (api/passkeys.md "Organization
 * MFA policy"). Service accounts are never covered; nor is a sign-in through enterprise SSO,
 * whose IdP's factors count.
 */
export const DEFAULT_MFA_POLICY: MfaPolicy = { require: 'off', methods: ['totp', 'passkey'] };

export const policyOf = (org: { mfaPolicy?: MfaPolicy } | undefined): MfaPolicy => org?.mfaPolicy ?? DEFAULT_MFA_POLICY;

/**
 * Every password sign-in needs its organization's policy. Reading the organization item each
 * time would make a login three reads instead of two, so each function instance keeps the
 * policies it read for POLICY_CACHE_SECONDS: a change reaches every sign-in within that time
 * (at once in the instance that made it), and sessions already open go on either way.
 */
export const POLICY_CACHE_SECONDS = 30;
const POLICY_CACHE_SIZE = 1000;
const cachedPolicies = new Map<string, { policy: MfaPolicy; until: number }>();

export async function orgPolicy(orgId: string): Promise<MfaPolicy> {
  const now = nowSeconds();
  const cached = cachedPolicies.get(orgId);
  if (cached && cached.until > now) return cached.policy;
  const policy = policyOf(await getOrg(orgId));
  cachedPolicies.delete(orgId);
  // Oldest first in a Map's order: drop the oldest beyond the bound.
  if (cachedPolicies.size >= POLICY_CACHE_SIZE) cachedPolicies.delete(cachedPolicies.keys().next().value!);
  cachedPolicies.set(orgId, { policy, until: now + POLICY_CACHE_SECONDS });
  return policy;
}

/** Whether the policy itself (not root's per-user flag) demands a second factor of this user. */
export function coveredByPolicy(user: Pick<UserRecord, 'type' | 'role'>, policy: MfaPolicy): boolean {
  if (user.type !== 'human') return false;
  if (policy.require === 'everyone') return true;
  return policy.require === 'admins' && (user.role === 'root' || user.role === 'admin');
}

export async function requiredByPolicy(user: Pick<UserRecord, 'type' | 'role' | 'orgId'>): Promise<boolean> {
  return coveredByPolicy(user, await orgPolicy(user.orgId));
}

/**
 * The API's user object with `mfa.required` made whole: root's per-user flag or the organization's
 * policy covering the user (api/passkeys.md "User object"). The stored flag stays root's alone
 * (PATCH `requireMfa` sets it, the export carries it), so a policy change never rewrites users.
 */
export function withPolicy<U extends Pick<PublicUser, 'type' | 'role' | 'mfa'>>(user: U, policy: MfaPolicy): U {
  if (user.mfa.required || !coveredByPolicy(user, policy)) return user;
  return { ...user, mfa: { ...user.mfa, required: true } };
}

/** Whether the policy could change what the stored object says: only for humans root has not flagged. */
const policyMatters = (user: Pick<PublicUser, 'type' | 'mfa'>) => user.type === 'human' && !user.mfa.required;

/** One user as the API shows it; the policy comes from the instance's cache (orgPolicy). */
export async function shownUser(user: UserRecord): Promise<PublicUser> {
  const shown = publicUser(user);
  return policyMatters(shown) ? withPolicy(shown, await orgPolicy(user.orgId)) : shown;
}

/** A page of one organization's users: the policy is read once, and only when it matters. */
export async function shownUsers(orgId: string, users: PublicUser[]): Promise<PublicUser[]> {
  if (!users.some(policyMatters)) return users;
  const policy = await orgPolicy(orgId);
  return users.map((user) => withPolicy(user, policy));
}

/** The user's enrolled methods that the organization accepts. */
export const allowedMethods = (user: Pick<UserRecord, 'mfa'>, policy: MfaPolicy): MfaMethod[] =>
  enrolledMethods(user.mfa).filter((method) => policy.methods.includes(method));

export const mustHaveSecondFactor = (user: Pick<UserRecord, 'type' | 'role' | 'mfa'>, policy: MfaPolicy): boolean =>
  user.mfa.required || coveredByPolicy(user, policy);

/**
 * What a user whose first factor was accepted still owes for two-factor:
 * - `MFA_REQUIRED` when they have a factor the organization allows;
 * - `MFA_SETUP_REQUIRED` when every factor they have is disallowed (never a silent downgrade),
 *   or when they have none and root's flag or the policy covers them;
 * - nothing otherwise.
 * `how`: a sign-in through enterprise SSO is left to its IdP and owes nothing here. This is
 * the function the SSO flow calls after its IdP answered.
 */
export function secondFactorStep(
  user: Pick<UserRecord, 'type' | 'role' | 'mfa'>,
  policy: MfaPolicy,
  how: 'password' | 'sso' = 'password',
): 'MFA_REQUIRED' | 'MFA_SETUP_REQUIRED' | undefined {
  if (how === 'sso' || user.type !== 'human') return undefined;
  if (allowedMethods(user, policy).length) return 'MFA_REQUIRED';
  if (user.mfa.enabled) return 'MFA_SETUP_REQUIRED';
  return mustHaveSecondFactor(user, policy) ? 'MFA_SETUP_REQUIRED' : undefined;
}

/** Root changes the policy; it applies from each user's next sign-in (sessions already open go on). */
export async function changeMfaPolicy(ctx: AuthedContext, patch: Partial<MfaPolicy>, ifMatch?: number): Promise<OrgRecord> {
  assertRoot(ctx.principal, 'Only the organization owner may change the two-factor policy.');
  const org = await getOrg(ctx.principal.orgId);
  if (!org) throw notFound();
  if (ifMatch !== undefined && ifMatch !== org.version) throw preconditionFailed();
  const before = policyOf(org);
  const policy: MfaPolicy = { require: patch.require ?? before.require, methods: patch.methods ?? before.methods };
  const at = nowIso();
  const changed: OrgRecord = { ...org, mfaPolicy: policy, updatedAt: at, version: org.version + 1 };
  await transact([
    setMfaPolicy(org, policy, at),
    auditItem(ctx, {
      orgId: org.id,
      action: 'org.mfa_policy_changed',
      actor: actorOf(ctx.principal.user),
      target: { type: 'org', id: org.id },
      details: { from: before, to: policy },
      snapshot: orgSnapshot(changed, org),
    }, at),
  ]);
  cachedPolicies.set(org.id, { policy, until: nowSeconds() + POLICY_CACHE_SECONDS });
  return changed;
}
