import { nowIso } from '../clock';
import type { RequestContext } from '../context';
import { type AuditActor, auditItem, userTarget } from '../data/audit';
import type { GroupMapping } from '../data/group-mappings';
import { managedUserIds } from '../data/scim-users-index';
import { listConnections } from '../data/sso';
import { transact } from '../data/transact';
import { getUser, managedBySso, updateUser } from '../data/users';
import { Problem } from '../errors';
import { inCatalogOrder } from '../auth/permissions';
import { roleFromGroups } from './group-roles';
import { afterUpdate, userSnapshot } from '../data/snapshots';

/**
 * A change of the group mapping list reaches SSO-managed users without waiting for their next
 * sign-in (shared/api/sso.md "Roles from groups"): role and permissions are recomputed from
 * the groups of their last sign-in, with their connection's default role. An empty list changes
 * nothing; the root is never managed. One audit event per change, as the directory's are.
 */
export async function recomputeSsoUsers(ctx: RequestContext, actor: AuditActor, orgId: string, mappings: readonly GroupMapping[]): Promise<void> {
  if (mappings.length === 0) return;
  for (const connection of await listConnections(orgId)) {
    const manager = managedBySso(connection.id);
    for (const id of await managedUserIds(orgId, manager)) {
      // A concurrent sign-in or edit of the same user is read again (a few times, then left to the next sign-in).
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const user = await getUser(orgId, id);
        if (!user || user.managedBy !== manager || user.role === 'root') break;
        const next = roleFromGroups(mappings, user.ssoGroups ?? [], connection.jit.defaultRole);
        if (!next) break;
        const permissions = inCatalogOrder(next.permissions);
        const before = user.permissions ?? [];
        const added = permissions.filter((name) => !before.includes(name));
        const removed = before.filter((name) => !permissions.includes(name));
        const roleChanged = next.role !== user.role;
        if (!roleChanged && !added.length && !removed.length) break;
        const at = nowIso();
        const groups = user.ssoGroups ?? [];
        try {
          const update = { set: { role: next.role, permissions, updatedAt: at } };
          const snapshot = userSnapshot(afterUpdate(user, update), user);
          await transact([
            updateUser(user, update),
            ...(roleChanged ? [auditItem(ctx, { orgId, action: 'user.role_changed', actor, target: userTarget(user), details: { roleFrom: user.role, roleTo: next.role, groups }, snapshot }, at)] : []),
            ...(added.length || removed.length ? [auditItem(ctx, { orgId, action: 'user.permissions_changed', actor, target: userTarget(user), details: { added, removed, groups }, snapshot }, at)] : []),
          ]);
          break;
        } catch (error) {
          if (!(error instanceof Problem && error.status === 412)) throw error;
        }
      }
    }
  }
}
