import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../shared/config';
import { routes, type Route } from '../../shared/http/routes';
import { newServiceProviderKeyPair } from '../../shared/sso/saml/certificates';
import { type TxtServer, startTxtServer } from '../support/dns-server';
import { testDomain, verifiedDomain } from '../support/sso';
import { addMember, verifiedOrg, type Member } from '../support/factories';
import { useApi } from '../support/api';

/**
 * PRODUCT.md's permission table, cell by cell, for every authenticated route of the route
 * table: "allowed" means the request passed authorisation (any answer but 401/403/404),
 * "forbidden" means 403. A new route without a row here fails the first test.
 */
type Role = 'root' | 'admin' | 'developer';
type Expect = 'allowed' | 'forbidden';
type Row = Record<Role, Expect>;
const everyone: Row = { root: 'allowed', admin: 'allowed', developer: 'allowed' };
const rootAndAdmin: Row = { root: 'allowed', admin: 'allowed', developer: 'forbidden' };
const rootOnly: Row = { root: 'allowed', admin: 'forbidden', developer: 'forbidden' };

const MATRIX: Record<string, Row> = {
  getMe: everyone, patchMe: everyone, resendVerification: everyone, changePassword: everyone,
  startTotpEnrolment: everyone, confirmTotpEnrolment: everyone, disableTotp: everyone, regenerateRecoveryCodes: everyone,
  listMyApiTokens: everyone, createMyApiToken: everyone, revokeMyApiToken: everyone,
  getOrg: everyone, patchOrg: rootAndAdmin, listAuditEvents: rootAndAdmin,
  listUsers: rootAndAdmin, inviteUser: rootAndAdmin, getUser: rootAndAdmin,
  patchUser: rootOnly, deleteUser: rootOnly,
  reissueActivation: rootAndAdmin, revokeActivation: rootAndAdmin,
  issuePasswordReset: rootOnly, revokePasswordReset: rootOnly, resetUserMfa: rootOnly,
  listUserApiTokens: rootAndAdmin, createUserApiToken: rootOnly, revokeUserApiToken: rootOnly,
  getBilling: rootOnly, putBilling: rootOnly, listInvoices: rootAndAdmin, transferOwnership: rootOnly,
  listPermissions: everyone,
  // OpenID Connect (issue 14): every signed-in person reads their own claims.
  userinfo: everyone,
  listMySessions: everyone, endMySessions: everyone,
  listUserSessions: rootOnly, endUserSessions: rootOnly, endOrgSessions: rootOnly,
  importUsers: rootOnly, exportUsers: rootOnly,
  // Passkeys (issue 29): own ones for everyone; root manages others', admins only see them.
  passkeyCreationOptions: everyone, registerPasskey: everyone, listMyPasskeys: everyone, renameMyPasskey: everyone, removeMyPasskey: everyone,
  listUserPasskeys: rootAndAdmin, removeUserPasskey: rootOnly,
  // Enterprise single sign-on (issue 31): only the root sets it up.
  claimDomain: rootOnly, listDomains: rootOnly, verifyDomain: rootOnly, removeDomain: rootOnly,
  createConnection: rootOnly, listConnections: rootOnly, getConnection: rootOnly, patchConnection: rootOnly,
  deleteConnection: rootOnly, testConnection: rootOnly,
  // Events and webhooks (issue 27).
  listEvents: rootAndAdmin, listEventTypes: rootAndAdmin,
  createWebhook: rootOnly, listWebhooks: rootOnly, getWebhook: rootOnly, patchWebhook: rootOnly, deleteWebhook: rootOnly,
  rotateWebhookSecret: rootOnly, listWebhookDeliveries: rootOnly, getWebhookDelivery: rootOnly, retryWebhookDelivery: rootOnly, testWebhook: rootOnly,
  // Branding and email templates (issue 30): the owner's alone.
  getBranding: rootOnly, putBranding: rootOnly, listEmailTemplates: rootOnly, getEmailTemplate: rootOnly,
  putEmailTemplate: rootOnly, deleteEmailTemplate: rootOnly, previewEmailTemplate: rootOnly,
  // SCIM provisioning (issue 28): admins read the settings, only root changes them.
  getScimSettings: rootAndAdmin, patchScimSettings: rootOnly,
  listScimTokens: rootOnly, createScimToken: rootOnly, revokeScimToken: rootOnly,
  listScimGroupNames: rootAndAdmin, getGroupMappings: rootAndAdmin, putGroupMappings: rootOnly,
};

const api = useApi();
let org: Awaited<ReturnType<typeof verifiedOrg>>;
let other: Awaited<ReturnType<typeof verifiedOrg>>;
let members: Record<Role, { token: string; member?: Member }>;
let counter = 0;
let dns: TxtServer;
let ssoDomain = '';
const idpCertificate = newServiceProviderKeyPair('Matrix IdP', new Date()).certificate;
const samlConnection = () => ({
  name: `matrix-${++counter}`, protocol: 'saml', enabled: false, domains: [ssoDomain], jit: { enabled: false, defaultRole: 'developer' },
  saml: { entityId: 'https://idp.matrix.test', ssoUrl: 'http://127.0.0.1:9/sso', certificates: [idpCertificate] },
});

afterAll(async () => {
  await dns?.stop();
  delete process.env.GATEHOUSE_DNS_SERVER;
  resetConfig();
});

beforeAll(async () => {
  dns = await startTxtServer();
  process.env.GATEHOUSE_DNS_SERVER = dns.address;
  resetConfig();
  org = await verifiedOrg(api);
  ssoDomain = (await verifiedDomain(api, dns, org.rootToken)).domain;
  other = await verifiedOrg(api);
  const admin = await addMember(api, org, org.rootToken, 'admin');
  const developer = await addMember(api, org, org.rootToken, 'developer');
  members = { root: { token: org.rootToken }, admin: { token: admin.accessToken, member: admin }, developer: { token: developer.accessToken, member: developer } };
}, 120_000);

/** A fresh developer to act on: a pending person, or (for API-token routes) a service account. */
async function freshTarget(inOrg: { rootToken: string; slug: string }, kind: 'person' | 'service') {
  counter += 1;
  const body = kind === 'service'
    ? { type: 'service', login: `svc-${counter}`, name: 'Target', role: 'developer' }
    : { login: `target-${counter}`, name: 'Target', email: `target-${counter}@${inOrg.slug}.example.com`, role: 'developer' };
  const created = await api.request('POST', '/v1/users', { token: inOrg.rootToken, body });
  if (created.status !== 201) throw new Error(created.text);
  return { id: created.body.user.id as string, login: created.body.user.login as string, tokenId: created.body.apiToken?.id as string | undefined };
}

const SAMPLE_BODIES: Record<string, (role: Role) => unknown> = {
  patchMe: () => ({ name: 'Matrix' }),
  changePassword: () => ({ currentPassword: 'not the current password', newPassword: 'whatever new passphrase' }),
  confirmTotpEnrolment: () => ({ code: '000000' }),
  disableTotp: () => ({ password: 'not the password at all' }),
  regenerateRecoveryCodes: () => ({ code: '000000' }),
  createMyApiToken: () => ({ name: 'matrix' }),
  patchOrg: () => ({ name: 'Matrix Org' }),
  inviteUser: () => ({ login: `inv-${++counter}`, name: 'Invitee', email: `inv-${counter}@example.com`, role: 'developer' }),
  patchUser: () => ({ name: 'Edited' }),
  createUserApiToken: () => ({ name: 'matrix' }),
  putBilling: () => ({ plan: 'team', billingEmail: 'billing@example.com' }),
  putBranding: () => ({ defaultLocale: 'en', displayName: 'Matrix' }),
  putEmailTemplate: () => ({ subject: 'Welcome to {{ org.name }}', text: 'Start here: {{ link }}' }),
  previewEmailTemplate: () => ({}),
  importUsers: () => ({ users: [{ login: `imp-${++counter}`, name: 'Imported', email: `imp-${counter}@example.com`, role: 'developer' }], dryRun: true }),
  // A wrong password: authorisation passes, re-authentication fails (403 reauthentication_failed).
  transferOwnership: () => ({ userId: '00000000-0000-0000-0000-000000000000', password: 'not the password here' }),
  // The right password and an id that is no session: allowed, and ends nothing the matrix needs.
  endMySessions: (role) => ({ sessions: [randomUUID()], password: role === 'root' ? org.root.password : members[role].member!.password }),
  // A wrong password: a root passes authorisation and fails re-authentication, so no one is signed out.
  endOrgSessions: () => ({ password: 'not the password here' }),
  claimDomain: () => ({ domain: testDomain('matrix') }),
  createConnection: () => samlConnection(),
  patchConnection: () => ({ name: 'Renamed' }),
  createWebhook: () => ({ url: 'https://example.com/hook', events: ['*'] }),
  patchWebhook: () => ({ description: 'matrix' }),
  rotateWebhookSecret: () => ({}),
  patchScimSettings: () => ({ defaultRole: 'developer' }),
  createScimToken: () => ({ name: 'matrix' }),
  putGroupMappings: () => ({ items: [] }),
};

/** The root acts on an SSO domain or connection of its own (made fresh, so a delete spoils nothing); others never get that far. */
async function ssoTarget(route: Route, role: Role): Promise<string | undefined> {
  if (!route.path.startsWith('/v1/org/domains/{id}') && !route.path.startsWith('/v1/org/sso/connections/{id}')) return undefined;
  if (role !== 'root') return randomUUID();
  const made = route.path.startsWith('/v1/org/domains/')
    ? await api.request('POST', '/v1/org/domains', { token: org.rootToken, body: { domain: testDomain('matrix') } })
    : await api.request('POST', '/v1/org/sso/connections', { token: org.rootToken, body: samlConnection() });
  if (made.status !== 201) throw new Error(made.text);
  return made.body.id as string;
}

/** A webhook endpoint of the organization (one kept for reading, a fresh one to delete) and a delivery of it. */
const keptWebhooks = new Map<string, string>();
async function webhookTarget(inOrg: { rootToken: string }, fresh: boolean) {
  let id = fresh ? undefined : keptWebhooks.get(inOrg.rootToken);
  if (!id) {
    const created = await api.request('POST', '/v1/org/webhooks', { token: inOrg.rootToken, body: { url: 'https://example.com/matrix', events: ['*'] } });
    if (created.status !== 201) throw new Error(created.text);
    id = created.body.id as string;
    if (!fresh) keptWebhooks.set(inOrg.rootToken, id);
  }
  const test = await api.request('POST', `/v1/org/webhooks/${id}/test`, { token: inOrg.rootToken });
  return { id, deliveryId: test.body.id as string };
}

async function requestFor(route: Route, role: Role, inOrg: typeof org | undefined, idOverride?: string) {
  const token = members[role].token;
  if (route.path.startsWith('/v1/org/webhooks/{id}')) {
    const webhook = await webhookTarget(inOrg ?? org, route.operation === 'deleteWebhook');
    const path = route.path.replace('{id}', idOverride ?? webhook.id).replace('{deliveryId}', webhook.deliveryId);
    return api.request(route.method, path, { token, body: SAMPLE_BODIES[route.operation]?.(role) });
  }
  const kind = route.path.includes('api-tokens') ? 'service' : 'person';
  const sso = idOverride ? undefined : await ssoTarget(route, role);
  const target = route.path.includes('{id}') && !sso ? await freshTarget(org, kind) : undefined;
  let path: string = route.path.replace('{id}', idOverride ?? sso ?? target?.id ?? '').replace('{type}', 'invitation').replace('{locale}', 'de');
  if (route.path.includes('{tokenId}')) {
    let tokenId = target?.tokenId;
    if (route.operation === 'revokeScimToken') {
      tokenId = (await api.request('POST', '/v1/org/scim/tokens', { token: org.rootToken, body: { name: 'to revoke' } })).body.id;
    } else if (!route.path.includes('{id}')) {
      tokenId = (await api.request('POST', '/v1/me/api-tokens', { token, body: { name: 'to revoke' } })).body.id;
    }
    path = path.replace('{tokenId}', tokenId!);
  }
  if (route.operation === 'deleteUser') path += `?confirm=${target?.login}`;
  // No passkey exists here (APP_URL is an IP address in tests): past authorisation, the id is simply unknown.
  path = path.replace('{passkeyId}', randomUUID());
  const body = SAMPLE_BODIES[route.operation]?.(role);
  void inOrg;
  return api.request(route.method, path, { token, body });
}

const userRoutes = routes.filter((route) => route.auth === 'user');

describe('role matrix', () => {
  it('has a row for every authenticated route', () => {
    expect(userRoutes.map((route) => route.operation).sort()).toEqual(Object.keys(MATRIX).sort());
  });

  for (const route of userRoutes) {
    for (const role of ['root', 'admin', 'developer'] as const) {
      it(`${route.method} ${route.path} as ${role}: ${MATRIX[route.operation]?.[role]}`, async () => {
        const answer = await requestFor(route, role, org);
        if (MATRIX[route.operation]![role] === 'forbidden') {
          expect(answer.status, answer.text).toBe(403);
          expect(answer.body.code).toBe('forbidden');
        } else {
          // Past authorisation: anything but 401/404 and a `forbidden` 403 (a wrong password is 403 too),
          // except the 404 of a passkey id that names none of the target's passkeys.
          const unknownPasskey = route.path.includes('{passkeyId}') && answer.status === 404 && answer.body.detail === 'No such passkey.';
          if (!unknownPasskey) expect([401, 404], answer.text).not.toContain(answer.status);
          expect(answer.body?.code, answer.text).not.toBe('forbidden');
          expect(answer.status, answer.text).toBeLessThan(500);
        }
      });
    }

    if (route.path.includes('{id}')) {
      it(`${route.method} ${route.path}: another organization's id answers as a missing one, for every role`, async () => {
        for (const role of ['root', 'admin', 'developer'] as const) {
          const webhook = route.path.startsWith('/v1/org/webhooks/');
          const foreign = webhook ? await webhookTarget(other, false) : await freshTarget(other, route.path.includes('api-tokens') ? 'service' : 'person');
          const foreignAnswer = await requestFor(route, role, webhook ? org : other, foreign.id);
          const missingAnswer = await requestFor(route, role, org, randomUUID());
          expect(foreignAnswer.status, `${role}: ${foreignAnswer.text}`).toBe(missingAnswer.status);
          expect([403, 404]).toContain(foreignAnswer.status);
          if (MATRIX[route.operation]![role] === 'allowed') expect(foreignAnswer.status).toBe(404);
        }
      });
    }
  }
});
