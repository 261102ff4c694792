import { nowIso } from '../clock';
import type { AuthedContext } from '../context';
import { actorOf, auditItem } from '../data/audit';
import { getGroupMappings, putGroupMappings, type GroupMapping } from '../data/group-mappings';
import {
  countManagedUsers, countScimGroups, getScimSettings, getScimTokenLookups, initScimSettings, listScimGroups, updateScimSettings,
} from '../data/scim';
import { transact } from '../data/transact';
import { forbidden, preconditionFailed, validationFailed } from '../errors';
import { decodeCursor, encodeCursor } from '../data/cursor';
import { assertKnown } from './permissions';
import { inCatalogOrder } from '../auth/permissions';
import { assertRoot } from '../auth/policy';
import { scimBaseUrl } from '../scim/resources';
import { loadGrants, type Grants } from './scim-common';
import { syncUsers } from './scim-groups';
import { managedUserIds } from '../data/scim-users-index';
import { recomputeSsoUsers } from './sso-roles';

/**
 * The provisioning settings root and admins see and root changes (shared/api/scim.md
 * "Settings, tokens and group mappings"): the base URL, the default role, the directory's
 * activity, its groups, and the group mapping list shared with enterprise SSO.
 */

function assertRootOrAdmin(ctx: AuthedContext): void {
  const { role } = ctx.principal.user;
  if (role !== 'root' && role !== 'admin') throw forbidden('Only the owner and admins may see provisioning settings.');
}

const latest = (values: Array<string | null>) => values.filter((value): value is string => Boolean(value)).sort().at(-1) ?? null;

export async function scimSettings(ctx: AuthedContext) {
  assertRootOrAdmin(ctx);
  const { orgId } = ctx.principal;
  const settings = await getScimSettings(orgId);
  const [lookups, users, groups] = await Promise.all([
    getScimTokenLookups(Object.values(settings.tokens).map((token) => token.hash)),
    countManagedUsers(orgId),
    countScimGroups(orgId),
  ]);
  return {
    baseUrl: scimBaseUrl(),
    defaultRole: settings.defaultRole,
    users,
    groups,
    lastRequestAt: latest(lookups.map((lookup) => lookup.lastUsedAt)),
    lastChangeAt: latest(lookups.map((lookup) => lookup.lastChangeAt)),
    version: settings.version,
  };
}

export async function changeScimSettings(ctx: AuthedContext, defaultRole: 'admin' | 'developer', ifMatch?: number) {
  assertRoot(ctx.principal, 'Only the organization owner may change provisioning settings.');
  const { orgId } = ctx.principal;
  await initScimSettings(orgId);
  const settings = await getScimSettings(orgId);
  if (ifMatch !== undefined && ifMatch !== settings.version) throw preconditionFailed();
  if (settings.defaultRole !== defaultRole) {
    const at = nowIso();
    await transact([
      updateScimSettings(orgId, { defaultRole }, settings.version),
      auditItem(ctx, { orgId, action: 'scim.settings_changed', actor: actorOf(ctx.principal.user), target: { type: 'org', id: orgId }, details: { defaultRoleFrom: settings.defaultRole, defaultRoleTo: defaultRole } }, at),
    ]);
    await recomputeManagedUsers(ctx, orgId);
  }
  return scimSettings(ctx);
}

export async function scimGroupNames(ctx: AuthedContext, query: { limit: number; cursor?: string }) {
  assertRootOrAdmin(ctx);
  const { orgId } = ctx.principal;
  const start = await decodeCursor(orgId, 'scimGroups', query.cursor);
  const page = await listScimGroups(orgId, { skip: 0, limit: query.limit, start });
  return {
    items: page.items.map((group) => ({
      id: group.id, displayName: group.displayName, externalId: group.externalId ?? null, memberCount: group.members.length, createdAt: group.createdAt, updatedAt: group.updatedAt,
    })),
    nextCursor: await encodeCursor(orgId, 'scimGroups', page.next),
  };
}

export async function groupMappings(ctx: AuthedContext) {
  assertRootOrAdmin(ctx);
  return getGroupMappings(ctx.principal.orgId);
}

export interface MappingInput {
  group: string;
  role?: 'admin' | 'developer' | null;
  permissions?: string[];
}

/** PUT /v1/org/group-mappings: the whole list; every IdP-managed user is recomputed right after. */
export async function replaceGroupMappings(ctx: AuthedContext, items: MappingInput[], ifMatch?: number) {
  assertRoot(ctx.principal, 'Only the organization owner may change group mappings.');
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const key = item.group.toLowerCase();
    if (seen.has(key)) throw validationFailed([{ path: `items.${index}.group`, message: 'is listed twice (compared case-insensitively)' }]);
    seen.add(key);
  });
  assertKnown(items.flatMap((item) => item.permissions ?? []));
  const { orgId } = ctx.principal;
  const current = await getGroupMappings(orgId);
  if (ifMatch !== undefined && ifMatch !== current.version) throw preconditionFailed();
  const list: GroupMapping[] = items.map((item) => ({ group: item.group, role: item.role ?? null, permissions: inCatalogOrder(item.permissions ?? []) }));
  const at = nowIso();
  await transact([
    putGroupMappings(orgId, list, current.version, at),
    auditItem(ctx, { orgId, action: 'org.group_mappings_changed', actor: actorOf(ctx.principal.user), target: { type: 'org', id: orgId }, details: { entries: list.length } }, at),
  ]);
  await recomputeManagedUsers(ctx, orgId);
  await recomputeSsoUsers(ctx, actorOf(ctx.principal.user), orgId, list);
  return getGroupMappings(orgId);
}

/** Every SCIM-managed user's role and permissions, from the current list and default role (root as actor). */
async function recomputeManagedUsers(ctx: AuthedContext, orgId: string): Promise<void> {
  const grants: Grants = await loadGrants(orgId);
  const ids = await managedUserIds(orgId);
  await syncUsers(ctx, actorOf(ctx.principal.user), orgId, ids, grants, (user) => user.scimGroups ?? {});
}
