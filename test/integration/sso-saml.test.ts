import { createVerify } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clock } from '../../shared/clock';
import { config, resetConfig } from '../../shared/config';
import { responseTexts, useApi } from '../support/api';
import { type TxtServer, startTxtServer } from '../support/dns-server';
import { STRONG_PASSWORD } from '../support/factories';
import { type Forgery, authnRequestOf, decode, encode, forge, newKeyPair, samlId } from '../support/saml-forger';
import { fragmentOf, postToAcs, ssoCookie, ssoOrg } from '../support/sso';
import { logLines } from '../support/setup';

/**
 * SAML sign-in through an organization's own IdP, against every hostile answer the research
 * note lists. samlify plays the IdP (and the forger); Gatehouse's ACS is the real handler
 * behind the local adapter, with DynamoDB Local. Every answer that is not genuine must land
 * on `#error=`, and must not use up the pending request the genuine answer then completes.
 */
const api = useApi();
let dns: TxtServer;
const idp = { entityId: 'https://idp.acme.test/saml/metadata', keys: newKeyPair('Acme IdP') };
const intruder = newKeyPair('Intruder');
const tally = { forgedAccepted: 0, forgedTried: 0, crossOrg: 0, openRedirects: 0 };

type Org = Awaited<ReturnType<typeof ssoOrg>>;
let org: Org;
let connection: { id: string; sp: { entityId: string; acsUrl: string; metadataUrl: string } };

async function createSaml(token: string, domain: string, extra: Record<string, unknown> = {}, trust = idp) {
  const answer = await api.request('POST', '/v1/org/sso/connections', {
    token,
    body: {
      name: 'Acme Okta',
      protocol: 'saml',
      saml: { entityId: trust.entityId, ssoUrl: 'http://127.0.0.1:9/saml/sso', certificates: [trust.keys.certificate] },
      domains: [domain],
      jit: { enabled: true, defaultRole: 'developer' },
      ...extra,
    },
  });
  if (answer.status !== 201) throw new Error(`connection failed: ${answer.status} ${answer.text}`);
  return answer.body;
}

beforeAll(async () => {
  dns = await startTxtServer();
  process.env.GATEHOUSE_DNS_SERVER = dns.address;
  resetConfig();
  org = await ssoOrg(api, dns);
  connection = await createSaml(org.rootToken, org.domain);
}, 60_000);

afterAll(async () => {
  await dns.stop();
  delete process.env.GATEHOUSE_DNS_SERVER;
  resetConfig();
  // The numbers the issue's closing note asks for.
  console.info(`SSO SAML hostile answers: ${tally.forgedTried} tried, ${tally.forgedAccepted} accepted; cross-org sign-ins ${tally.crossOrg}; open redirects ${tally.openRedirects}`);
});

const realNow = clock.now;
afterEach(() => {
  clock.now = realNow;
});

async function start(email = `ann@${org.domain}`) {
  const started = await api.request('POST', '/v1/auth/sso/start', { body: { email } });
  expect(started.status).toBe(200);
  return { ...authnRequestOf(started.body.redirectTo), cookie: ssoCookie(started.headers) };
}

const genuine = (requestId: string | undefined, overrides: Partial<Forgery> = {}, target = connection): Forgery => ({
  inResponseTo: requestId,
  destination: target.sp.acsUrl,
  audience: target.sp.entityId,
  issuer: idp.entityId,
  nameId: 'okta|ann-0001',
  attributes: { email: [`ann@${org.domain}`], displayName: ['Ann Example'], groups: ['Engineering'] },
  ...overrides,
});

async function complete(location: string | null, cookie?: string, token?: string) {
  const handle = fragmentOf(location).get('handle');
  return api.request('POST', '/v1/auth/sso/complete', { body: { handle: handle ?? 'none' }, token, headers: cookie ? { cookie } : {} });
}

/** Posts a hostile answer and expects it refused; counts it either way. */
async function expectRefused(samlResponse: string, code = 'sso_failed', target = connection.id) {
  tally.forgedTried += 1;
  const answer = await postToAcs(api, target, samlResponse);
  if (fragmentOf(answer.location).get('handle')) tally.forgedAccepted += 1;
  expect(answer.status).toBe(303);
  expect(answer.location!.startsWith(`${config().APP_URL}/sso/complete#`)).toBe(true);
  expect(fragmentOf(answer.location).get('error')).toBe(code);
}

describe('a genuine answer', () => {
  it('signs a new member in just in time, and the same NameID again later', async () => {
    const flow = await start();
    const answer = await postToAcs(api, connection.id, await forge(idp, genuine(flow.id)), flow.url.searchParams.get('RelayState')!);
    expect(answer.status).toBe(303);
    expect(answer.location!.startsWith(`${config().APP_URL}/sso/complete#handle=`)).toBe(true);
    const done = await complete(answer.location, flow.cookie);
    expect(done.status).toBe(200);
    const me = await api.request('GET', '/v1/me', { token: done.body.accessToken });
    expect(me.body).toMatchObject({ login: `ann@${org.domain}`, email: `ann@${org.domain}`, role: 'developer', status: 'active', emailVerified: true, origin: 'sso:Acme Okta' });

    const again = await start();
    const second = await postToAcs(api, connection.id, await forge(idp, genuine(again.id)));
    expect((await complete(second.location, again.cookie)).status).toBe(200);
    const audit = await api.request('GET', '/v1/audit-events?action=sso.signed_in', { token: org.rootToken });
    expect(audit.body.items.map((item: { details: { outcome: string; nameId: string } }) => [item.details.outcome, item.details.nameId])).toEqual([
      ['existing', 'okta|ann-0001'],
      ['jit', 'okta|ann-0001'],
    ]);
  });

  it('decrypts an encrypted assertion with the connection’s own key', async () => {
    const metadata = await fetch(`${api.url}/sso/saml/${connection.id}/metadata`);
    const xml = await metadata.text();
    expect(metadata.headers.get('content-type')).toMatch(/^application\/samlmetadata\+xml/);
    expect(xml).toContain(`entityID="${connection.sp.entityId}"`);
    expect(xml).toContain('WantAssertionsSigned="true"');
    expect(xml).toContain('use="encryption"');
    const spCertificate = `-----BEGIN CERTIFICATE-----\n${/<ds:X509Certificate>([^<]+)</.exec(xml)![1]}\n-----END CERTIFICATE-----\n`;
    const flow = await start(`bea@${org.domain}`);
    const sealed = await forge(idp, genuine(flow.id, { nameId: 'okta|bea', attributes: { email: [`bea@${org.domain}`] }, encryptFor: spCertificate }));
    expect(decode(sealed)).toContain('EncryptedAssertion');
    expect(decode(sealed)).not.toContain('okta|bea');
    const answer = await postToAcs(api, connection.id, sealed);
    const done = await complete(answer.location, flow.cookie);
    expect(done.status).toBe(200);
  });

  it('is completed only by the browser that started it, and a refused completion does not use the handle up', async () => {
    const flow = await start();
    const answer = await postToAcs(api, connection.id, await forge(idp, genuine(flow.id)));
    expect((await complete(answer.location)).body.code).toBe('invalid_handle');
    expect((await complete(answer.location, 'gatehouse_sso=someone-else')).body.code).toBe('invalid_handle');
    expect((await complete(answer.location, flow.cookie)).status).toBe(200);
    expect((await complete(answer.location, flow.cookie)).body.code).toBe('invalid_handle');
  });
});

describe('hostile answers', () => {
  it('refuses tampering, stripped or foreign signatures, SHA-1 and DTDs, and none of it burns the pending request', async () => {
    const flow = await start();
    const signed = decode(await forge(idp, genuine(flow.id)));
    await expectRefused(encode(signed.replace('okta|ann-0001', 'okta|root')));
    await expectRefused(encode(signed.replace(`ann@${org.domain}`, `boss@${org.domain}`)));
    await expectRefused(encode(signed.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '')));
    await expectRefused(await forge(idp, genuine(flow.id, { signWith: intruder })));
    await expectRefused(await forge(idp, genuine(flow.id, { sha1: true })));
    await expectRefused(encode(`<!DOCTYPE r [<!ENTITY x "y">]>${signed}`));
    await expectRefused(encode('not xml at all'));
    // The genuine answer to the same request still works: nothing above used it up.
    const answer = await postToAcs(api, connection.id, encode(signed));
    expect((await complete(answer.location, flow.cookie)).status).toBe(200);
  });

  it('refuses signature wrapping in every shape the research note lists', async () => {
    const flow = await start();
    const signed = decode(await forge(idp, genuine(flow.id)));
    const assertion = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(signed)![0];
    const evil = assertion
      .replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '')
      .replace('okta|ann-0001', 'okta|evil')
      .replace(/ID="[^"]+"/, `ID="${samlId()}"`);
    const sameIdEvil = assertion.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '').replace('okta|ann-0001', 'okta|evil');
    const variants = [
      // 1. evil assertion before the signed one
      signed.replace(assertion, evil + assertion),
      // 2. evil assertion after the signed one
      signed.replace(assertion, assertion + evil),
      // 3. the signed assertion hidden in Extensions, the evil one in its place
      signed.replace('<samlp:Status>', `<samlp:Extensions>${assertion}</samlp:Extensions><samlp:Status>`).replace(assertion, sameIdEvil),
      // 4. the evil assertion inside the signed one's Advice
      signed.replace('</saml:Issuer><ds:Signature', `</saml:Issuer><saml:Advice>${evil}</saml:Advice><ds:Signature`),
      // 5. same ID twice: evil in place, the signed one inside the signature's Object
      signed.replace(assertion, sameIdEvil).replace('</samlp:Response>', `<ds:Object>${assertion}</ds:Object></samlp:Response>`),
      // 6. the whole genuine Response wrapped in an evil one
      signed.replace(assertion, sameIdEvil).replace('</samlp:Status>', `</samlp:Status><samlp:Extensions>${signed.replace(/^<\?xml[^>]*>/, '')}</samlp:Extensions>`),
    ];
    for (const variant of variants) await expectRefused(encode(variant));
    const answer = await postToAcs(api, connection.id, encode(signed));
    expect((await complete(answer.location, flow.cookie)).status).toBe(200);
  });

  it('refuses answers meant for another place, audience, issuer or time, and unsolicited ones', async () => {
    const flow = await start();
    const other = 'http://127.0.0.1:3000/sso/saml/00000000-0000-0000-0000-000000000000/acs';
    await expectRefused(await forge(idp, genuine(flow.id, { destination: other, recipient: connection.sp.acsUrl })));
    await expectRefused(await forge(idp, genuine(flow.id, { recipient: other })));
    await expectRefused(await forge(idp, genuine(flow.id, { audience: 'https://another-sp.example/metadata' })));
    await expectRefused(await forge(idp, genuine(flow.id, { issuer: 'https://other-idp.example' })));
    await expectRefused(await forge(idp, genuine(flow.id, { assertionIssuer: 'https://other-idp.example' })));
    await expectRefused(await forge(idp, genuine(flow.id, { inResponseTo: samlId() })));
    await expectRefused(await forge(idp, genuine(undefined)));
    const old = new Date(Date.now() - 20 * 60_000);
    await expectRefused(await forge(idp, genuine(flow.id, { now: old })));
    const future = new Date(Date.now() + 20 * 60_000);
    await expectRefused(await forge(idp, genuine(flow.id, { now: future })));
    // The answer itself is fine; the injected clock says it is read too late.
    const late = await forge(idp, genuine(flow.id));
    clock.now = () => realNow() + 9 * 60_000;
    await expectRefused(late);
    clock.now = realNow;
    const answer = await postToAcs(api, connection.id, late);
    expect((await complete(answer.location, flow.cookie)).status).toBe(200);
  });

  it('refuses a replay of an answer already used, with or without its request', async () => {
    const flow = await start();
    const response = await forge(idp, genuine(flow.id));
    const first = await postToAcs(api, connection.id, response);
    expect((await complete(first.location, flow.cookie)).status).toBe(200);
    await expectRefused(response);
  });

  it('refuses an email outside the connection’s domains, whatever the IdP says', async () => {
    const flow = await start();
    const answer = await postToAcs(api, connection.id, await forge(idp, genuine(flow.id, { attributes: { email: ['ceo@victim.example'] } })));
    expect(fragmentOf(answer.location).get('error')).toBe('email_domain_not_allowed');
  });

  it('never lets one organization’s IdP sign anyone into another organization', async () => {
    const other = await ssoOrg(api, dns);
    const otherIdp = { entityId: 'https://idp.other.test/saml', keys: newKeyPair('Other IdP') };
    const otherConnection = await createSaml(other.rootToken, other.domain, {}, otherIdp);
    const flow = await start();
    // Org B's IdP answers org A's pending request at org A's ACS.
    const crossed = await forge(otherIdp, { ...genuine(flow.id), issuer: otherIdp.entityId });
    await expectRefused(crossed);
    // Org A's IdP answer, posted at org B's ACS.
    await expectRefused(await forge(idp, genuine(flow.id)), 'sso_failed', otherConnection.id);
    // Org B's genuine answer made out for org A's ACS.
    const bStart = await api.request('POST', '/v1/auth/sso/start', { body: { email: `zed@${other.domain}` } });
    const bRequest = authnRequestOf(bStart.body.redirectTo);
    await expectRefused(await forge(otherIdp, { ...genuine(bRequest.id, {}, otherConnection), issuer: otherIdp.entityId, destination: connection.sp.acsUrl }));
    const users = await api.request('GET', '/v1/users', { token: other.rootToken });
    tally.crossOrg += users.body.items.filter((user: { email: string }) => user.email?.endsWith(org.domain)).length;
    expect(tally.crossOrg).toBe(0);
    const answer = await postToAcs(api, connection.id, await forge(idp, genuine(flow.id)));
    expect((await complete(answer.location, flow.cookie)).status).toBe(200);
  });

  it('never redirects anywhere but the console, whatever RelayState says', async () => {
    const flow = await start();
    for (const relay of ['https://evil.example/', '//evil.example', 'javascript:alert(1)']) {
      const answer = await postToAcs(api, connection.id, await forge(idp, genuine(flow.id, { signWith: intruder })), relay);
      if (!answer.location?.startsWith(`${config().APP_URL}/sso/complete#`)) tally.openRedirects += 1;
    }
    expect(tally.openRedirects).toBe(0);
    expect((await postToAcs(api, '00000000-0000-0000-0000-000000000000', 'x')).status).toBe(404);
    const missing = await fetch(`${api.url}/sso/saml/${connection.id}/acs`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'RelayState=x' });
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('counted every hostile answer as refused', () => {
    expect(tally.forgedTried).toBeGreaterThanOrEqual(25);
    expect(tally.forgedAccepted).toBe(0);
  });
});

describe('IdP-initiated answers', () => {
  it('are refused by default, and when allowed accepted only fresh and once', async () => {
    await expectRefused(await forge(idp, genuine(undefined, { nameId: 'okta|cid', attributes: { email: [`cid@${org.domain}`] } })));
    const patched = await api.request('PATCH', `/v1/org/sso/connections/${connection.id}`, { token: org.rootToken, body: { allowIdpInitiated: true } });
    expect(patched.status).toBe(200);
    const fresh = await forge(idp, genuine(undefined, { nameId: 'okta|cid', attributes: { email: [`cid@${org.domain}`] } }));
    const accepted = await postToAcs(api, connection.id, fresh);
    // No cookie is needed: nobody's browser started this flow.
    expect((await complete(accepted.location)).status).toBe(200);
    await expectRefused(fresh);
    await expectRefused(await forge(idp, genuine(undefined, { issueInstant: new Date(Date.now() - 6 * 60_000) })));
    await api.request('PATCH', `/v1/org/sso/connections/${connection.id}`, { token: org.rootToken, body: { allowIdpInitiated: false } });
  });
});

describe('connections and enforcement', () => {
  it('signs AuthnRequests with RSA-SHA256 when asked', async () => {
    const patched = await api.request('PATCH', `/v1/org/sso/connections/${connection.id}`, { token: org.rootToken, body: { saml: { signRequests: true } } });
    expect(patched.body.saml.signRequests).toBe(true);
    const xml = await (await fetch(`${api.url}/sso/saml/${connection.id}/metadata`)).text();
    expect(xml).toContain('AuthnRequestsSigned="true"');
    const certificate = `-----BEGIN CERTIFICATE-----\n${/<ds:X509Certificate>([^<]+)</.exec(xml)![1]}\n-----END CERTIFICATE-----\n`;
    const flow = await start();
    expect(flow.url.searchParams.get('SigAlg')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    // SAML Bindings §3.4.4.1: the signature covers the query parameters as sent, in this order.
    const raw = flow.url.search.slice(1).split('&');
    const signedPart = ['SAMLRequest', 'RelayState', 'SigAlg'].map((name) => raw.find((part) => part.startsWith(`${name}=`))).filter(Boolean).join('&');
    const ok = createVerify('RSA-SHA256').update(signedPart).verify(certificate, Buffer.from(flow.url.searchParams.get('Signature')!, 'base64'));
    expect(ok).toBe(true);
    expect(flow.xml).toContain(`AssertionConsumerServiceURL="${connection.sp.acsUrl}"`);
    await api.request('PATCH', `/v1/org/sso/connections/${connection.id}`, { token: org.rootToken, body: { saml: { signRequests: false } } });
  });

  it('enforced: password sign-in and reset answer sso_required for the domain’s users; the root keeps its password', async () => {
    const own = await ssoOrg(api, dns);
    const made = await createSaml(own.rootToken, own.domain);
    const invited = await api.request('POST', '/v1/users', {
      token: own.rootToken,
      body: { type: 'human', login: 'dora', name: 'Dora', email: `dora@${own.domain}`, role: 'developer', delivery: 'temporaryPassword' },
    });
    expect(invited.status).toBe(201);
    const password = invited.body.temporaryPassword;
    const enforce = await api.request('PATCH', `/v1/org/sso/connections/${made.id}`, { token: own.rootToken, body: { enforce: true } });
    expect(enforce.status).toBe(200);
    const login = await api.request('POST', '/v1/auth/login', { body: { org: own.slug, login: 'dora', password } });
    expect(login.status).toBe(401);
    expect(login.body).toMatchObject({ code: 'sso_required', ssoStart: { org: own.slug, connection: made.id } });
    const wrong = await api.request('POST', '/v1/auth/login', { body: { org: own.slug, login: 'dora', password: 'wrong password entirely 1' } });
    expect(wrong.body.code).toBe('sso_required');
    const forgot = await api.request('POST', '/v1/auth/password/forgot', { body: { org: own.slug, login: 'dora' } });
    expect(forgot.status).toBe(401);
    const byRoot = await api.request('POST', `/v1/users/${invited.body.user.id}/password-reset`, { token: own.rootToken });
    expect(byRoot.status).toBe(409);
    const root = await api.request('POST', '/v1/auth/login', { body: { org: own.slug, login: own.root.login, password: STRONG_PASSWORD } });
    expect(root.status).toBe(200);
    // The start body the refusal carries works as it is.
    const started = await api.request('POST', '/v1/auth/sso/start', { body: login.body.ssoStart });
    expect(started.status).toBe(200);
  });

  it('disabled stops new sign-ins; deleted ends the sessions it made', async () => {
    const own = await ssoOrg(api, dns);
    const made = await createSaml(own.rootToken, own.domain);
    const begin = async () => {
      const started = await api.request('POST', '/v1/auth/sso/start', { body: { email: `eve@${own.domain}` } });
      return started.status === 200 ? { ...authnRequestOf(started.body.redirectTo), cookie: ssoCookie(started.headers) } : undefined;
    };
    const flow = (await begin())!;
    const answer = await postToAcs(api, made.id, await forge(idp, { ...genuine(flow.id, {}, made), nameId: 'eve', attributes: { email: [`eve@${own.domain}`] } }));
    const tokens = (await complete(answer.location, flow.cookie)).body;
    expect(tokens.accessToken).toBeDefined();
    const pending = (await begin())!;
    await api.request('PATCH', `/v1/org/sso/connections/${made.id}`, { token: own.rootToken, body: { enabled: false } });
    expect(await begin()).toBeUndefined();
    const late = await postToAcs(api, made.id, await forge(idp, { ...genuine(pending.id, {}, made), nameId: 'eve', attributes: { email: [`eve@${own.domain}`] } }));
    expect(fragmentOf(late.location).get('error')).toBe('connection_disabled');
    expect((await api.request('GET', '/v1/me', { token: tokens.accessToken })).status).toBe(200);
    expect((await api.request('DELETE', `/v1/org/sso/connections/${made.id}`, { token: own.rootToken })).status).toBe(204);
    expect((await api.request('GET', '/v1/me', { token: tokens.accessToken })).status).toBe(401);
    expect((await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: tokens.refreshToken } })).status).toBe(401);
    expect((await fetch(`${api.url}/sso/saml/${made.id}/metadata`)).status).toBe(404);
  });

  it('Test sign-in shows what the IdP sent, and signs nobody in', async () => {
    const test = await api.request('POST', `/v1/org/sso/connections/${connection.id}/test`, { token: org.rootToken });
    expect(test.status).toBe(200);
    const request = authnRequestOf(test.body.redirectTo);
    const cookie = ssoCookie(test.headers);
    const answer = await postToAcs(api, connection.id, await forge(idp, genuine(request.id, { nameId: 'okta|tess', attributes: { email: [`tess@${org.domain}`], groups: ['Admins'] } })));
    expect((await complete(answer.location, cookie)).status).toBe(401);
    const report = await complete(answer.location, cookie, org.rootToken);
    expect(report.status).toBe(200);
    expect(report.body.test).toMatchObject({ ok: true, outcome: 'create', role: 'developer', subject: 'okta|tess', email: `tess@${org.domain}`, groups: ['Admins'] });
    const users = await api.request('GET', '/v1/users?q=tess', { token: org.rootToken });
    expect(users.body.items).toHaveLength(0);
  });

  it('never shows the SP private key or an IdP secret, in answers or logs', async () => {
    const list = await api.request('GET', '/v1/org/sso/connections', { token: org.rootToken });
    expect(list.body.items[0]).not.toHaveProperty('privateKey');
    const everything = responseTexts.join('\n') + logLines.join('\n');
    expect(everything).not.toMatch(/BEGIN (RSA )?PRIVATE KEY/);
  });
});

describe('domains', () => {
  it('refuses consumer mail domains, malformed names and a domain another organization verified', async () => {
    for (const domain of ['gmail.com', 'Outlook.com', 'gmx.de', 'proton.me']) {
      const answer = await api.request('POST', '/v1/org/domains', { token: org.rootToken, body: { domain } });
      expect(answer.status, domain).toBe(400);
      expect(answer.body.code).toBe('consumer_domain');
    }
    for (const domain of ['https://acme.com', 'acme', '*.acme.com', 'acme..com', 'ac me.com', 'acme.com/path', '']) {
      const answer = await api.request('POST', '/v1/org/domains', { token: org.rootToken, body: { domain } });
      expect(answer.status, domain).toBe(400);
      expect(answer.body.code).toBe('validation_failed');
    }
    const again = await api.request('POST', '/v1/org/domains', { token: org.rootToken, body: { domain: org.domain.toUpperCase() } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('conflict');
    const rival = await ssoOrg(api, dns);
    const taken = await api.request('POST', '/v1/org/domains', { token: rival.rootToken, body: { domain: org.domain } });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('domain_taken');
  });

  it('verifies only when the TXT record holds the value, and cannot be removed while a connection serves it', async () => {
    const domain = `pending-${Date.now()}.test`;
    const claimed = await api.request('POST', '/v1/org/domains', { token: org.rootToken, body: { domain } });
    expect(claimed.body).toMatchObject({ status: 'pending', verification: { type: 'dns-txt', name: `_gatehouse-challenge.${domain}` } });
    expect(claimed.body.verification.value).toMatch(/^gatehouse-domain-verification=[A-Za-z0-9_-]{32,}$/);
    const early = await api.request('POST', `/v1/org/domains/${claimed.body.id}/verify`, { token: org.rootToken });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('domain_not_verified');
    dns.records.set(claimed.body.verification.name, ['gatehouse-domain-verification=wrong', claimed.body.verification.value]);
    const verified = await api.request('POST', `/v1/org/domains/${claimed.body.id}/verify`, { token: org.rootToken });
    expect(verified.body.status).toBe('verified');
    const audit = await api.request('GET', '/v1/audit-events?action=domain.verified', { token: org.rootToken });
    expect(audit.body.items.some((item: { details: { domain: string } }) => item.details.domain === domain)).toBe(true);
    const used = await api.request('GET', '/v1/org/domains', { token: org.rootToken });
    const served = used.body.items.find((item: { domain: string }) => item.domain === org.domain);
    const refused = await api.request('DELETE', `/v1/org/domains/${served.id}`, { token: org.rootToken });
    expect(refused.body.code).toBe('domain_in_use');
    expect((await api.request('DELETE', `/v1/org/domains/${claimed.body.id}`, { token: org.rootToken })).status).toBe(204);
    const unverifiedConnection = await api.request('POST', '/v1/org/sso/connections', {
      token: org.rootToken,
      body: { name: 'x', protocol: 'saml', saml: { entityId: 'e', ssoUrl: 'http://127.0.0.1:9/sso', certificates: [idp.keys.certificate] }, domains: [domain], jit: { enabled: true, defaultRole: 'developer' } },
    });
    expect(unverifiedConnection.body.code).toBe('domain_not_verified');
    const badMetadata = await api.request('POST', '/v1/org/sso/connections', {
      token: org.rootToken,
      body: { name: 'x', protocol: 'saml', saml: { metadataXml: '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>' }, domains: [org.domain], enabled: false, jit: { enabled: true, defaultRole: 'developer' } },
    });
    expect(badMetadata.body.code).toBe('invalid_metadata');
  });

  it('sends nobody anywhere for an unknown, consumer or unverified domain', async () => {
    for (const email of ['someone@gmail.com', 'someone@nobody-claimed-this.test', 'x@' + org.domain.replace('.test', '.example')]) {
      const answer = await api.request('POST', '/v1/auth/sso/start', { body: { email } });
      expect(answer.status, email).toBe(404);
      expect(answer.body.code).toBe('sso_not_configured');
    }
    const both = await api.request('POST', '/v1/auth/sso/start', { body: { email: `a@${org.domain}`, org: org.slug, connection: connection.id } });
    expect(both.body.code).toBe('validation_failed');
  });
});
