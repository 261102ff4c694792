import { afterUpdate, userSnapshot } from '../data/snapshots';
import { clock, nowIso } from '../clock';
import type { ScimContext } from '../context';
import type { AuditActor } from '../data/audit';
import { auditItem, userTarget } from '../data/audit';
import {
  claimExternalId, claimGroupName, countGroupItem, countScimGroups, deleteScimGroupItem, findExternalId, findScimGroupByName, getScimGroup,
  listScimGroups as listGroupItems, putScimGroup, releaseExternalId, releaseGroupName, type ScimGroupRecord,
} from '../data/scim';
import { transact, type TxItem } from '../data/transact';
import { getUser, getUsers, updateUser, type UserRecord } from '../data/users';
import type { RequestContext } from '../context';
import { Problem } from '../errors';
import { ScimError, invalidValue, scimNotFound } from '../scim/errors';
import { parseFilter, type GroupAttribute } from '../scim/filter';
import { normalizePatch } from '../scim/normalize';
import { applyAttributeOps, applyMemberOps } from '../scim/patch';
import { LIST_RESPONSE, project, readGroup, toScimGroup, type GroupInput } from '../scim/resources';
import { noteScimChange } from './scim-auth';
import { grantsFor, loadGrants, paging, scimActor, scimAudit, type Grants, type ListQuery } from './scim-common';

/**
 * The directory's groups (shared/api/scim.md "Group resource") and what membership does: each
 * member's role and permissions follow the organization's group mappings (group-roles.ts).
 * A group change is one transaction with its audit event; its members' recomputation follows
 * right after it, one user at a time, each with its own audit events (the spec allows 5 s).
 */
export const MAX_MEMBERS = 10_000;
const GROUP_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Group ids are time-ordered (UUIDv7 layout), so the partition lists groups in creation order. */
function newGroupId(now: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const time = BigInt(now);
  for (let index = 0; index < 6; index += 1) bytes[index] = Number((time >> BigInt(8 * (5 - index))) & 0xffn);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export async function visibleGroup(ctx: ScimContext, id: string): Promise<ScimGroupRecord> {
  const group = GROUP_ID.test(id) ? await getScimGroup(ctx.scim.orgId, id) : undefined;
  if (!group || group.orgId !== ctx.scim.orgId) throw scimNotFound('No such group.');
  return group;
}

const wantsMembers = (query: { attributes?: string; excludedAttributes?: string }) => {
  const names = (list?: string) => (list ?? '').split(',').map((name) => name.trim().toLowerCase());
  if (query.attributes) return names(query.attributes).includes('members');
  return !names(query.excludedAttributes).includes('members');
};

async function memberNames(orgId: string, groups: ScimGroupRecord[]): Promise<Map<string, string>> {
  const ids = [...new Set(groups.flatMap((group) => group.members))];
  return new Map((await getUsers(orgId, ids)).map((user) => [user.id, user.name]));
}

export async function groupBody(ctx: ScimContext, group: ScimGroupRecord, query: { attributes?: string; excludedAttributes?: string } = {}) {
  const display = wantsMembers(query) ? await memberNames(ctx.scim.orgId, [group]) : undefined;
  return project(toScimGroup(group, display), query.attributes, query.excludedAttributes);
}

/**
 * Where the next page of an unfiltered list starts, remembered by this instance for a minute:
 * a directory pages through `startIndex` 1, 101, 201… in a row, and each page then starts
 * at the key the previous one ended on, instead of counting past every earlier group (whose
 * items hold their member ids: skipping them is billed by their size).
 */
const ANCHOR_MAX_AGE_MS = 60_000;
const ANCHORS_KEPT = 100;
const anchors = new Map<string, { at: number; start: Record<string, unknown> }>();

async function groupPage(orgId: string, startIndex: number, count: number): Promise<ScimGroupRecord[]> {
  const now = clock.now();
  const anchor = startIndex > 1 ? anchors.get(`${orgId}:${startIndex}`) : undefined;
  const fresh = anchor && now - anchor.at >= 0 && now - anchor.at < ANCHOR_MAX_AGE_MS;
  const page = fresh
    ? await listGroupItems(orgId, { skip: 0, limit: count, start: anchor.start })
    : await listGroupItems(orgId, { skip: startIndex - 1, limit: count });
  if (page.next && page.items.length === count && count > 0) {
    if (anchors.size >= ANCHORS_KEPT) anchors.delete(anchors.keys().next().value!);
    anchors.set(`${orgId}:${startIndex + count}`, { at: now, start: page.next });
  }
  return page.items;
}

export async function listScimGroups(ctx: ScimContext, query: ListQuery) {
  const { startIndex, count } = paging(query);
  const { orgId } = ctx.scim;
  let groups: ScimGroupRecord[];
  let total: number;
  if (query.filter !== undefined) {
    const conditions = parseFilter<GroupAttribute>(query.filter, 'Group');
    const first = conditions[0]!;
    const id = first.attribute === 'id' ? first.value
      : first.attribute === 'externalId' ? await findExternalId(orgId, 'GROUP', first.value)
        : first.value.length <= 256 ? await findScimGroupByName(orgId, first.value) : undefined;
    const group = id && GROUP_ID.test(id) ? await getScimGroup(orgId, id) : undefined;
    const found = group && conditions.every((condition) =>
      condition.attribute === 'id' ? group.id === condition.value
        : condition.attribute === 'externalId' ? group.externalId === condition.value
          : group.displayName.normalize('NFKC').toLowerCase() === condition.value.normalize('NFKC').toLowerCase()) ? [group] : [];
    total = found.length;
    groups = found.slice(startIndex - 1, startIndex - 1 + count);
  } else {
    [total, groups] = await Promise.all([countScimGroups(orgId), groupPage(orgId, startIndex, count)]);
  }
  const display = wantsMembers(query) && groups.length ? await memberNames(orgId, groups) : undefined;
  return {
    schemas: [LIST_RESPONSE],
    totalResults: total,
    startIndex,
    itemsPerPage: groups.length,
    Resources: groups.map((group) => project(toScimGroup(group, display), query.attributes, query.excludedAttributes)),
  };
}

/** New members must be people of this organization (never a service account, another org's user or a group). */
async function assertMembers(orgId: string, ids: string[]): Promise<void> {
  const bad = ids.find((id) => !GROUP_ID.test(id));
  if (bad !== undefined) throw invalidValue(`Member ${bad} is not a user of this organization.`);
  const found = new Map((await getUsers(orgId, ids)).map((user) => [user.id, user]));
  const missing = ids.find((id) => found.get(id)?.type !== 'human');
  if (missing !== undefined) throw invalidValue(`Member ${missing} is not a user of this organization.`);
}

interface Written {
  group: ScimGroupRecord;
  added: string[];
  removed: string[];
  renamed: boolean;
}

async function writeGroup(ctx: ScimContext, current: ScimGroupRecord | undefined, input: GroupInput & { members: string[] }, ifMatch?: number): Promise<Written> {
  const { orgId } = ctx.scim;
  if (current && ifMatch !== undefined && ifMatch !== current.version) throw new ScimError(412, 'The resource changed since you read it (If-Match).');
  if (input.members.length > MAX_MEMBERS) throw invalidValue(`A group has at most ${MAX_MEMBERS} members.`);
  const before = new Set(current?.members ?? []);
  const after = new Set(input.members);
  const added = input.members.filter((id) => !before.has(id));
  const removed = [...before].filter((id) => !after.has(id));
  await assertMembers(orgId, added);
  const at = nowIso();
  const group: ScimGroupRecord = {
    id: current?.id ?? newGroupId(Date.parse(at)),
    orgId,
    displayName: input.displayName,
    ...(input.externalId ? { externalId: input.externalId } : {}),
    members: input.members,
    createdAt: current?.createdAt ?? at,
    updatedAt: at,
    version: (current?.version ?? 0) + 1,
  };
  const renamed = current !== undefined && current.displayName !== group.displayName;
  const unchanged = current && !renamed && current.externalId === group.externalId && !added.length && !removed.length;
  if (unchanged) return { group: current, added, removed, renamed };
  const lower = (name: string) => name.normalize('NFKC').toLowerCase();
  const items: TxItem[] = [putScimGroup(group, current?.version), ...(current ? [] : [countGroupItem(orgId, 1)])];
  if (!current || lower(current.displayName) !== lower(group.displayName)) {
    if (current) items.push(releaseGroupName(orgId, current.displayName, group.id));
    items.push(claimGroupName(orgId, group.displayName, group.id));
  }
  if (current?.externalId !== group.externalId) {
    if (current?.externalId) items.push(releaseExternalId(orgId, 'GROUP', current.externalId, group.id));
    if (group.externalId) items.push(claimExternalId(orgId, 'GROUP', group.externalId, group.id));
  }
  items.push(scimAudit(ctx, {
    action: 'scim.group_changed',
    target: { type: 'org', id: orgId },
    details: {
      change: current ? 'updated' : 'created',
      groupId: group.id,
      displayName: group.displayName,
      ...(renamed ? { previousDisplayName: current!.displayName } : {}),
      added: added.slice(0, 100),
      removed: removed.slice(0, 100),
      addedCount: added.length,
      removedCount: removed.length,
    },
  }, at));
  for (let attempt = 1; ; attempt += 1) {
    try {
      await transact(items);
      break;
    } catch (error) {
      if (error instanceof Problem && error.code === 'precondition_failed') throw new ScimError(412, 'The group changed meanwhile; read it again.');
      // Creations of one organization share its group count, so concurrent ones can collide in
      // DynamoDB's transaction check; nothing was written, and the same transaction may run again.
      if (!current && error instanceof Problem && error.code === 'concurrent_change' && attempt < 4) continue;
      throw error;
    }
  }
  await noteScimChange(ctx.scim);
  return { group, added, removed, renamed };
}

/** After a group change: its members' group lists, and from them their role and permissions. */
async function afterWrite(ctx: ScimContext, written: Written): Promise<void> {
  const { group } = written;
  const grants = await loadGrants(ctx.scim.orgId);
  const joined = new Set(written.added);
  const members = new Set(group.members);
  const affected = written.renamed ? [...group.members, ...written.removed] : [...written.added, ...written.removed];
  await syncUsers(ctx, scimActor(ctx), ctx.scim.orgId, affected, grants, (user) => {
    const groups = { ...(user.scimGroups ?? {}) };
    if (members.has(user.id) && (joined.has(user.id) || written.renamed || !(group.id in groups))) groups[group.id] = group.displayName;
    else if (!members.has(user.id)) delete groups[group.id];
    return groups;
  });
}

/**
 * Brings each user's group list and its role and permissions up to date, with one audit event
 * per change naming the groups; a concurrent change to the same user is read again.
 */
export async function syncUsers(
  ctx: RequestContext,
  actor: AuditActor,
  orgId: string,
  userIds: string[],
  grants: Grants,
  groupsOf: (user: UserRecord) => Record<string, string>,
): Promise<void> {
  const queue = [...new Set(userIds)];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const user = await getUser(orgId, id);
        if (!user) break;
        const scimGroups = groupsOf(user);
        const next = grantsFor({ ...user, scimGroups }, grants);
        const set: Record<string, unknown> = {};
        if (JSON.stringify(Object.entries(scimGroups).sort()) !== JSON.stringify(Object.entries(user.scimGroups ?? {}).sort())) set.scimGroups = scimGroups;
        const before = user.permissions ?? [];
        const added = next ? next.permissions.filter((name) => !before.includes(name)) : [];
        const removed = next ? before.filter((name) => !next.permissions.includes(name)) : [];
        if (next && next.role !== user.role) set.role = next.role;
        if (added.length || removed.length) set.permissions = next!.permissions;
        if (!Object.keys(set).length) break;
        const at = nowIso();
        set.updatedAt = at;
        const names = Object.values(scimGroups);
        const items: TxItem[] = [updateUser(user, { set })];
        const snapshot = userSnapshot(afterUpdate(user, { set }), user);
        if (set.role) items.push(auditItem(ctx, { orgId, action: 'user.role_changed', actor, target: userTarget(user), details: { roleFrom: user.role, roleTo: set.role, groups: names }, snapshot }, at));
        if (set.permissions) items.push(auditItem(ctx, { orgId, action: 'user.permissions_changed', actor, target: userTarget(user), details: { added, removed, groups: names }, snapshot }, at));
        try {
          await transact(items);
          break;
        } catch (error) {
          if (!(error instanceof Problem && (error.code === 'precondition_failed' || error.code === 'concurrent_change'))) throw error;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker));
}

export async function createScimGroup(ctx: ScimContext, body: Record<string, unknown>): Promise<ScimGroupRecord> {
  const input = readGroup(body);
  const written = await writeGroup(ctx, undefined, { ...input, members: input.members ?? [] });
  await afterWrite(ctx, written);
  return written.group;
}

export async function replaceScimGroup(ctx: ScimContext, id: string, body: Record<string, unknown>, ifMatch?: number): Promise<ScimGroupRecord> {
  const current = await visibleGroup(ctx, id);
  const input = readGroup(body);
  const written = await writeGroup(ctx, current, { ...input, members: input.members ?? [] }, ifMatch);
  await afterWrite(ctx, written);
  return written.group;
}

/** PATCH /Groups/{id}: attributes through scim-patch on a copy, members as an id set; atomic. */
export async function patchScimGroup(ctx: ScimContext, id: string, body: unknown, ifMatch?: number): Promise<void> {
  const ops = normalizePatch(body, 'Group');
  const current = await visibleGroup(ctx, id);
  const { members: _members, ...withoutMembers } = toScimGroup(current);
  const patched = applyAttributeOps(withoutMembers, ops);
  const input = readGroup({ ...patched, members: undefined });
  const members = applyMemberOps(current.members, ops);
  const written = await writeGroup(ctx, current, { ...input, members }, ifMatch);
  await afterWrite(ctx, written);
}

export async function deleteScimGroup(ctx: ScimContext, id: string, ifMatch?: number): Promise<void> {
  const group = await visibleGroup(ctx, id);
  if (ifMatch !== undefined && ifMatch !== group.version) throw new ScimError(412, 'The resource changed since you read it (If-Match).');
  const { orgId } = ctx.scim;
  const at = nowIso();
  await transact([
    deleteScimGroupItem(group),
    countGroupItem(orgId, -1),
    releaseGroupName(orgId, group.displayName, group.id),
    ...(group.externalId ? [releaseExternalId(orgId, 'GROUP', group.externalId, group.id)] : []),
    scimAudit(ctx, {
      action: 'scim.group_changed',
      target: { type: 'org', id: orgId },
      details: { change: 'deleted', groupId: group.id, displayName: group.displayName, removedCount: group.members.length },
    }, at),
  ]);
  await noteScimChange(ctx.scim);
  await afterWrite(ctx, { group: { ...group, members: [] }, added: [], removed: group.members, renamed: false });
}
