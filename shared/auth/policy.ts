import type { Principal } from '../context';
import type { Role, UserRecord } from '../data/users';
import { forbidden, notFound } from '../errors';

/**
 * Who may do what to whom, decided on the server from the current user items (never from
 * token claims). A role never acts on a user of equal or higher rank, except on itself.
 */
export const RANK: Record<Role, number> = { root: 3, admin: 2, developer: 1 };

export const isSelf = (actor: Principal, target: UserRecord) => actor.user.id === target.id;

/** The organization's users are visible to root and admin; a developer sees only itself. */
export function assertCanView(actor: Principal, target: UserRecord): void {
  if (isSelf(actor, target)) return;
  if (actor.user.role === 'developer') throw forbidden('Developers may only see their own account.');
}

export function assertCanList(actor: Principal): void {
  if (actor.user.role === 'developer') throw forbidden('Only the owner and admins may list users.');
}

/** Inviting: root invites admins and developers, admins only developers. */
export function assertCanInvite(actor: Principal, role: Role): void {
  const { role: actorRole } = actor.user;
  if (actorRole === 'root') return;
  if (actorRole === 'admin' && role === 'developer') return;
  throw forbidden(actorRole === 'admin' ? 'Admins may only invite developers.' : 'Only the owner and admins may invite users.');
}

/** Owner-only actions on other users (edit, role, status, delete, resets, their API tokens). */
export function assertRoot(actor: Principal, what = 'Only the organization owner may do this.'): void {
  if (actor.user.role !== 'root') throw forbidden(what);
}

/** Pending-user activation links: root for anyone, admins for developers. */
export function assertCanManageActivation(actor: Principal, target: UserRecord): void {
  if (actor.user.role === 'root') return;
  if (actor.user.role === 'admin' && RANK[target.role] < RANK.admin) return;
  throw forbidden('You may not manage the activation of this user.');
}

/** A user id of another organization (or none) answers 404, whoever asks. */
export function assertSameOrg(actor: Principal, target: UserRecord | undefined): asserts target is UserRecord {
  if (!target || target.orgId !== actor.orgId) throw notFound('No such user.');
}

export const rootProtected = () => forbidden('The organization owner cannot be deleted, deactivated or demoted; transfer ownership first.', 'root_protected');
