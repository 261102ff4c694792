import type { ScimContext } from '../context';
import { auditItem, userTarget, type AuditActor, type AuditEvent } from '../data/audit';
import { getGroupMappings, type GroupMapping } from '../data/group-mappings';
import { getScimSettings } from '../data/scim';
import type { Snapshot } from '../data/snapshots';
import type { TxItem } from '../data/transact';
import type { UserRecord } from '../data/users';
import { defaultPermissions, inCatalogOrder } from '../auth/permissions';
import { invalidValue } from '../scim/errors';
import { roleFromGroups, type ManagedRole } from './group-roles';

/** The directory as the audit log names it: `{ type: "scim", id: <token id>, name: <token name> }`. */
export const scimActor = (ctx: ScimContext): AuditActor => ({ type: 'scim', id: ctx.scim.tokenId, name: ctx.scim.tokenName });

export const scimAudit = (ctx: ScimContext, event: Omit<AuditEvent, 'orgId' | 'actor'>, at: string): TxItem =>
  auditItem(ctx, { ...event, orgId: ctx.scim.orgId, actor: scimActor(ctx) }, at);

export const scimUserAudit = (ctx: ScimContext, action: string, user: Pick<UserRecord, 'id' | 'login'>, at: string, details?: Record<string, unknown>, snapshot?: Snapshot): TxItem =>
  scimAudit(ctx, { action, target: userTarget(user), details, ...(snapshot ? { snapshot } : {}) }, at);

export interface Grants {
  mappings: GroupMapping[];
  defaultRole: ManagedRole;
}

export async function loadGrants(orgId: string): Promise<Grants> {
  const [mappings, settings] = await Promise.all([getGroupMappings(orgId), getScimSettings(orgId)]);
  return { mappings: mappings.items, defaultRole: settings.defaultRole };
}

/**
 * The role and permissions a SCIM-managed user gets from its groups (roleFromGroups), or
 * undefined when groups decide nothing: the mapping list is empty, the user is the root, or
 * the directory does not manage it.
 */
export function grantsFor(user: Pick<UserRecord, 'role' | 'managedBy' | 'scimGroups'>, grants: Grants) {
  if (user.role === 'root' || user.managedBy !== 'scim') return undefined;
  const computed = roleFromGroups(grants.mappings, Object.values(user.scimGroups ?? {}), grants.defaultRole);
  return computed && { role: computed.role, permissions: inCatalogOrder(computed.permissions) };
}

/** A new user's: from the mappings when there are any, else the default role and that role's catalog defaults. */
export function initialGrantsFor(grants: Grants) {
  return grantsFor({ role: 'developer', managedBy: 'scim', scimGroups: {} }, grants) ?? { role: grants.defaultRole, permissions: defaultPermissions(grants.defaultRole) };
}

/** SCIM paging (RFC 7644 §3.4.2.4, shared/api/scim.md): startIndex 1-based, count default and cap 100. */
export function paging(query: { startIndex?: string; count?: string }) {
  const integer = (value: string | undefined, name: string) => {
    if (value === undefined || value === '') return undefined;
    if (!/^[+-]?\d{1,15}$/.test(value.trim())) throw invalidValue(`${name} must be an integer.`);
    return Number(value);
  };
  const startIndex = Math.max(1, integer(query.startIndex, 'startIndex') ?? 1);
  const count = Math.min(100, Math.max(0, integer(query.count, 'count') ?? 100));
  return { startIndex, count };
}

export interface ListQuery {
  filter?: string;
  startIndex?: string;
  count?: string;
  attributes?: string;
  excludedAttributes?: string;
}
