import { afterUpdate, userSnapshot } from '../data/snapshots';
import { nowIso } from '../clock';
import type { AuthedContext } from '../context';
import { actorOf, auditItem, userTarget } from '../data/audit';
import { requireOrg } from '../data/orgs';
import { transact } from '../data/transact';
import { publicUser, secondFactorUpdate, updateUser, type UserRecord } from '../data/users';
import { emailUser } from '../email/compose';
import { Problem, conflict, reauthenticationFailed } from '../errors';
import { verifyPassword } from '../auth/passwords';
import { effectivePermissions } from '../auth/permissions';
import { assertRoot } from '../auth/policy';
import { guardedAttempt } from './attempts';
import { checkSecondFactor, type FactorUse } from './mfa';
import { policyOf, withPolicy } from './mfa-policy';
import { loadTarget } from './users';

const invalidTarget = () => conflict('invalid_transfer_target', 'Ownership can only go to an active person who is an admin.');

/**
 * Hands ownership to an active human admin, re-checking the root's password and, when
 * enrolled, a second factor. Both role changes are one transaction conditioned on the roles
 * read, so concurrent transfers leave exactly one root.
 */
export async function transferOwnership(ctx: AuthedContext, input: { userId: string; password: string; code?: string }) {
  assertRoot(ctx.principal, 'Only the organization owner may transfer ownership.');
  const root = ctx.principal.user;
  const org = await requireOrg(root.orgId);
  const use = await guardedAttempt<FactorUse | true>(
    org.slug,
    root.login,
    async () => {
      if (!(await verifyPassword(root.passwordHash, input.password))) return undefined;
      if (!root.mfa.enabled) return true;
      return input.code ? checkSecondFactor(root, input.code) : undefined;
    },
    reauthenticationFailed,
  );
  // A user that is not in this organization is simply not a valid target; any other failure stays what it is.
  const target: UserRecord = await loadTarget(ctx, input.userId).catch((error: unknown) => {
    throw error instanceof Problem && error.status === 404 ? invalidTarget() : error;
  });
  if (target.id === root.id || target.role !== 'admin' || target.status !== 'active' || target.type !== 'human') throw invalidTarget();

  const at = nowIso();
  // The old root keeps, as an admin's grants, every permission it held as the owner.
  const kept = effectivePermissions(root);
  const demote = { set: { role: 'admin', updatedAt: at, permissions: kept }, bumpVersion: true, require: { role: 'root' } };
  const promote = { set: { role: 'root', updatedAt: at } };
  const demoted = afterUpdate(root, demote);
  const promoted = afterUpdate(target, promote);
  await transact([
    use === true
      ? updateUser(root, { set: demote.set, expect: { attribute: 'role', value: 'root' } })
      : secondFactorUpdate(root, use, demote, reauthenticationFailed),
    updateUser(target, { ...promote, expect: { version: target.version } }),
    auditItem(ctx, {
      orgId: org.id,
      action: 'org.ownership_transferred',
      actor: actorOf(root),
      target: userTarget(target),
      details: { previousRoot: root.login, newRoot: target.login },
      snapshot: { data: { previousRoot: publicUser(demoted), newRoot: publicUser(promoted) } },
    }, at),
    // Both roles changed: user.role_changed fires for each, also on a transfer (PRODUCT.md "Events").
    auditItem(ctx, { orgId: org.id, action: 'user.role_changed', actor: actorOf(root), target: userTarget(root), details: { roleFrom: 'root', roleTo: 'admin', by: 'ownership_transfer' }, snapshot: userSnapshot(demoted, root) }, at),
    auditItem(ctx, { orgId: org.id, action: 'user.role_changed', actor: actorOf(root), target: userTarget(target), details: { roleFrom: 'admin', roleTo: 'root', by: 'ownership_transfer' }, snapshot: userSnapshot(promoted, target) }, at),
  ]);
  await Promise.all([
    root.email ? emailUser(root.email, 'ownership-transferred', org, root, { becameOwner: false, otherLogin: target.login }) : undefined,
    target.email ? emailUser(target.email, 'ownership-transferred', org, target, { becameOwner: true, otherLogin: root.login }) : undefined,
  ]);
  return { previousRoot: withPolicy(publicUser(demoted), policyOf(org)), newRoot: withPolicy(publicUser(promoted), policyOf(org)) };
}
