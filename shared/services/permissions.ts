import type { Snapshot } from '../data/snapshots';
import { catalog, defaultPermissions, effectivePermissions, inCatalogOrder, isKnownPermission } from '../auth/permissions';
import type { Principal, RequestContext } from '../context';
import { actorOf, auditItem, userTarget } from '../data/audit';
import type { TxItem } from '../data/transact';
import type { UserRecord } from '../data/users';
import { Problem, badRequest, forbidden } from '../errors';

/** The deployment's catalog, for any signed-in user (the console draws its toggles from it). */
export const listCatalog = () => ({ items: catalog() });

const unknownPermission = (names: string[]) =>
  new Problem(400, 'unknown_permission', `Not in this deployment's permission catalog: ${names.join(', ')}.`, [
    { path: 'permissions', message: `unknown permission ${names.map((name) => `“${name}”`).join(', ')}` },
  ]);

/** A name given in a request must be in the catalog; a name only stored is merely ignored. */
export function assertKnown(names: readonly string[]): void {
  const unknown = [...new Set(names.filter((name) => !isKnownPermission(name)))];
  if (unknown.length) throw unknownPermission(unknown);
}

/** The API token a request came with, if any: its own list narrows what the caller can do. */
const callerToken = (principal: Principal) => (principal.apiTokenId ? principal.user.apiTokens?.[principal.apiTokenId] : undefined);

/**
 * What the caller holds in this request: its current grants, narrowed by the API token it used
 * and by the `scope` of a client-credentials access token exchanged for it.
 */
export function heldBy(principal: Principal): string[] {
  const held = effectivePermissions(principal.user, callerToken(principal)?.scopes);
  return principal.scope ? held.filter((name) => principal.scope!.includes(name)) : held;
}

/**
 * Who may change whose permissions (PRODUCT.md): root anyone's but its own (root holds every
 * permission always); an admin developers' only; a developer nobody's.
 */
export function assertCanEditPermissions(actor: Principal, target: UserRecord): void {
  if (actor.user.role === 'developer') throw forbidden('Developers may not change permissions.');
  if (target.role === 'root') throw forbidden('The organization owner holds every permission; its list cannot be set.', 'root_protected');
  if (actor.user.role === 'admin' && target.role !== 'developer') throw forbidden('Admins may change the permissions of developers only.');
}

export interface PermissionChange {
  permissions: string[];
  added: string[];
  removed: string[];
}

/**
 * The target's new list as the whole list asked for. Every permission it adds or removes
 * must be one the caller holds itself: a role never gives, nor takes, what it does not have.
 * Stored names that left the catalog are dropped, so the list becomes exactly what was shown.
 */
export function planChange(actor: Principal, target: UserRecord, wanted: readonly string[]): PermissionChange {
  assertCanEditPermissions(actor, target);
  assertKnown(wanted);
  const current = effectivePermissions(target);
  const permissions = inCatalogOrder(wanted);
  const added = permissions.filter((name) => !current.includes(name));
  const removed = current.filter((name) => !permissions.includes(name));
  const held = new Set(heldBy(actor));
  const beyond = [...added, ...removed].filter((name) => !held.has(name));
  if (beyond.length) throw forbidden(`You can only give or take permissions you hold yourself; you do not hold ${beyond.join(', ')}.`);
  return { permissions, added, removed };
}

/** An invitee's grants: the list asked for, or the catalog's defaults for the role (only those the inviter holds). */
export function initialGrants(actor: Principal, role: 'admin' | 'developer', wanted: readonly string[] | undefined): string[] {
  const held = new Set(heldBy(actor));
  if (wanted === undefined) return defaultPermissions(role).filter((name) => held.has(name));
  assertKnown(wanted);
  const beyond = [...new Set(wanted)].filter((name) => !held.has(name));
  if (beyond.length) throw forbidden(`You can only give permissions you hold yourself; you do not hold ${beyond.join(', ')}.`);
  return inCatalogOrder(wanted);
}

export function changeAudit(ctx: RequestContext & { principal: Principal }, target: UserRecord, change: PermissionChange, at: string, snapshot: Snapshot): TxItem {
  return auditItem(ctx, {
    orgId: target.orgId,
    action: 'user.permissions_changed',
    actor: actorOf(ctx.principal.user),
    target: userTarget(target),
    details: { added: change.added, removed: change.removed },
    snapshot,
  }, at);
}

const invalidScope = (detail: string) =>
  new Problem(400, 'invalid_scope', detail, [{ path: 'scopes', message: detail }]);

/**
 * A new API token's own list: a subset of what its owner holds now, and never more than the
 * caller's own API token (a narrowed token cannot mint a broader one). Absent: unnarrowed,
 * unless the caller itself came with a narrowed token, whose list the new one inherits.
 */
export function tokenScopes(actor: Principal, owner: UserRecord, wanted: readonly string[] | undefined): string[] | undefined {
  const narrowedCaller = Boolean(callerToken(actor)?.scopes || actor.scope);
  const callerScopes = narrowedCaller ? heldBy(actor) : undefined;
  if (wanted === undefined) return callerScopes;
  const allowed = new Set(effectivePermissions(owner, callerScopes));
  const beyond = [...new Set(wanted)].filter((name) => !allowed.has(name));
  if (beyond.length) throw invalidScope(`Scopes must be permissions the token's owner holds: ${beyond.join(', ')} is not.`);
  return inCatalogOrder(wanted);
}

/** The `?permission=` filter must name a catalog permission. */
export function assertFilter(name: string | undefined): void {
  if (name !== undefined && !isKnownPermission(name)) throw badRequest('unknown_permission', `Not in this deployment's permission catalog: ${name}.`);
}
