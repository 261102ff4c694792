import { afterUpdate, userSnapshot } from '../data/snapshots';
import { createHash } from 'node:crypto';
import { clock, nowIso, nowSeconds } from '../clock';
import { config } from '../config';
import type { Principal, RequestContext } from '../context';
import { auditItem, userTarget } from '../data/audit';
import { newAddressStatus } from '../data/email-status';
import { getGroupMappings } from '../data/group-mappings';
import { claimLogin } from '../data/logins';
import { getOrg, orgIdBySlug } from '../data/orgs';
import {
  type ConnectionRecord,
  type FlowRecord,
  connectionById,
  connectionExistsItem,
  consumeFlowItem,
  consumeHandleItem,
  getConnection,
  getFlow,
  getHandle,
  identityUser,
  listConnections,
  putFlow,
  putHandle,
  putIdentityItem,
  rememberAssertionItem,
  userIdByEmail,
  verifiedDomainOwner,
} from '../data/sso';
import { type TxItem, transact } from '../data/transact';
import { MANAGED_BY_SCIM, type UserRecord, claimEmail, getUser, managedBySso, newUser, putSearchItems, putUser, updateUser } from '../data/users';
import { Problem, badRequest, forbidden, notFound, unauthorized } from '../errors';
import { hashToken, newId, randomSecret, safeEqual, timeOrderedId } from '../ids';
import { logger } from '../log';
import { open } from '../auth/crypto';
import { defaultPermissions } from '../auth/permissions';
import { normalizeLogin } from '../http/schemas';
import { negotiate } from '../i18n/locales';
import { emailDomain, isConsumerDomain } from '../sso/domains';
import { OidcRefused, authorizationUrl, pkceChallenge, redeem } from '../sso/oidc/relying-party';
import { authnRequestUrl } from '../sso/saml/request';
import { SamlRefused, validateSamlResponse } from '../sso/saml/response';
import { rememberSignIn } from './abuse';
import { roleFromGroups } from './group-roles';
import { completeRequest } from './oidc';
import { oidcRedirectUri, spUrls } from './sso-admin';
import { sessionMeta, startSession, type Tokens } from './sessions';

/**
 * Signing in through an organization's own IdP (shared/api/sso.md "Signing in"). The protocol
 * rooms (shared/sso/saml, shared/sso/oidc) turn the IdP's answer into a verified subject with
 * attributes; from there on SAML and OIDC are one flow:
 *
 *   POST /v1/auth/sso/start → flow item (10 min) + gatehouse_sso cookie → IdP
 *   IdP → ACS / callback → checks → handle item (60 s) → APP_URL/sso/complete#handle=…
 *   console → POST /v1/auth/sso/complete { handle } (+ cookie) → tokens, or the app's redirect
 */
const FLOW_SECONDS = 600;
const HANDLE_SECONDS = 60;
const FLOW_PURPOSE = 'sso-flow';
const HANDLE_PURPOSE = 'sso-handle';
const STATE_PURPOSE = 'sso-state';
export const SSO_COOKIE = 'gatehouse_sso';

export type SsoErrorCode = 'sso_failed' | 'sso_denied' | 'email_domain_not_allowed' | 'user_not_provisioned' | 'user_deactivated' | 'connection_disabled';

class SignInRefused extends Error {
  constructor(
    readonly code: SsoErrorCode,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const notConfigured = () => new Problem(404, 'sso_not_configured', 'No single sign-on is set up for this address.');
const subjectHash = (subject: string) => createHash('sha256').update(subject).digest('base64url');
const completeUrl = (fragment: Record<string, string>) => `${config().APP_URL}/sso/complete#${new URLSearchParams(fragment).toString()}`;

export const ssoCookie = (secret: string) => `${SSO_COOKIE}=${secret}; Path=/v1/auth/sso; Max-Age=${FLOW_SECONDS}; Secure; HttpOnly; SameSite=Lax`;

export function ssoCookieOf(cookieHeader: string | undefined): string | undefined {
  const prefix = `${SSO_COOKIE}=`;
  return (cookieHeader ?? '').split(';').map((part) => part.trim()).find((part) => part.startsWith(prefix))?.slice(prefix.length) || undefined;
}

// ---------------------------------------------------------------- start

async function connectionForEmail(email: string): Promise<ConnectionRecord> {
  const domain = emailDomain(email);
  if (!domain || isConsumerDomain(domain)) throw notConfigured();
  const orgId = await verifiedDomainOwner(domain);
  if (!orgId) throw notConfigured();
  const found = (await listConnections(orgId)).find((connection) => connection.enabled && connection.domains.includes(domain));
  if (!found) throw notConfigured();
  return found;
}

async function connectionForOrg(slug: string, id: string): Promise<ConnectionRecord> {
  const orgId = await orgIdBySlug(slug.trim().toLowerCase());
  const found = orgId ? await getConnection(orgId, id) : undefined;
  if (!found || !found.enabled) throw notConfigured();
  return found;
}

/** Sends the browser to the IdP with a fresh request of this connection, remembered for 10 minutes. */
async function beginFlow(connection: ConnectionRecord, extra: { request?: string; testBy?: string }): Promise<{ redirectTo: string; cookie: string }> {
  const secret = randomSecret();
  const base = { connectionId: connection.id, orgId: connection.orgId, flowHash: hashToken(FLOW_PURPOSE, secret), expiresAt: nowSeconds() + FLOW_SECONDS, ...extra };
  let redirectTo: string;
  if (connection.protocol === 'saml') {
    const saml = connection.saml!;
    // An NCName (SAML IDs are xs:ID): a letter first, then 160 random bits.
    const requestId = `_${randomSecret(20)}`;
    const sp = spUrls(connection.id);
    redirectTo = await authnRequestUrl({
      requestId,
      relayState: randomSecret(16),
      ssoUrl: saml.ssoUrl,
      spEntityId: sp.entityId,
      acsUrl: sp.acsUrl,
      certificates: saml.certificates,
      signingKey: saml.signRequests ? await open(connection.sp!.privateKey, `sso-sp-key:${connection.id}`) : undefined,
    });
    await putFlow({ key: requestId, ...base });
  } else {
    const oidc = connection.oidc!;
    const state = randomSecret();
    const nonce = randomSecret();
    const verifier = randomSecret(32);
    redirectTo = authorizationUrl({
      metadata: oidc.metadata,
      clientId: oidc.clientId,
      redirectUri: oidcRedirectUri(connection.id),
      state,
      nonce,
      verifier,
      challenge: await pkceChallenge(verifier),
    });
    await putFlow({ key: hashToken(STATE_PURPOSE, state), ...base, nonce, verifier });
  }
  return { redirectTo, cookie: ssoCookie(secret) };
}

export async function startSignIn(input: { email?: string; org?: string; connection?: string; request?: string }) {
  const connection = input.email ? await connectionForEmail(input.email) : await connectionForOrg(input.org!, input.connection!);
  return beginFlow(connection, { request: input.request });
}

/** A Test sign-in: the whole flow, even on a disabled connection, ending in a report for the root who started it. */
export async function startTest(principal: Principal, connection: ConnectionRecord) {
  return beginFlow(connection, { testBy: principal.user.id });
}

// ---------------------------------------------------------------- what the IdP said, as one shape

interface Subject {
  subject: string;
  attributes: Record<string, string[]>;
}

const firstOf = (attributes: Record<string, string[]>, names: string[]) => {
  const lower = new Map(Object.entries(attributes).map(([name, values]) => [name.toLowerCase(), values]));
  for (const name of names) {
    const values = lower.get(name.toLowerCase());
    if (values?.length) return values;
  }
  return undefined;
};

/**
 * The attribute names IdPs use for email, name and groups (shared/api/sso.md "Attributes"): the
 * plain names SimpleSAMLphp, Okta and Google send, Entra's claim URIs and the LDAP OID.
 */
function profileOf(found: Subject) {
  const { attributes } = found;
  const email = firstOf(attributes, ['email', 'mail', 'emailaddress', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', 'urn:oid:0.9.2342.19200300.100.1.3'])?.[0] ?? found.subject;
  const given = firstOf(attributes, ['givenName', 'given_name', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname'])?.[0];
  const surname = firstOf(attributes, ['sn', 'surname', 'family_name', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname'])?.[0];
  const name = firstOf(attributes, ['displayName', 'name', 'http://schemas.microsoft.com/identity/claims/displayname'])?.[0]
    ?? ([given, surname].filter(Boolean).join(' ') || email);
  const groups = firstOf(attributes, ['groups', 'memberOf', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups', 'http://schemas.xmlsoap.org/claims/Group']) ?? [];
  // OIDC's `locale` claim (BCP 47, some IdPs send `en_US`); SAML IdPs send the LDAP attribute
  // preferredLanguage by name or OID. Negotiated like every language an IdP sends (api/branding.md).
  const language = firstOf(attributes, ['locale', 'preferredLanguage', 'preferred_language', 'urn:oid:2.16.840.1.113730.3.1.39'])?.[0];
  const locale = language ? negotiate([language.trim().slice(0, 35).replace(/_/g, '-')]) ?? null : null;
  return { email: email.trim().toLowerCase(), name: name.trim().slice(0, 200), groups: groups.slice(0, 200), locale };
}

/** OIDC claims as SAML-style attributes, so both protocols share one mapping. */
function claimsAsAttributes(claims: Record<string, unknown>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (typeof value === 'string') out[name] = [value];
    else if (typeof value === 'number' || typeof value === 'boolean') out[name] = [String(value)];
    else if (Array.isArray(value)) out[name] = value.filter((item): item is string => typeof item === 'string');
  }
  return out;
}

// ---------------------------------------------------------------- who signs in

interface Decision {
  outcome: 'create' | 'link' | 'existing';
  user: UserRecord;
  role: UserRecord['role'];
  permissions: string[];
  writes: TxItem[];
}

/**
 * Who this subject is in the organization, and the writes that make it so: the identity is
 * (connection, NameID/sub); else a user with the same email is linked; else JIT creates one.
 * Roles come from the organization's group mappings at every sign-in, never root, never for
 * the root.
 */
async function decide(ctx: RequestContext, connection: ConnectionRecord, found: Subject): Promise<Decision> {
  const profile = profileOf(found);
  const domain = emailDomain(profile.email);
  if (!domain || !connection.domains.includes(domain)) {
    throw new SignInRefused('email_domain_not_allowed', `The email ${profile.email} is outside the domains this connection serves.`);
  }
  const orgId = connection.orgId;
  const hash = subjectHash(found.subject);
  const [linkedId, mappings] = await Promise.all([identityUser(orgId, connection.id, hash), getGroupMappings(orgId)]);
  const mapped = roleFromGroups(mappings.items, profile.groups, connection.jit.defaultRole);
  const at = nowIso();
  const actor = { type: 'sso' as const, id: connection.id, login: `sso:${connection.name}` };

  let user = linkedId ? await getUser(orgId, linkedId) : undefined;
  let outcome: Decision['outcome'] = 'existing';
  if (!user) {
    const byEmail = await userIdByEmail(orgId, profile.email);
    user = byEmail ? await getUser(orgId, byEmail) : undefined;
    outcome = user ? 'link' : 'create';
  }
  if (user?.status === 'deactivated') throw new SignInRefused('user_deactivated', 'This user is deactivated.');
  if (outcome === 'create' && !connection.jit.enabled) {
    throw new SignInRefused('user_not_provisioned', 'No user with this email exists and just-in-time provisioning is off.');
  }

  if (outcome === 'create') {
    const [org, addressStatus] = await Promise.all([getOrg(orgId), newAddressStatus(profile.email)]);
    const role = mapped?.role ?? connection.jit.defaultRole;
    const permissions = mapped?.permissions ?? defaultPermissions(role);
    const created = newUser({
      id: newId(),
      orgId,
      login: normalizeLogin(profile.email),
      name: profile.name,
      email: profile.email,
      type: 'human',
      role,
      status: 'active',
      emailVerified: true,
      origin: `sso:${connection.name}`,
      permissions,
      locale: profile.locale,
      managedBy: managedBySso(connection.id),
      ssoGroups: profile.groups,
      ...addressStatus,
      at,
    });
    return {
      outcome,
      user: created,
      role,
      permissions,
      writes: [
        putUser(created),
        claimLogin(org!.slug, created.login, orgId, created.id),
        claimEmail(orgId, profile.email, created.id),
        ...putSearchItems(created),
        putIdentityItem(orgId, connection.id, hash, created.id),
        auditItem(ctx, { orgId, action: 'user.created', actor, target: userTarget(created), details: { type: 'human', role, permissions, origin: created.origin, via: 'sso' }, snapshot: userSnapshot(created) }, at),
      ],
    };
  }

  const existing = user!;
  // Groups never touch the root, and the directory wins over SSO: a SCIM-managed user's role
  // comes from its SCIM groups. With no mapping list, groups change nothing.
  const regranted = existing.role !== 'root' && existing.managedBy !== MANAGED_BY_SCIM;
  const role = regranted && mapped ? mapped.role : existing.role;
  const permissions = regranted && mapped ? mapped.permissions : existing.permissions ?? [];
  const set: Record<string, unknown> & Partial<UserRecord> = { ssoGroups: profile.groups, ...(regranted ? { managedBy: managedBySso(connection.id) } : {}) };
  const roleChanged = role !== existing.role || JSON.stringify([...permissions].sort()) !== JSON.stringify([...(existing.permissions ?? [])].sort());
  if (roleChanged) Object.assign(set, { role, permissions, updatedAt: at });
  const remove: string[] = [];
  if (outcome === 'link' && existing.status === 'pending') {
    // A pending invitee is proven by its IdP: active, and the invitation link dies.
    Object.assign(set, { status: 'active', emailVerified: true, updatedAt: at });
    if (existing.emailTokens.activation) remove.push('emailTokens.activation');
  }
  const update = { set, remove, bumpVersion: roleChanged || outcome === 'link' || ('managedBy' in set && set.managedBy !== existing.managedBy) };
  const writes: TxItem[] = [updateUser(existing, update)];
  if (outcome === 'link') {
    writes.push(putIdentityItem(orgId, connection.id, hash, existing.id));
    writes.push(auditItem(ctx, { orgId, action: 'sso.user_linked', actor, target: userTarget(existing), details: { connection: connection.id, nameId: found.subject } }, at));
    // The IdP accepted the invitation for the invitee: user.activated, as the activation link would.
    if (existing.status === 'pending') {
      writes.push(auditItem(ctx, { orgId, action: 'user.activated', actor, target: userTarget(existing), details: { via: 'sso' }, snapshot: userSnapshot(afterUpdate(existing, update), existing) }, at));
    }
  }
  if (roleChanged) {
    // The directory's shapes (scim-groups.ts syncUsers, sso-roles.ts); the event reads the snapshot.
    const before = existing.permissions ?? [];
    const added = permissions.filter((name) => !before.includes(name));
    const removed = before.filter((name) => !permissions.includes(name));
    const snapshot = userSnapshot(afterUpdate(existing, update), existing);
    if (role !== existing.role) {
      writes.push(auditItem(ctx, { orgId, action: 'user.role_changed', actor, target: userTarget(existing), details: { roleFrom: existing.role, roleTo: role, groups: profile.groups }, snapshot }, at));
    }
    if (added.length || removed.length) {
      writes.push(auditItem(ctx, { orgId, action: 'user.permissions_changed', actor, target: userTarget(existing), details: { added, removed, groups: profile.groups }, snapshot }, at));
    }
  }
  return { outcome, user: { ...existing, role, permissions }, role, permissions, writes };
}

// ---------------------------------------------------------------- the answer comes back

interface Answer {
  connection: ConnectionRecord;
  flow?: FlowRecord;
  found: Subject;
  /** What must be written for the answer to count as used: its flow and, for SAML, its assertion id. */
  useUp: TxItem[];
}

const usedUp = () => new SignInRefused('sso_failed', 'This answer was already used.');

/** Where the browser goes after the IdP: the console, with a one-time handle or an error code. */
async function conclude(ctx: RequestContext, connection: ConnectionRecord, testFlow: FlowRecord | undefined, run: () => Promise<Answer>): Promise<string> {
  let answer: Answer | undefined;
  let flow = testFlow;
  try {
    answer = await run();
    flow = answer.flow;
    if (!connection.enabled && !flow?.testBy) throw new SignInRefused('connection_disabled', 'This connection is disabled.');
    const { found } = answer;
    if (flow?.testBy) return await reportTest(ctx, connection, flow, found, answer.useUp);
    const decision = await decide(ctx, connection, found);
    const at = nowIso();
    await transact([
      ...answer.useUp,
      connectionExistsItem(connection, () => new SignInRefused('connection_disabled', 'This connection was deleted.')),
      ...decision.writes,
      auditItem(ctx, {
        orgId: connection.orgId,
        action: 'sso.signed_in',
        actor: { id: connection.id, login: `sso:${connection.name}` },
        target: userTarget(decision.user),
        details: { connection: connection.id, nameId: found.subject, outcome: decision.outcome === 'create' ? 'jit' : decision.outcome === 'link' ? 'linked' : 'existing', role: decision.role },
      }, at),
    ]);
    const handle = randomSecret();
    await putHandle({
      hash: hashToken(HANDLE_PURPOSE, handle),
      orgId: connection.orgId,
      flowHash: flow?.flowHash ?? null,
      outcome: { kind: 'signin', userId: decision.user.id, connectionId: connection.id, ...(flow?.request ? { request: flow.request } : {}) },
      expiresAt: nowSeconds() + HANDLE_SECONDS,
    });
    return completeUrl({ handle });
  } catch (error) {
    const refused = error instanceof SamlRefused || error instanceof OidcRefused || error instanceof SignInRefused
      ? { code: (error.code === 'invalid_issuer' ? 'sso_failed' : error.code) as SsoErrorCode, reason: error.reason }
      : undefined;
    if (!refused) throw error;
    if (flow?.testBy) return reportTest(ctx, connection, flow, answer?.found, [], refused);
    await transact([
      auditItem(ctx, {
        orgId: connection.orgId,
        action: 'sso.sign_in_failed',
        actor: null,
        target: { type: 'org', id: connection.orgId },
        details: { connection: connection.id, error: refused.code, reason: refused.reason },
      }, nowIso()),
    ]).catch((auditError: unknown) => logger.error('sso refusal not audited', { error: auditError }));
    logger.info('sso.sign_in_failed', { connection: connection.id, error: refused.code });
    return completeUrl({ error: refused.code });
  }
}

/** The Test sign-in's report: what the IdP sent and what Gatehouse would do, with no user or session made. */
async function reportTest(ctx: RequestContext, connection: ConnectionRecord, flow: FlowRecord, found: Subject | undefined, useUp: TxItem[], refused?: { code: SsoErrorCode; reason: string }): Promise<string> {
  const profile = found ? profileOf(found) : undefined;
  let verdict: Record<string, unknown> = refused ? { ok: false, error: refused.code, reason: refused.reason } : { ok: true };
  if (!refused && found) {
    try {
      const decision = await decide(ctx, connection, found);
      verdict = { ok: true, outcome: decision.outcome, role: decision.role };
    } catch (error) {
      if (!(error instanceof SignInRefused)) throw error;
      verdict = { ok: false, error: error.code, reason: error.reason };
    }
  }
  if (useUp.length) await transact(useUp).catch(() => undefined);
  const handle = randomSecret();
  await putHandle({
    hash: hashToken(HANDLE_PURPOSE, handle),
    orgId: connection.orgId,
    flowHash: flow.flowHash,
    outcome: {
      kind: 'test',
      testBy: flow.testBy,
      report: {
        ...verdict,
        subject: found?.subject ?? null,
        email: profile?.email ?? null,
        name: profile?.name ?? null,
        groups: profile?.groups ?? [],
        attributes: found?.attributes ?? {},
      },
    },
    expiresAt: nowSeconds() + HANDLE_SECONDS,
  });
  return completeUrl({ handle });
}

/** POST /sso/saml/{id}/acs. An unknown id is a 404 (a page); everything else lands on the console. */
export async function samlAcs(ctx: RequestContext, connectionId: string, samlResponse: string): Promise<string> {
  const connection = await connectionById(connectionId);
  if (!connection || connection.protocol !== 'saml') throw notFound('No such single sign-on connection.');
  // Only to report a Test sign-in's failure: the unverified InResponseTo picks the flow, which is not used up.
  const claimed = /InResponseTo="(_[A-Za-z0-9_-]{1,64})"/.exec(Buffer.from(samlResponse.slice(0, 8192), 'base64').toString('latin1'))?.[1];
  const testFlow = claimed ? await getFlow(claimed).then((flow) => (flow?.testBy && flow.connectionId === connectionId ? flow : undefined)) : undefined;
  let flow: FlowRecord | undefined = testFlow;
  return conclude(ctx, connection, testFlow, async () => {
    const sp = spUrls(connection.id);
    const validated = await validateSamlResponse(samlResponse, {
      idpEntityId: connection.saml!.entityId,
      certificates: connection.saml!.certificates,
      spEntityId: sp.entityId,
      acsUrl: sp.acsUrl,
      decryptionKey: await open(connection.sp!.privateKey, `sso-sp-key:${connection.id}`),
    }, clock.now());
    if (validated.inResponseTo) {
      flow = await getFlow(validated.inResponseTo);
      if (!flow || flow.connectionId !== connection.id || flow.expiresAt <= nowSeconds()) {
        throw new SamlRefused('sso_failed', 'The answer does not answer a pending request of this connection (InResponseTo).');
      }
    } else if (!connection.allowIdpInitiated) {
      throw new SamlRefused('sso_failed', 'Unsolicited (IdP-initiated) answers are not allowed for this connection.');
    }
    return {
      connection,
      flow,
      found: { subject: validated.nameId, attributes: validated.attributes },
      useUp: [
        rememberAssertionItem(connection.id, subjectHash(validated.assertionId), validated.rememberUntil, usedUp),
        ...(flow ? [consumeFlowItem(flow, usedUp)] : []),
      ],
    };
  });
}

/** GET /sso/oidc/{id}/callback: `state` is matched (issued for this connection, unused) before the code is redeemed. */
export async function oidcCallback(ctx: RequestContext, connectionId: string, rawQuery: string): Promise<string> {
  const connection = await connectionById(connectionId);
  if (!connection || connection.protocol !== 'oidc') throw notFound('No such single sign-on connection.');
  const query = new URLSearchParams(rawQuery);
  const state = query.get('state');
  const flow = state ? await getFlow(hashToken(STATE_PURPOSE, state)) : undefined;
  const live = flow && flow.connectionId === connection.id && flow.expiresAt > nowSeconds() ? flow : undefined;
  return conclude(ctx, connection, live?.testBy ? live : undefined, async () => {
    if (!live || !state) throw new OidcRefused('sso_failed', 'The answer does not answer a pending request of this connection (state).');
    if (query.get('error')) throw new OidcRefused('sso_denied', `The identity provider answered ${query.get('error')!.slice(0, 100)}.`);
    const oidc = connection.oidc!;
    const callbackUrl = new URL(`${oidcRedirectUri(connection.id)}?${rawQuery}`);
    const identity = await redeem({
      metadata: oidc.metadata,
      clientId: oidc.clientId,
      clientSecret: await open(oidc.clientSecret, `sso-client-secret:${connection.id}`),
      callbackUrl,
      state,
      nonce: live.nonce!,
      verifier: live.verifier!,
    });
    return { connection, flow: live, found: { subject: identity.sub, attributes: claimsAsAttributes(identity.claims) }, useUp: [consumeFlowItem(live, usedUp)] };
  });
}

// ---------------------------------------------------------------- the console completes

const invalidHandle = () => badRequest('invalid_handle', 'This sign-in link is unknown, was already used or has expired.');

export async function completeSignIn(ctx: RequestContext, input: { handle: string; cookie?: string; principal?: Principal }): Promise<Tokens | { redirectTo: string } | { test: unknown }> {
  const hash = hashToken(HANDLE_PURPOSE, input.handle);
  const handle = await getHandle(hash);
  if (!handle || handle.expiresAt <= nowSeconds()) throw invalidHandle();
  // An SP-initiated handle works only in the browser that started the flow (a stolen fragment is useless elsewhere).
  if (handle.flowHash && !(input.cookie && safeEqual(hashToken(FLOW_PURPOSE, input.cookie), handle.flowHash))) throw invalidHandle();
  const outcome = handle.outcome as { kind: 'signin'; userId: string; connectionId: string; request?: string } | { kind: 'test'; testBy: string; report: unknown };
  if (outcome.kind === 'test') {
    if (!input.principal) throw unauthorized('Sign in as the owner who started the test.');
    if (input.principal.user.id !== outcome.testBy || input.principal.orgId !== handle.orgId) throw forbidden('Only the owner who started this test sees its result.');
    await transact([consumeHandleItem(hash, invalidHandle)]);
    return { test: outcome.report };
  }
  await transact([consumeHandleItem(hash, invalidHandle)]);
  const user = await getUser(handle.orgId, outcome.userId);
  if (!user || user.status !== 'active') throw invalidHandle();
  // A completed SSO sign-in is a sign-in like any other: the browser gets the device cookie,
  // so a later password or passkey attempt from it is judged by its own failures, not the lock.
  await rememberSignIn(ctx, user);
  const meta = { ...sessionMeta(ctx, { mfa: false }), idp: outcome.connectionId };
  if (outcome.request) {
    // The app's pending request: the browser's own Gatehouse session is made, and the app gets its code from it.
    // Time-ordered like every session id: within a second the 50-session cap ends the oldest by id.
    const sessionId = timeOrderedId();
    await startSession(user, { ...meta, client: 'console', sessionId });
    return completeRequest(ctx, outcome.request, { orgId: user.orgId, user, sessionId });
  }
  return startSession(user, meta);
}
