import { afterUpdate, userSnapshot } from '../data/snapshots';
import { nowIso } from '../clock';
import { config } from '../config';
import type { AuthedContext } from '../context';
import { actorOf, auditItem, userTarget } from '../data/audit';
import { requireOrg } from '../data/orgs';
import {
  type ConnectionRecord,
  type DomainRecord,
  claimVerifiedDomainItem,
  deleteConnectionItems,
  deleteDomainItems,
  deleteIdentities,
  forgetConnectionOwner,
  getConnection,
  listConnections,
  listDomains,
  markDomainVerifiedItem,
  putConnectionItems,
  putDomainItem,
  putEnforcementItem,
  releasingConnection,
  replaceConnectionItem,
  sessionsOfConnection,
  verifiedDomainOwner,
} from '../data/sso';
import { type TxItem, transact } from '../data/transact';
import { getUser, managedBySso, updateUser } from '../data/users';
import { managedUserIds } from '../data/scim-users-index';
import { Problem, badRequest, conflict, notFound, preconditionFailed, serviceUnavailable, validationFailed } from '../errors';
import { newId, randomSecret } from '../ids';
import { assertRoot } from '../auth/policy';
import { seal } from '../auth/crypto';
import { txtRecords } from '../sso/dns';
import { challengeName, challengeValue, isConsumerDomain, normalizeDomain } from '../sso/domains';
import { describeCertificate, newServiceProviderKeyPair, normalizeCertificate } from '../sso/saml/certificates';
import { InvalidMetadata, parseIdpMetadata } from '../sso/saml/metadata';
import { OidcRefused, checkIdpUrl, discover } from '../sso/oidc/relying-party';
import { endSession } from './sessions';

export const LIMITS = { domains: 20, connections: 10, certificates: 5 };

// ---------------------------------------------------------------- domains

export const publicDomain = (domain: DomainRecord) => ({
  id: domain.id,
  domain: domain.domain,
  status: domain.status,
  verification: { type: 'dns-txt' as const, name: challengeName(domain.domain), value: challengeValue(domain.token) },
  createdAt: domain.createdAt,
  verifiedAt: domain.verifiedAt,
});

const consumerDomain = () => badRequest('consumer_domain', 'Consumer mail domains (gmail.com, outlook.com, …) cannot be claimed.');

export async function claimDomain(ctx: AuthedContext, input: string) {
  assertRoot(ctx.principal, 'Only the organization owner manages single sign-on.');
  const domain = normalizeDomain(input);
  if (!domain) throw validationFailed([{ path: 'domain', message: 'must be a host name of at least two labels, such as acme.com' }]);
  if (isConsumerDomain(domain)) throw consumerDomain();
  const orgId = ctx.principal.orgId;
  const existing = await listDomains(orgId);
  if (existing.some((item) => item.domain === domain)) throw conflict('conflict', 'This organization already claimed this domain.');
  if (existing.length >= LIMITS.domains) throw conflict('too_many_domains', `An organization holds at most ${LIMITS.domains} domains.`);
  const owner = await verifiedDomainOwner(domain);
  if (owner && owner !== orgId) throw conflict('domain_taken', 'Another organization verified this domain.');
  const at = nowIso();
  const record: DomainRecord = { id: newId(), orgId, domain, token: randomSecret(24), status: 'pending', createdAt: at, verifiedAt: null };
  await transact([
    putDomainItem(record),
    auditItem(ctx, { orgId, action: 'domain.claimed', actor: actorOf(ctx.principal.user), target: { type: 'org', id: orgId }, details: { domain } }, at),
  ]);
  return publicDomain(record);
}

export async function domains(ctx: AuthedContext) {
  assertRoot(ctx.principal, 'Only the organization owner manages single sign-on.');
  const items = await listDomains(ctx.principal.orgId);
  return { items: items.sort((a, b) => a.domain.localeCompare(b.domain)).map(publicDomain), nextCursor: null };
}

async function domainById(orgId: string, id: string): Promise<DomainRecord> {
  const found = (await listDomains(orgId)).find((item) => item.id === id);
  if (!found) throw notFound('No such domain.');
  return found;
}

export async function verifyDomain(ctx: AuthedContext, id: string) {
  assertRoot(ctx.principal, 'Only the organization owner manages single sign-on.');
  const orgId = ctx.principal.orgId;
  const domain = await domainById(orgId, id);
  if (domain.status === 'verified') return publicDomain(domain);
  let records: string[];
  try {
    records = await txtRecords(challengeName(domain.domain));
  } catch {
    throw serviceUnavailable(30, 'DNS did not answer; try Verify again shortly.');
  }
  if (!records.includes(challengeValue(domain.token))) {
    throw conflict('domain_not_verified', `No TXT record ${challengeName(domain.domain)} with the expected value was found yet. DNS changes can take a while to appear.`);
  }
  const owner = await verifiedDomainOwner(domain.domain);
  if (owner && owner !== orgId) throw conflict('domain_taken', 'Another organization verified this domain.');
  const at = nowIso();
  const verified: DomainRecord = { ...domain, status: 'verified', verifiedAt: at };
  await transact([
    markDomainVerifiedItem(domain, at),
    claimVerifiedDomainItem(domain.domain, orgId),
    auditItem(ctx, { orgId, action: 'domain.verified', actor: actorOf(ctx.principal.user), target: { type: 'org', id: orgId }, details: publicDomain(verified), snapshot: { data: publicDomain(verified) } }, at),
  ]);
  return publicDomain(verified);
}

export async function removeDomain(ctx: AuthedContext, id: string): Promise<void> {
  assertRoot(ctx.principal, 'Only the organization owner manages single sign-on.');
  const orgId = ctx.principal.orgId;
  const domain = await domainById(orgId, id);
  const connections = await listConnections(orgId);
  if (connections.some((connection) => connection.domains.includes(domain.domain))) {
    throw conflict('domain_in_use', 'A connection serves this domain; remove it from the connection first.');
  }
  const at = nowIso();
  await transact([
    ...deleteDomainItems(domain),
    auditItem(ctx, { orgId, action: 'domain.removed', actor: actorOf(ctx.principal.user), target: { type: 'org', id: orgId }, details: { domain: domain.domain } }, at),
  ]);
}

// ---------------------------------------------------------------- connections

export const spUrls = (id: string) => {
  const base = config().APP_URL;
  return {
    entityId: `${base}/sso/saml/${id}/metadata`,
    acsUrl: `${base}/sso/saml/${id}/acs`,
    metadataUrl: `${base}/sso/saml/${id}/metadata`,
  };
};
export const oidcRedirectUri = (id: string) => `${config().APP_URL}/sso/oidc/${id}/callback`;

/** The connection as the API shows it: never the client secret or the SP private key. */
export function publicConnection(connection: ConnectionRecord) {
  return {
    id: connection.id,
    name: connection.name,
    protocol: connection.protocol,
    enabled: connection.enabled,
    enforce: connection.enforce,
    allowIdpInitiated: connection.allowIdpInitiated,
    domains: connection.domains,
    jit: connection.jit,
    ...(connection.saml
      ? {
          saml: {
            entityId: connection.saml.entityId,
            ssoUrl: connection.saml.ssoUrl,
            signRequests: connection.saml.signRequests,
            certificates: connection.saml.certificates.map((pem) => describeCertificate(pem)!).filter(Boolean),
          },
          sp: spUrls(connection.id),
        }
      : {}),
    ...(connection.oidc ? { oidc: { issuer: connection.oidc.issuer, clientId: connection.oidc.clientId }, redirectUri: oidcRedirectUri(connection.id) } : {}),
    createdAt: connection.createdAt,
    updatedAt: connection.updatedAt,
    version: connection.version,
  };
}
export type PublicConnection = ReturnType<typeof publicConnection>;

export const connectionReply = (connection: ConnectionRecord, status = 200) => ({
  status,
  body: publicConnection(connection),
  headers: { ETag: `"${connection.version}"` },
});

export interface SamlInput {
  metadataXml?: string;
  entityId?: string;
  ssoUrl?: string;
  certificates?: string[];
  signRequests?: boolean;
}
export interface OidcInput {
  issuer?: string;
  clientId?: string;
  clientSecret?: string;
}
export interface ConnectionInput {
  name?: string;
  protocol?: 'saml' | 'oidc';
  saml?: SamlInput;
  oidc?: OidcInput;
  domains?: string[];
  jit?: { enabled: boolean; defaultRole: 'developer' | 'admin' };
  allowIdpInitiated?: boolean;
  enforce?: boolean;
  enabled?: boolean;
}

const invalidMetadata = (detail: string) => badRequest('invalid_metadata', detail);

function certificatesFrom(pems: string[]): string[] {
  if (pems.length === 0 || pems.length > LIMITS.certificates) {
    throw validationFailed([{ path: 'saml.certificates', message: `give 1 to ${LIMITS.certificates} certificates` }]);
  }
  return pems.map((pem, index) => {
    const normalized = normalizeCertificate(pem);
    if (!describeCertificate(normalized)) throw validationFailed([{ path: `saml.certificates.${index}`, message: 'is not an X.509 certificate (RSA keys of at least 2048 bits)' }]);
    return normalized;
  });
}

function ssoUrlFrom(value: string, path: string): string {
  try {
    checkIdpUrl(value);
  } catch {
    throw validationFailed([{ path, message: 'must be an https:// URL' }]);
  }
  return value;
}

/** The SAML settings a body gives, merged over what the connection had. */
function samlSettings(input: SamlInput, previous?: ConnectionRecord['saml']): NonNullable<ConnectionRecord['saml']> {
  const signRequests = input.signRequests ?? previous?.signRequests ?? false;
  if (input.metadataXml !== undefined) {
    if (input.entityId !== undefined || input.ssoUrl !== undefined || input.certificates !== undefined) {
      throw validationFailed([{ path: 'saml', message: 'give either metadataXml or entityId, ssoUrl and certificates' }]);
    }
    try {
      const parsed = parseIdpMetadata(input.metadataXml);
      const certificates = parsed.certificates.slice(0, LIMITS.certificates).filter((pem) => describeCertificate(pem));
      if (!certificates.length) throw invalidMetadata('The metadata has no usable signing certificate.');
      return { entityId: parsed.entityId, ssoUrl: ssoUrlFrom(parsed.ssoUrl, 'saml.metadataXml'), certificates, signRequests };
    } catch (error) {
      if (error instanceof InvalidMetadata) throw invalidMetadata(error.message);
      throw error;
    }
  }
  const entityId = input.entityId ?? previous?.entityId;
  const ssoUrl = input.ssoUrl ?? previous?.ssoUrl;
  const certificates = input.certificates ? certificatesFrom(input.certificates) : previous?.certificates;
  if (!entityId || !ssoUrl || !certificates) {
    throw validationFailed([{ path: 'saml', message: 'give metadataXml, or entityId, ssoUrl and certificates' }]);
  }
  return { entityId, ssoUrl: ssoUrlFrom(ssoUrl, 'saml.ssoUrl'), certificates, signRequests };
}

async function oidcSettings(id: string, input: OidcInput, previous?: ConnectionRecord['oidc']): Promise<NonNullable<ConnectionRecord['oidc']>> {
  const issuer = input.issuer ?? previous?.issuer;
  const clientId = input.clientId ?? previous?.clientId;
  if (!issuer || !clientId || (!input.clientSecret && !previous)) {
    throw validationFailed([{ path: 'oidc', message: 'give issuer, clientId and clientSecret' }]);
  }
  const clientSecret = input.clientSecret ? await seal(input.clientSecret, `sso-client-secret:${id}`) : previous!.clientSecret;
  try {
    const metadata = issuer === previous?.issuer && input.clientId === undefined && !input.clientSecret
      ? previous.metadata
      : await discover(issuer, clientId, input.clientSecret ?? 'unused-for-discovery');
    return { issuer, clientId, clientSecret, metadata };
  } catch (error) {
    if (error instanceof OidcRefused) throw badRequest('invalid_issuer', error.reason);
    throw error;
  }
}

/** The domains a connection may serve: verified by this organization, and by no other enabled connection. */
async function checkDomains(orgId: string, requested: string[], connection: { id: string; enabled: boolean }, others: ConnectionRecord[]): Promise<string[]> {
  const normalized = requested.map((value, index) => {
    const domain = normalizeDomain(value);
    if (!domain) throw validationFailed([{ path: `domains.${index}`, message: 'must be a domain name' }]);
    return domain;
  });
  const unique = [...new Set(normalized)];
  if (unique.length === 0 || unique.length > LIMITS.domains) throw validationFailed([{ path: 'domains', message: `name 1 to ${LIMITS.domains} verified domains` }]);
  const verified = new Set((await listDomains(orgId)).filter((item) => item.status === 'verified').map((item) => item.domain));
  const missing = unique.filter((domain) => !verified.has(domain));
  if (missing.length) throw conflict('domain_not_verified', `Verify these domains first: ${missing.join(', ')}.`);
  if (connection.enabled) {
    const taken = unique.filter((domain) => others.some((other) => other.id !== connection.id && other.enabled && other.domains.includes(domain)));
    if (taken.length) throw conflict('domain_in_use', `Another enabled connection serves ${taken.join(', ')}.`);
  }
  return unique;
}

/** Password login reads this one item per sign-in: the domains an enabled, enforced connection took over. */
async function enforcementItem(orgId: string, connections: ConnectionRecord[]): Promise<TxItem> {
  const org = await requireOrg(orgId);
  const domains: Record<string, string> = {};
  for (const connection of connections) {
    if (connection.enabled && connection.enforce) for (const domain of connection.domains) domains[domain] = connection.id;
  }
  return putEnforcementItem(org.slug, orgId, domains);
}

const changedAudit = (ctx: AuthedContext, connection: ConnectionRecord, change: 'created' | 'updated' | 'deleted', at: string, extra: Record<string, unknown> = {}) =>
  auditItem(ctx, {
    orgId: connection.orgId,
    action: 'sso_connection.changed',
    actor: actorOf(ctx.principal.user),
    target: { type: 'org', id: connection.orgId },
    details: { change, connection: publicConnection(connection), ...extra },
    snapshot: { data: { change, connection: publicConnection(connection) } },
  }, at);

export async function createConnection(ctx: AuthedContext, input: ConnectionInput & Required<Pick<ConnectionInput, 'name' | 'protocol' | 'domains' | 'jit'>>) {
  assertRoot(ctx.principal, 'Only the organization owner manages single sign-on.');
  const orgId = ctx.principal.orgId;
  const existing = await listConnections(orgId);
  if (existing.length >= LIMITS.connections) throw conflict('too_many_connections', `An organization holds at most ${LIMITS.connections} connections.`);
  if (input.protocol === 'saml' && (!input.saml || input.oidc)) throw validationFailed([{ path: 'saml', message: 'a SAML connection takes saml settings only' }]);
  if (input.protocol === 'oidc' && (!input.oidc || input.saml)) throw validationFailed([{ path: 'oidc', message: 'an OIDC connection takes oidc settings only' }]);
  const id = newId();
  const enabled = input.enabled ?? true;
  const domains = await checkDomains(orgId, input.domains, { id, enabled }, existing);
  const at = nowIso();
  const connection: ConnectionRecord = {
    id,
    orgId,
    name: input.name,
    protocol: input.protocol,
    enabled,
    enforce: input.enforce ?? false,
    allowIdpInitiated: input.allowIdpInitiated ?? false,
    domains,
    jit: input.jit,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  if (input.protocol === 'saml') {
    connection.saml = samlSettings(input.saml!);
    const keyPair = newServiceProviderKeyPair(`${input.name} (Gatehouse SP)`, new Date(Date.parse(at)));
    // The SP key is a secret like a TOTP secret: sealed with the data key, bound to this connection.
    connection.sp = { certificate: keyPair.certificate, privateKey: await seal(keyPair.privateKey, `sso-sp-key:${id}`) };
  } else {
    connection.oidc = await oidcSettings(id, input.oidc!);
  }
  await transact([
    ...putConnectionItems(connection),
    await enforcementItem(orgId, [...existing, connection]),
    changedAudit(ctx, connection, 'created', at),
  ]);
  return connection;
}

export async function connections(ctx: AuthedContext) {
  assertRoot(ctx.principal, 'Only the organization owner manages single sign-on.');
  const items = await listConnections(ctx.principal.orgId);
  return { items: items.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(publicConnection), nextCursor: null };
}

export async function readConnection(ctx: AuthedContext, id: string): Promise<ConnectionRecord> {
  assertRoot(ctx.principal, 'Only the organization owner manages single sign-on.');
  const connection = await getConnection(ctx.principal.orgId, id);
  if (!connection) throw notFound('No such connection.');
  return connection;
}

export async function changeConnection(ctx: AuthedContext, id: string, input: ConnectionInput, ifMatch?: number) {
  const current = await readConnection(ctx, id);
  if (ifMatch !== undefined && ifMatch !== current.version) throw preconditionFailed();
  if (input.protocol !== undefined && input.protocol !== current.protocol) throw validationFailed([{ path: 'protocol', message: 'cannot be changed' }]);
  if (current.protocol === 'saml' && input.oidc) throw validationFailed([{ path: 'oidc', message: 'this is a SAML connection' }]);
  if (current.protocol === 'oidc' && input.saml) throw validationFailed([{ path: 'saml', message: 'this is an OIDC connection' }]);
  const orgId = ctx.principal.orgId;
  const all = await listConnections(orgId);
  const next: ConnectionRecord = {
    ...current,
    name: input.name ?? current.name,
    enabled: input.enabled ?? current.enabled,
    enforce: input.enforce ?? current.enforce,
    allowIdpInitiated: input.allowIdpInitiated ?? current.allowIdpInitiated,
    jit: input.jit ?? current.jit,
    updatedAt: nowIso(),
    version: current.version + 1,
  };
  next.domains = await checkDomains(orgId, input.domains ?? current.domains, next, all);
  if (input.saml) next.saml = samlSettings(input.saml, current.saml);
  if (input.oidc) next.oidc = await oidcSettings(id, input.oidc, current.oidc);
  const changed = Object.keys(input).sort();
  await transact([
    replaceConnectionItem(next, current.version),
    await enforcementItem(orgId, all.map((connection) => (connection.id === id ? next : connection))),
    changedAudit(ctx, next, 'updated', next.updatedAt, { fields: changed }),
  ]);
  return next;
}

/**
 * Deleting a connection (shared/api/sso.md): every session it made ends, its IdP identities
 * are forgotten and its users stay, no longer managed by it. The connection goes first, in one
 * transaction with its audit event, so no new sign-in starts through it meanwhile; a tombstone
 * of it stays until the release is done. The release is idempotent and bounded by the
 * organization's users, and a deletion cut short (a timeout, a DynamoDB error) is finished by
 * the same DELETE again, which answers 204 then.
 */
export async function deleteConnection(ctx: AuthedContext, id: string): Promise<void> {
  assertRoot(ctx.principal, 'Only the organization owner manages single sign-on.');
  const orgId = ctx.principal.orgId;
  const connection = await getConnection(orgId, id);
  if (connection) {
    const all = await listConnections(orgId);
    const at = nowIso();
    await transact([
      ...deleteConnectionItems(connection, at),
      await enforcementItem(orgId, all.filter((item) => item.id !== id)),
      changedAudit(ctx, connection, 'deleted', at),
    ]);
  } else if (!(await releasingConnection(orgId, id))) {
    throw notFound('No such connection.');
  }
  await releaseConnection(ctx, orgId, id);
  await forgetConnectionOwner(id);
}

async function releaseConnection(ctx: AuthedContext, orgId: string, id: string): Promise<void> {
  const sessions = await sessionsOfConnection(orgId, id);
  const byUser = new Map<string, string[]>();
  for (const session of sessions) byUser.set(session.userId, [...(byUser.get(session.userId) ?? []), session.id]);
  for (const [userId, ids] of byUser) {
    for (const sessionId of ids) await endSession(orgId, userId, sessionId);
    const user = await getUser(orgId, userId);
    if (user) {
      await transact([
        auditItem(ctx, {
          orgId,
          action: 'session.ended',
          actor: actorOf(ctx.principal.user),
          target: { type: 'user', id: user.id, login: user.login },
          details: { userId, sessions: ids, reason: 'sso_connection_deleted' },
        }, nowIso()),
      ]);
    }
  }
  // The users index finds every user the connection manages; the identities add those a sign-in
  // wrote a moment ago, which the eventually consistent index may not show yet.
  const manager = managedBySso(id);
  const [linked, listed] = await Promise.all([deleteIdentities(orgId, id), managedUserIds(orgId, manager)]);
  for (const userId of new Set([...linked, ...listed])) {
    const user = await getUser(orgId, userId);
    if (!user || user.managedBy !== manager) continue;
    const at = nowIso();
    // Guarded by the manager, not the version: a concurrent edit of anything else still lets the
    // release through, and a user the directory took over meanwhile stays the directory's.
    const release = { set: { updatedAt: at }, remove: ['managedBy', 'ssoGroups'] };
    await transact([
      updateUser(user, { ...release, expect: { attribute: 'managedBy', value: manager } }),
      auditItem(ctx, {
        orgId,
        action: 'user.updated',
        actor: actorOf(ctx.principal.user),
        target: userTarget(user),
        details: { fields: ['managedBy'], previous: { managedBy: manager }, reason: 'sso_connection_deleted' },
        snapshot: userSnapshot(afterUpdate(user, release), user),
      }, at),
    ]).catch((error: unknown) => {
      if (!(error instanceof Problem && error.status === 412)) throw error;
    });
  }
}
