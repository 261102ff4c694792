import { createServer, type Server } from 'node:http';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nowIso } from '../../shared/clock';
import { resetConfig } from '../../shared/config';
import { deleteConnectionItems, getConnection } from '../../shared/data/sso';
import { transact } from '../../shared/data/transact';
import { addressAllowed } from '../../shared/events/addresses';
import { lastEmailTo, tokenFromEmail, useApi } from '../support/api';
import { loginAs, signUpOrg } from '../support/factories';
import { scim, scimUser } from '../support/scim';
import { suppress } from '../support/ses-events';
import { type TxtServer, startTxtServer } from '../support/dns-server';
import { type Forgery, authnRequestOf, forge, newKeyPair } from '../support/saml-forger';
import { fragmentOf, postToAcs, ssoCookie, ssoOrg, testDomain, verifiedDomain } from '../support/sso';

/**
 * What an SSO sign-in leaves behind, and for how long: the tokens it yields (`amr: ["ext"]`,
 * `idp`), the role its groups give through the organization's mapping list, the IdP's hold on
 * the user (409 `managed_by_idp`) and its release when the connection is deleted, the language
 * the IdP names, and the addresses an admin may point Gatehouse at. samlify signs the answers
 * (test/support/saml-forger.ts); everything else is the real handlers on DynamoDB Local.
 */
const api = useApi();
let dns: TxtServer;
const idp = { entityId: 'https://idp.lifecycle.test/saml', keys: newKeyPair('Lifecycle IdP') };
type Org = Awaited<ReturnType<typeof ssoOrg>>;
type Connection = { id: string; sp: { entityId: string; acsUrl: string } };

async function createSaml(org: Org, extra: Record<string, unknown> = {}): Promise<Connection> {
  const answer = await api.request('POST', '/v1/org/sso/connections', {
    token: org.rootToken,
    body: {
      name: 'Lifecycle Okta',
      protocol: 'saml',
      saml: { entityId: idp.entityId, ssoUrl: 'http://127.0.0.1:9/saml/sso', certificates: [idp.keys.certificate] },
      domains: [org.domain],
      jit: { enabled: true, defaultRole: 'developer' },
      ...extra,
    },
  });
  if (answer.status !== 201) throw new Error(`connection failed: ${answer.status} ${answer.text}`);
  return answer.body;
}

/** One whole SP-initiated sign-in: start, the IdP's signed answer at the ACS, the console's completion. */
async function signIn(org: Org, connection: Connection, person: { nameId: string; attributes: Forgery['attributes'] }) {
  const email = person.attributes!.email![0]!;
  const started = await api.request('POST', '/v1/auth/sso/start', { body: { email } });
  expect(started.status, started.text).toBe(200);
  const request = authnRequestOf(started.body.redirectTo);
  const response = await forge(idp, {
    inResponseTo: request.id,
    destination: connection.sp.acsUrl,
    audience: connection.sp.entityId,
    issuer: idp.entityId,
    nameId: person.nameId,
    attributes: person.attributes,
  });
  const acs = await postToAcs(api, connection.id, response);
  const handle = fragmentOf(acs.location).get('handle');
  expect(handle, acs.location ?? '').toBeTruthy();
  const done = await api.request('POST', '/v1/auth/sso/complete', { body: { handle }, headers: { cookie: ssoCookie(started.headers) } });
  expect(done.status, done.text).toBe(200);
  // A completed SSO sign-in sets the device cookie like a password sign-in (api/production.md "Device cookie").
  const device = done.headers.getSetCookie().find((cookie) => cookie.startsWith('__Host-gatehouse-device='));
  expect(device, 'no device cookie').toMatch(/^__Host-gatehouse-device=[^;]+; Path=\/; Max-Age=\d+; Secure; HttpOnly; SameSite=Strict$/);
  return done.body as { accessToken: string; refreshToken: string };
}

/** An organization whose root's own address is in its verified domain, so the root can come through the IdP too. */
async function orgOwnedInDomain(): Promise<Org> {
  const domain = testDomain('own');
  const org = await signUpOrg(api, { email: `owner@${domain}` });
  const verified = await api.request('POST', '/v1/auth/verify-email', { body: { token: tokenFromEmail(await lastEmailTo(org.root.email)) } });
  expect(verified.status).toBe(204);
  const tokens = await loginAs(api, org.slug, org.root.login, org.root.password);
  await verifiedDomain(api, dns, tokens.accessToken, domain);
  return { ...org, rootToken: tokens.accessToken, rootRefresh: tokens.refreshToken, domain };
}

const meOf = async (token: string) => (await api.request('GET', '/v1/me', { token })).body;

beforeAll(async () => {
  dns = await startTxtServer();
  process.env.GATEHOUSE_DNS_SERVER = dns.address;
  resetConfig();
}, 60_000);

afterAll(async () => {
  await dns.stop();
  delete process.env.GATEHOUSE_DNS_SERVER;
  resetConfig();
});

describe('tokens of an SSO sign-in', () => {
  it('carry amr ["ext"] and the connection as idp, signed like every access token, and keep them across refreshes', async () => {
    const org = await ssoOrg(api, dns);
    const connection = await createSaml(org);
    const tokens = await signIn(org, connection, { nameId: 'okta|tom', attributes: { email: [`tom@${org.domain}`] } });
    const jwks = createRemoteJWKSet(new URL(`${api.url}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(tokens.accessToken, jwks, { issuer: process.env.JWT_ISSUER, audience: process.env.JWT_AUDIENCE, algorithms: ['RS256'] });
    expect(payload).toMatchObject({ amr: ['ext'], idp: connection.id });
    const refreshed = await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: tokens.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.accessToken)).toMatchObject({ amr: ['ext'], idp: connection.id });
    // A password sign-in of the same organization names no IdP.
    expect(decodeJwt(org.rootToken).idp).toBeUndefined();
    expect(decodeJwt(org.rootToken).amr).toEqual(['pwd']);
  });
});

describe('roles from IdP groups', () => {
  it('give the highest mapped role at each sign-in, follow the list when it changes, never touch the root, and lock the role against edits by hand', async () => {
    const org = await orgOwnedInDomain();
    const connection = await createSaml(org);
    const mapped = await api.request('PUT', '/v1/org/group-mappings', {
      token: org.rootToken,
      body: { items: [{ group: 'Platform-Admins', role: 'admin', permissions: ['logs:read'] }, { group: 'Engineering', role: 'developer', permissions: ['flows:edit'] }] },
    });
    expect(mapped.status, mapped.text).toBe(200);
    const uma = { nameId: 'okta|uma', attributes: { email: [`uma@${org.domain}`], groups: ['engineering', 'platform-admins'] } };

    const first = await signIn(org, connection, uma);
    const me = await meOf(first.accessToken);
    expect(me).toMatchObject({ role: 'admin', managedBy: `sso:${connection.id}` });
    expect([...me.permissions].sort()).toEqual(['flows:edit', 'logs:read']);
    expect(decodeJwt(first.accessToken).role).toBe('admin');

    // The next sign-in with fewer groups takes the role away again.
    const second = await signIn(org, connection, { ...uma, attributes: { ...uma.attributes, groups: ['Engineering'] } });
    expect(await meOf(second.accessToken)).toMatchObject({ role: 'developer', permissions: ['flows:edit'] });
    const atSignIn = await api.request('GET', '/v1/audit-events?action=user.role_changed', { token: org.rootToken });
    expect(atSignIn.body.items[0]).toMatchObject({ target: { id: me.id }, details: { roleFrom: 'admin', roleTo: 'developer', groups: ['Engineering'] } });
    const lost = await api.request('GET', '/v1/audit-events?action=user.permissions_changed', { token: org.rootToken });
    expect(lost.body.items[0]).toMatchObject({ target: { id: me.id }, details: { added: [], removed: ['logs:read'] } });

    // While mappings exist, the IdP owns role and permissions: 409 managed_by_idp, nothing changed.
    const refused = await api.request('PATCH', `/v1/users/${me.id}`, { token: org.rootToken, body: { role: 'admin' } });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body.code).toBe('managed_by_idp');
    const perms = await api.request('PATCH', `/v1/users/${me.id}`, { token: org.rootToken, body: { permissions: ['logs:read'] } });
    expect(perms.body.code).toBe('managed_by_idp');
    expect((await api.request('GET', `/v1/users/${me.id}`, { token: org.rootToken })).body).toMatchObject({ role: 'developer', permissions: ['flows:edit'] });

    // A change of the list recomputes her from the groups of her last sign-in, without one.
    const remapped = await api.request('PUT', '/v1/org/group-mappings', {
      token: org.rootToken,
      body: { items: [{ group: 'engineering', role: 'admin', permissions: ['settings:write'] }] },
    });
    expect(remapped.status).toBe(200);
    expect((await api.request('GET', `/v1/users/${me.id}`, { token: org.rootToken })).body).toMatchObject({ role: 'admin', permissions: ['settings:write'] });
    const audit = await api.request('GET', '/v1/audit-events?action=user.role_changed', { token: org.rootToken });
    expect(audit.body.items[0]).toMatchObject({ target: { id: me.id }, details: { roleFrom: 'developer', roleTo: 'admin', groups: ['Engineering'] } });

    // The root signing in through the IdP stays root and unmanaged, whatever its groups map to.
    const root = await signIn(org, connection, { nameId: 'okta|root', attributes: { email: [org.root.email], groups: ['Engineering'] } });
    expect(await meOf(root.accessToken)).toMatchObject({ role: 'root', managedBy: null, id: org.root.id });

    // With an empty list groups decide nothing, and root edits by hand again.
    await api.request('PUT', '/v1/org/group-mappings', { token: org.rootToken, body: { items: [] } });
    const byHand = await api.request('PATCH', `/v1/users/${me.id}`, { token: org.rootToken, body: { role: 'developer' } });
    expect(byHand.status, byHand.text).toBe(200);
  });
});

describe('the directory and SSO together', () => {
  it('a SCIM-managed user signing in through SSO stays the directory’s: its role comes from SCIM, not from the SSO groups', async () => {
    const org = await ssoOrg(api, dns);
    const connection = await createSaml(org);
    const token = await api.request('POST', '/v1/org/scim/tokens', { token: org.rootToken, body: { name: 'Okta' } });
    expect(token.status).toBe(201);
    await api.request('PUT', '/v1/org/group-mappings', { token: org.rootToken, body: { items: [{ group: 'Admins', role: 'admin' }] } });
    const created = await scim(api, token.body.token)('POST', '/Users', scimUser(`xia@${org.domain}`));
    expect(created.status, created.text).toBe(201);
    const tokens = await signIn(org, connection, { nameId: 'okta|xia', attributes: { email: [`xia@${org.domain}`], groups: ['Admins'] } });
    const me = await meOf(tokens.accessToken);
    expect(me).toMatchObject({ id: created.body.id, managedBy: 'scim', role: 'developer' });
    // The SSO sign-in still marks its session: the tokens name the connection.
    expect(decodeJwt(tokens.accessToken)).toMatchObject({ amr: ['ext'], idp: connection.id });
    // Deleting the connection leaves the directory's user as the directory's.
    expect((await api.request('DELETE', `/v1/org/sso/connections/${connection.id}`, { token: org.rootToken })).status).toBe(204);
    expect((await api.request('GET', `/v1/users/${me.id}`, { token: org.rootToken })).body.managedBy).toBe('scim');
  });
});

describe('deleting a connection', () => {
  it('releases the users it managed (managedBy back to null) and ends their sessions', async () => {
    const org = await ssoOrg(api, dns);
    const connection = await createSaml(org);
    await api.request('PUT', '/v1/org/group-mappings', { token: org.rootToken, body: { items: [{ group: 'Ops', role: 'admin' }] } });
    const tokens = await signIn(org, connection, { nameId: 'okta|val', attributes: { email: [`val@${org.domain}`], groups: ['Ops'] } });
    const val = await meOf(tokens.accessToken);
    expect(val.managedBy).toBe(`sso:${connection.id}`);

    expect((await api.request('DELETE', `/v1/org/sso/connections/${connection.id}`, { token: org.rootToken })).status).toBe(204);
    expect((await api.request('GET', '/v1/me', { token: tokens.accessToken })).status).toBe(401);
    const after = await api.request('GET', `/v1/users/${val.id}`, { token: org.rootToken });
    expect(after.body).toMatchObject({ managedBy: null, role: 'admin', status: 'active' });
    // No longer managed: root may change her role although mappings exist.
    expect((await api.request('PATCH', `/v1/users/${val.id}`, { token: org.rootToken, body: { role: 'developer' } })).status).toBe(200);
    const audit = await api.request('GET', '/v1/audit-events?action=user.updated', { token: org.rootToken });
    expect(audit.body.items.some((item: { target: { id: string }; details: { previous?: { managedBy?: string } } }) =>
      item.target.id === val.id && item.details.previous?.managedBy === `sso:${connection.id}`)).toBe(true);
    expect((await api.request('DELETE', `/v1/org/sso/connections/${connection.id}`, { token: org.rootToken })).status).toBe(404);
  });

  it('cut short after the connection went, is finished by the same DELETE again', async () => {
    const org = await ssoOrg(api, dns);
    const connection = await createSaml(org);
    const tokens = await signIn(org, connection, { nameId: 'okta|wes', attributes: { email: [`wes@${org.domain}`] } });
    const wes = await meOf(tokens.accessToken);
    // The first half of a deletion, as a Lambda that timed out right after its transaction leaves it.
    const record = (await getConnection(org.orgId, connection.id))!;
    expect(record).toBeDefined();
    await transact(deleteConnectionItems(record, nowIso()));
    expect((await fetch(`${api.url}/sso/saml/${connection.id}/metadata`)).status).toBe(404);
    expect((await api.request('GET', `/v1/users/${wes.id}`, { token: org.rootToken })).body.managedBy).toBe(`sso:${connection.id}`);

    expect((await api.request('DELETE', `/v1/org/sso/connections/${connection.id}`, { token: org.rootToken })).status).toBe(204);
    expect((await api.request('GET', `/v1/users/${wes.id}`, { token: org.rootToken })).body.managedBy).toBeNull();
    expect((await api.request('GET', '/v1/me', { token: tokens.accessToken })).status).toBe(401);
    // Another organization's root cannot finish (or probe) it.
    const other = await ssoOrg(api, dns);
    expect((await api.request('DELETE', `/v1/org/sso/connections/${connection.id}`, { token: other.rootToken })).status).toBe(404);
  });
});

describe('language from the IdP', () => {
  it('sets a just-in-time user’s locale from the locale or preferredLanguage attribute, negotiated', async () => {
    const org = await ssoOrg(api, dns);
    const connection = await createSaml(org);
    const cases: Array<[Record<string, string[]>, string | null]> = [
      [{ preferredLanguage: ['de_AT'] }, 'de'],
      [{ locale: ['pt-PT'] }, 'pt-BR'],
      [{ locale: ['ja'] }, 'ja'],
      [{ locale: ['xx-YY'] }, null],
      [{}, null],
    ];
    for (const [index, [attributes, locale]] of cases.entries()) {
      const tokens = await signIn(org, connection, { nameId: `okta|lang-${index}`, attributes: { email: [`lang${index}@${org.domain}`], ...attributes } });
      expect((await meOf(tokens.accessToken)).locale, JSON.stringify(attributes)).toBe(locale);
    }
  });
});

describe('the deployment’s suppression of an address', () => {
  it('creates a just-in-time user of a suppressed address with its emailStatus, which later sign-ins keep', async () => {
    const org = await ssoOrg(api, dns);
    const connection = await createSaml(org);
    const address = `complained@${org.domain}`;
    await suppress(address, 'complained');

    const person = { nameId: 'okta|suppressed-0001', attributes: { email: [address] } };
    const me = await meOf((await signIn(org, connection, person)).accessToken);
    const user = await api.request('GET', `/v1/users/${me.id}`, { token: org.rootToken });
    expect(user.body).toMatchObject({ email: address, origin: 'sso:Lifecycle Okta', emailStatus: 'complained' });
    await signIn(org, connection, person);
    expect((await api.request('GET', `/v1/users/${me.id}`, { token: org.rootToken })).body.emailStatus).toBe('complained');
  });
});

describe('addresses an admin may enter for an IdP', () => {
  let trap: Server;
  let trapHits = 0;
  let issuer = '';
  let discovery: Record<string, unknown> = {};
  beforeAll(async () => {
    trap = createServer((req, res) => {
      trapHits += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(discovery));
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    trap.closeAllConnections();
    await new Promise((resolve) => trap.close(resolve));
  });

  const oidcConnection = (org: Org, issuerUrl: string) => api.request('POST', '/v1/org/sso/connections', {
    token: org.rootToken,
    body: { name: 'Probe', protocol: 'oidc', oidc: { issuer: issuerUrl, clientId: 'x', clientSecret: 'a-client-secret-of-some-length' }, domains: [org.domain], jit: { enabled: true, defaultRole: 'developer' } },
  });

  it('on AWS: refuses private, loopback, link-local and metadata addresses by literal or by name, and never connects to them', async () => {
    const org = await ssoOrg(api, dns);
    process.env.WEBHOOK_LOOPBACK = '0';
    resetConfig();
    try {
      const refused = [issuer, issuer.replace('http:', 'https:'), 'https://10.0.0.8/', 'https://169.254.169.254/latest', 'https://[::1]/', 'https://[::ffff:127.0.0.1]/',
        'https://0x7f000001/', 'https://127.1/', 'https://localhost/', 'https://idp.internal/', 'https://[fe80::1]/'];
      // The machine's own name resolves to a private address: refused by what it resolves to.
      const own = hostname();
      const resolved = await lookup(own, { all: true }).catch(() => []);
      if (resolved.length && resolved.every(({ address }) => !addressAllowed(address))) refused.push(`https://${own}/`);
      for (const url of refused) {
        const answer = await oidcConnection(org, url);
        expect(answer.status, url).toBe(400);
        expect(answer.body.code, url).toBe('invalid_issuer');
      }
      const saml = await api.request('POST', '/v1/org/sso/connections', {
        token: org.rootToken,
        body: { name: 'Probe', protocol: 'saml', saml: { entityId: 'e', ssoUrl: 'https://169.254.169.254/sso', certificates: [idp.keys.certificate] }, domains: [org.domain], jit: { enabled: true, defaultRole: 'developer' } },
      });
      expect(saml.status).toBe(400);
      expect(saml.body.code).toBe('validation_failed');
      expect(trapHits).toBe(0);
    } finally {
      process.env.WEBHOOK_LOOPBACK = '1';
      resetConfig();
    }
  });

  it('refuses a discovery document that sends the token endpoint or keys to an internal address', async () => {
    const org = await ssoOrg(api, dns);
    for (const [name, url] of [['token_endpoint', 'https://169.254.169.254/token'], ['jwks_uri', 'http://10.1.2.3/jwks'], ['userinfo_endpoint', 'https://192.168.1.1/me']] as const) {
      discovery = {
        issuer,
        authorization_endpoint: `${issuer}/auth`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        [name]: url,
      };
      const answer = await oidcConnection(org, issuer);
      expect(answer.status, name).toBe(400);
      expect(answer.body.code).toBe('invalid_issuer');
      expect(answer.body.detail).toContain(name);
    }
    // The same document with loopback endpoints is accepted locally (the local stack's exception).
    discovery = { ...discovery, userinfo_endpoint: `${issuer}/me` };
    expect((await oidcConnection(org, issuer)).status).toBe(201);
  });
});
