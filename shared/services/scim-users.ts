import { sessionsEndedAudit } from './session-events';
import { afterUpdate, userSnapshot } from '../data/snapshots';
import { clock, nowIso } from '../clock';
import type { ScimContext } from '../context';
import { newAddressStatus } from '../data/email-status';
import { getLogin, claimLogin, releaseLogin } from '../data/logins';
import { requireOrg, type OrgRecord } from '../data/orgs';
import { claimExternalId, findExternalId, getScimGroup, humanIdsByCreation, putScimGroup, releaseExternalId } from '../data/scim';
import { listConnections, verifiedDomainOwner } from '../data/sso';
import { transact, type TxItem } from '../data/transact';
import {
  claimEmail, deleteSearchItems, deleteUserItem, findEmailOwner, getUser, getUsers, newUser, putSearchItems, putUser,
  releaseEmail, searchTerms, updateUser, type UserRecord,
} from '../data/users';
import { emailUser } from '../email/compose';
import { Problem } from '../errors';
import { isValidLogin, normalizeLogin } from '../http/schemas';
import { emailDomain } from '../sso/domains';
import { newId } from '../ids';
import { mutability, scimNotFound, ScimError } from '../scim/errors';
import { parseFilter, type Condition, type UserAttribute } from '../scim/filter';
import { normalizePatch } from '../scim/normalize';
import { applyAttributeOps } from '../scim/patch';
import { LIST_RESPONSE, negotiateLocale, project, readUser, toScimUser, type UserInput } from '../scim/resources';
import { spendRecipient } from './abuse';
import { newLink } from './email-links';
import { emailStatusAudit } from './email-events';
import { noteScimChange } from './scim-auth';
import { grantsFor, initialGrantsFor, loadGrants, paging, scimActor, scimUserAudit, type ListQuery } from './scim-common';
import { emailStatusChange } from './users';

/**
 * The directory's users (shared/api/scim.md "User resource"): SCIM's reading of Gatehouse's
 * users, translated into the same records, markers and audit events the JSON API writes.
 * Nothing here knows HTTP; the protocol's own parsing and errors are in shared/scim/.
 */

/** JSON with object keys sorted: DynamoDB does not keep a map's key order. */
const stableJson = (value: unknown): string =>
  JSON.stringify(value, (_key, inner) =>
    inner && typeof inner === 'object' && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b))) : inner);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Lost races (a concurrent change to the same user) are retried this often when the client sent no If-Match. */
const ATTEMPTS = 3;

/** Every human user of the directory's organization; service accounts, other organizations and the deleted are 404. */
export async function visibleUser(ctx: ScimContext, id: string): Promise<UserRecord> {
  const user = UUID.test(id) ? await getUser(ctx.scim.orgId, id) : undefined;
  if (!user || user.orgId !== ctx.scim.orgId || user.type !== 'human') throw scimNotFound('No such user.');
  return user;
}

function assertWritable(user: UserRecord): void {
  if (user.role === 'root') throw mutability('The organization owner is read-only to the directory.', 403);
}

function assertVersion(user: UserRecord, ifMatch: number | undefined): void {
  if (ifMatch !== undefined && ifMatch !== user.version) throw new ScimError(412, 'The resource changed since you read it (If-Match).');
}

export function userReply(user: UserRecord, status = 200, query: { attributes?: string; excludedAttributes?: string } = {}) {
  const body = toScimUser(user);
  const meta = body.meta as { version: string; location: string };
  return { status, body: project(body, query.attributes, query.excludedAttributes), headers: { ETag: meta.version, ...(status === 201 ? { Location: meta.location } : {}) } };
}

/**
 * Where an address stands with the organization's domains (shared/api/scim.md "User resource"):
 * in a domain the organization verified (its change needs no re-verification), and covered by
 * one of its enabled SSO connections (a new user signs in through SSO). One read of the domain's
 * marker, plus the organization's connections only when the domain is its own.
 */
async function domainStanding(orgId: string, email: string): Promise<{ verified: boolean; sso: boolean }> {
  const domain = emailDomain(email);
  if (!domain || (await verifiedDomainOwner(domain)) !== orgId) return { verified: false, sso: false };
  const connections = await listConnections(orgId);
  return { verified: true, sso: connections.some((connection) => connection.enabled && connection.domains.includes(domain)) };
}

/** A link's expiry as the emails state it. */
const expiry = (link: { expiresAt: string }) => new Date(link.expiresAt);

// ---- reading ----

async function candidate(ctx: ScimContext, condition: Condition<UserAttribute>): Promise<string | undefined> {
  const { orgId, slug } = ctx.scim;
  switch (condition.attribute) {
    case 'id':
      return UUID.test(condition.value) ? condition.value : undefined;
    case 'externalId':
      return findExternalId(orgId, 'USER', condition.value);
    case 'email':
      return condition.value.length <= 254 ? findEmailOwner(orgId, condition.value) : undefined;
    case 'userName': {
      const login = normalizeLogin(condition.value);
      if (!isValidLogin(login)) return undefined;
      const record = await getLogin(slug, login);
      return record?.orgId === orgId ? record.userId : undefined;
    }
  }
}

const matches = (user: UserRecord, condition: Condition<UserAttribute>): boolean => {
  switch (condition.attribute) {
    case 'id': return user.id === condition.value;
    case 'externalId': return user.scim?.externalId === condition.value;
    case 'email': return user.email?.toLowerCase() === condition.value.toLowerCase();
    case 'userName': return user.login === normalizeLogin(condition.value);
  }
};

/**
 * The order of an unfiltered list (creation order, shared/api/scim.md "Filters and paging"),
 * kept by this instance for the pages after the first: a directory's import pages through
 * `startIndex` 1, 101, 201… in a row, and reading the whole index for every page would make an
 * import of n users cost n²/100 index items. The first page (and any page once the order is a
 * minute old) reads it afresh. A user created meanwhile shows on the next import; one deleted
 * meanwhile is left out of its page (RFC 7644 §3.4.2.4: paging is not a snapshot).
 */
const ORDER_MAX_AGE_MS = 60_000;
const ORDERS_KEPT = 20;
const orders = new Map<string, { at: number; ids: string[] }>();

async function creationOrder(orgId: string, fresh: boolean): Promise<string[]> {
  const kept = orders.get(orgId);
  const now = clock.now();
  if (!fresh && kept && now - kept.at >= 0 && now - kept.at < ORDER_MAX_AGE_MS) return kept.ids;
  const ids = await humanIdsByCreation(orgId);
  orders.delete(orgId);
  if (orders.size >= ORDERS_KEPT) orders.delete(orders.keys().next().value!);
  orders.set(orgId, { at: now, ids });
  return ids;
}

/** GET /Users: a filter is one marker read and one user read; without one, creation order. */
export async function listScimUsers(ctx: ScimContext, query: ListQuery) {
  const { startIndex, count } = paging(query);
  let users: UserRecord[];
  let total: number;
  if (query.filter !== undefined) {
    const conditions = parseFilter<UserAttribute>(query.filter, 'User');
    const id = await candidate(ctx, conditions[0]!);
    const user = id ? await getUser(ctx.scim.orgId, id) : undefined;
    const found = user && user.type === 'human' && conditions.every((condition) => matches(user, condition)) ? [user] : [];
    total = found.length;
    users = found.slice(startIndex - 1, startIndex - 1 + count);
  } else {
    const order = await creationOrder(ctx.scim.orgId, startIndex === 1);
    total = order.length;
    const ids = order.slice(startIndex - 1, startIndex - 1 + count);
    const byId = new Map((ids.length ? await getUsers(ctx.scim.orgId, ids) : []).map((user) => [user.id, user]));
    users = ids.map((id) => byId.get(id)).filter((user): user is UserRecord => user?.type === 'human' && user.orgId === ctx.scim.orgId);
  }
  return {
    schemas: [LIST_RESPONSE],
    totalResults: total,
    startIndex,
    itemsPerPage: users.length,
    Resources: users.map((user) => project(toScimUser(user), query.attributes, query.excludedAttributes)),
  };
}

// ---- writing ----

interface Outcome {
  items: TxItem[];
  after: UserRecord;
  emails: Array<() => Promise<unknown>>;
  /** Recipients of the links among `emails` (security notices are not counted). */
  linksTo: string[];
}

/** POST /Users. */
export async function createScimUser(ctx: ScimContext, body: Record<string, unknown>): Promise<UserRecord> {
  const input = readUser(body);
  const { orgId, slug } = ctx.scim;
  const inactive = input.active === false;
  const [org, grants, standing, addressStatus] = await Promise.all([
    requireOrg(orgId),
    loadGrants(orgId),
    inactive ? { verified: false, sso: false } : domainStanding(orgId, input.email),
    newAddressStatus(input.email),
  ]);
  const { role, permissions } = initialGrantsFor(grants);
  const at = nowIso();
  // Covered by an SSO connection: active at once with a verified email and no password; the
  // first SSO sign-in links it by email. Nothing is emailed: there is nothing to activate.
  const bySso = standing.sso;
  const user = newUser({
    id: newId(),
    orgId,
    login: input.login,
    name: input.name,
    email: input.email,
    type: 'human',
    role,
    permissions,
    status: inactive ? 'deactivated' : bySso ? 'active' : 'pending',
    emailVerified: bySso,
    origin: 'scim',
    managedBy: 'scim',
    locale: negotiateLocale(input.scim.locale ?? input.scim.preferredLanguage),
    scim: input.scim,
    scimGroups: {},
    ...addressStatus,
    at,
  });
  const link = inactive || bySso ? undefined : newLink(user, 'activation');
  if (link) user.emailTokens.activation = link.hash;
  // Its invitation spends the recipient's limit before anything is written, so a 429 creates nothing.
  if (link) await spendRecipient(ctx, input.email);
  await transact([
    putUser(user),
    claimLogin(slug, user.login, orgId, user.id),
    claimEmail(orgId, input.email, user.id),
    ...(input.scim.externalId ? [claimExternalId(orgId, 'USER', input.scim.externalId, user.id)] : []),
    ...(link ? [link.item] : []),
    ...putSearchItems(user),
    scimUserAudit(ctx, 'user.created', user, at, { origin: 'scim', role, permissions, status: user.status, ...(bySso ? { signIn: 'sso' } : {}) }, userSnapshot(user)),
    scimUserAudit(ctx, 'scim.user_provisioned', user, at, { externalId: input.scim.externalId ?? null }),
  ]);
  await noteScimChange(ctx.scim);
  if (link) await emailUser(input.email, 'invitation', org, user, { link: link.url, expiresAt: expiry(link) });
  return user;
}

/**
 * Everything a PUT or PATCH changes, as transaction items: the user item (guarded by the
 * version read), markers for userName, email and externalId, search entries, a link when one
 * is due, and one audit event per kind of change. The first change a directory makes to a
 * user made by hand adopts it (`managedBy: "scim"`, audited).
 */
async function planReplace(ctx: ScimContext, user: UserRecord, input: UserInput): Promise<Outcome> {
  const { orgId, slug } = ctx.scim;
  const at = nowIso();
  const items: TxItem[] = [];
  const emails: Outcome['emails'] = [];
  const linksTo: string[] = [];
  const set: Record<string, unknown> = {};
  const remove: string[] = [];
  const fields: string[] = [];

  const adopted = user.managedBy !== 'scim';
  if (adopted) set.managedBy = 'scim';
  if (stableJson(user.scim ?? null) !== stableJson(input.scim)) set.scim = input.scim;
  if (input.login !== user.login) {
    set.login = input.login;
    fields.push('login');
    items.push(releaseLogin(slug, user.login, user.id), claimLogin(slug, input.login, orgId, user.id));
  }
  if (input.name !== user.name) {
    set.name = input.name;
    fields.push('name');
  }
  const locale = negotiateLocale(input.scim.locale ?? input.scim.preferredLanguage);
  if (locale !== (user.locale ?? null)) {
    set.locale = locale;
    fields.push('locale');
  }
  const oldExternal = user.scim?.externalId;
  if (oldExternal !== input.scim.externalId) {
    if (oldExternal) items.push(releaseExternalId(orgId, 'USER', oldExternal, user.id));
    if (input.scim.externalId) items.push(claimExternalId(orgId, 'USER', input.scim.externalId, user.id));
  }

  // Status first: the email rules below depend on what the user becomes.
  let status = user.status;
  let statusEvent: string | undefined;
  if (input.active === false && user.status !== 'deactivated') {
    status = 'deactivated';
    statusEvent = 'user.deactivated';
    // Deactivation ends every session and refresh token at once; API and access tokens fail on the
    // next request (they are judged against this item); an outstanding invitation link dies.
    set.sessions = {};
    if (user.emailTokens.activation) remove.push('emailTokens.activation');
  } else if (input.active === true && user.status === 'deactivated') {
    // A user made active for SSO (verified email, no password) was active, even if it never signed in.
    const neverActivated = !user.passwordHash && !user.lastLoginAt && !user.emailVerified;
    status = neverActivated ? 'pending' : 'active';
    statusEvent = 'user.reactivated';
  }
  if (status !== user.status) set.status = status;

  // Read only when an email goes out: a PATCH of a managed user is then its user read alone.
  let orgRecord: OrgRecord | undefined;
  const org = async () => (orgRecord ??= await requireOrg(orgId));
  const after = { ...user, ...(set as Partial<UserRecord>), status, version: user.version + 1, updatedAt: at };
  const mailboxChanged = input.email.toLowerCase() !== user.email?.toLowerCase();
  if (input.email !== user.email) {
    set.email = input.email;
    after.email = input.email;
    fields.push('email');
  }
  let invitation: ReturnType<typeof newLink> | undefined;
  // The new address takes its own status, as when root changes it (users.ts emailStatusChange).
  let addressStatus: Awaited<ReturnType<typeof emailStatusChange>>;
  if (mailboxChanged) {
    if (user.email) items.push(releaseEmail(orgId, user.email, user.id));
    items.push(claimEmail(orgId, input.email, user.id));
    addressStatus = await emailStatusChange(user, input.email, undefined);
    if (addressStatus) {
      set.emailStatus = addressStatus.to;
      after.emailStatus = addressStatus.to;
    }
    if (status === 'active') {
      // As when root changes it, unless the address is in a domain the organization verified:
      // that proof covers every address of the domain, so it is verified at once.
      const { verified } = await domainStanding(orgId, input.email);
      if (verified) {
        set.emailVerified = true;
        after.emailVerified = true;
        if (user.emailTokens.verifyEmail) remove.push('emailTokens.verifyEmail');
      } else {
        const verification = newLink(after, 'verifyEmail');
        items.push(verification.item);
        set['emailTokens.verifyEmail'] = verification.hash;
        set.emailVerified = false;
        after.emailVerified = false;
        emails.push(async () => emailUser(input.email, 'verify-email', await org(), after, { link: verification.url, expiresAt: expiry(verification) }));
        linksTo.push(input.email);
      }
      // The old address is told either way, in the user's (possibly new) language.
      if (user.email) emails.push(async () => emailUser(user.email!, 'email-changed', await org(), after, { newEmail: input.email }));
    } else {
      set.emailVerified = false;
      after.emailVerified = false;
    }
  }
  // A pending user gets its invitation at its (new) address; so does one reactivated without ever having activated.
  if (status === 'pending' && (mailboxChanged || user.status === 'deactivated')) {
    invitation = newLink(after, 'activation');
    items.push(invitation.item);
    set['emailTokens.activation'] = invitation.hash;
    emails.push(async () => emailUser(input.email, 'invitation', await org(), after, { link: invitation!.url, expiresAt: expiry(invitation!) }));
    linksTo.push(input.email);
  }

  // Groups decide the role of a managed user when they or the mappings change (scim-groups.ts,
  // provisioning.ts); here only a user the directory adopts now needs it computed.
  const grants = adopted ? grantsFor({ ...after, managedBy: 'scim' }, await loadGrants(orgId)) : undefined;
  const roleChanged = grants && grants.role !== user.role;
  const before = user.permissions ?? [];
  const added = grants ? grants.permissions.filter((name) => !before.includes(name)) : [];
  const removed = grants ? before.filter((name) => !grants.permissions.includes(name)) : [];
  if (roleChanged) set.role = grants.role;
  if (added.length || removed.length) set.permissions = grants!.permissions;
  Object.assign(after, { role: set.role ?? user.role, permissions: set.permissions ?? user.permissions });

  if (!Object.keys(set).length && !remove.length) return { items: [], after: user, emails: [], linksTo: [] };
  set.updatedAt = at;
  const termsBefore = searchTerms(user);
  const termsAfter = searchTerms(after);
  items.unshift(updateUser(user, { set, remove }));
  const snapshot = userSnapshot(afterUpdate(user, { set, remove }), user);
  items.push(
    ...deleteSearchItems(user, termsBefore.filter((term) => !termsAfter.includes(term))),
    ...putSearchItems(after, termsAfter.filter((term) => !termsBefore.includes(term))),
  );
  if (fields.length || adopted || set.scim) items.push(scimUserAudit(ctx, 'user.updated', user, at, { fields, ...(adopted ? { adopted: true } : {}) }, snapshot));
  if (addressStatus?.change) items.push(emailStatusAudit(ctx, after, addressStatus.change, scimActor(ctx), at));
  if (statusEvent) items.push(scimUserAudit(ctx, statusEvent, user, at, { statusFrom: user.status, statusTo: status }, snapshot));
  if (statusEvent === 'user.deactivated') items.push(...sessionsEndedAudit(ctx, scimActor(ctx), user, 'user_deactivated', at));
  if (roleChanged) items.push(scimUserAudit(ctx, 'user.role_changed', user, at, { roleFrom: user.role, roleTo: grants.role, groups: Object.values(after.scimGroups ?? {}) }, snapshot));
  if (added.length || removed.length) items.push(scimUserAudit(ctx, 'user.permissions_changed', user, at, { added, removed, groups: Object.values(after.scimGroups ?? {}) }, snapshot));
  return { items, after, emails, linksTo };
}

/** Reads, plans and writes; a lost race with another writer is read again (unless the client pinned a version). */
async function change(ctx: ScimContext, id: string, ifMatch: number | undefined, build: (user: UserRecord) => UserInput): Promise<UserRecord> {
  // A lost race plans again; a recipient already counted for this request is not counted twice.
  const spent = new Set<string>();
  for (let attempt = 1; ; attempt += 1) {
    const user = await visibleUser(ctx, id);
    assertWritable(user);
    assertVersion(user, ifMatch);
    const outcome = await planReplace(ctx, user, build(user));
    if (!outcome.items.length) return user;
    // Before the write, as on the JSON routes: a 429 changes nothing and the old link stays valid.
    for (const recipient of outcome.linksTo) {
      if (spent.has(recipient.toLowerCase())) continue;
      await spendRecipient(ctx, recipient);
      spent.add(recipient.toLowerCase());
    }
    try {
      await transact(outcome.items);
    } catch (error) {
      const lost = error instanceof Problem && (error.code === 'precondition_failed' || error.code === 'concurrent_change');
      if (lost && ifMatch === undefined && attempt < ATTEMPTS) continue;
      if (lost && error.code === 'precondition_failed') throw new ScimError(412, 'The resource changed since you read it (If-Match).');
      throw error;
    }
    await noteScimChange(ctx.scim);
    for (const send of outcome.emails) await send();
    return outcome.after;
  }
}

/**
 * PUT /Users/{id}: every attribute replaced; an absent `active` is kept (shared/api/scim.md
 * "Replace"). Okta's full PUT also carries `id`, `groups`, `meta` and `password`: ignored.
 */
export const replaceScimUser = (ctx: ScimContext, id: string, body: Record<string, unknown>, ifMatch?: number) =>
  change(ctx, id, ifMatch, () => readUser(body));

/** PATCH /Users/{id}: the normalised operations applied to a copy of the resource, then written as a whole. */
export function patchScimUser(ctx: ScimContext, id: string, body: unknown, ifMatch?: number) {
  const ops = normalizePatch(body, 'User');
  return change(ctx, id, ifMatch, (user) => readUser(applyAttributeOps(toScimUser(user), ops)));
}

/**
 * DELETE /Users/{id}: deleted as by root. The login, email and externalId markers go with it,
 * so the same values may be provisioned again at once; its group memberships end.
 */
export async function deleteScimUser(ctx: ScimContext, id: string, ifMatch?: number): Promise<void> {
  const user = await visibleUser(ctx, id);
  assertWritable(user);
  assertVersion(user, ifMatch);
  const { orgId, slug } = ctx.scim;
  const at = nowIso();
  const groups = (await Promise.all(Object.keys(user.scimGroups ?? {}).map((groupId) => getScimGroup(orgId, groupId)))).filter((group) => group !== undefined);
  await transact([
    deleteUserItem(user),
    releaseLogin(slug, user.login, user.id),
    ...(user.email ? [releaseEmail(orgId, user.email, user.id)] : []),
    ...(user.scim?.externalId ? [releaseExternalId(orgId, 'USER', user.scim.externalId, user.id)] : []),
    ...deleteSearchItems(user, searchTerms(user)),
    ...groups.map((group) => putScimGroup({ ...group, members: group.members.filter((member) => member !== user.id), updatedAt: at, version: group.version + 1 }, group.version)),
    scimUserAudit(ctx, 'user.deleted', user, at, { role: user.role, type: user.type, status: user.status, groups: Object.values(user.scimGroups ?? {}) }, userSnapshot(user)),
    scimUserAudit(ctx, 'scim.user_deprovisioned', user, at, { externalId: user.scim?.externalId ?? null }),
    ...sessionsEndedAudit(ctx, scimActor(ctx), user, 'user_deleted', at),
  ]);
  await noteScimChange(ctx.scim);
}
