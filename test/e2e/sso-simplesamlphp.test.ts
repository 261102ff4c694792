import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../shared/config';
import { apiAt } from '../support/api';
import { launchChromium, screenshot } from '../support/browser';
import { serveOwnConsole, type ServedConsole } from '../support/console-server';
import { type TxtServer, startTxtServer } from '../support/dns-server';
import { verifiedOrg } from '../support/factories';
import { type SimpleSamlPhp, startSimpleSamlPhp } from '../support/simplesamlphp';
import { testDomain, verifiedDomain } from '../support/sso';

/**
 * End to end with a SAML IdP nobody here wrote: Debian's SimpleSAMLphp under `php -S`. A person
 * types their work email on the console's "Sign in with SSO", signs in on the IdP's own login
 * page in Chromium, and lands signed in on their account: once with a signed assertion, once
 * with an encrypted one. The connection is made from the IdP's real metadata.
 */
const domain = testDomain('ssp');
let served: ServedConsole;
let dns: TxtServer;
let ssp: SimpleSamlPhp;
let browser: Browser;
let org: Awaited<ReturnType<typeof verifiedOrg>>;
let connection: { id: string; sp: { entityId: string; acsUrl: string; metadataUrl: string } };

beforeAll(async () => {
  served = await serveOwnConsole();
  // The console and the API share this origin: the SP URLs the IdP is given are built from it.
  process.env.APP_URL = served.url;
  process.env.JWT_ISSUER = served.url;
  process.env.CORS_ORIGINS = served.url;
  dns = await startTxtServer();
  process.env.GATEHOUSE_DNS_SERVER = dns.address;
  resetConfig();
  ssp = await startSimpleSamlPhp([
    { username: 'ann', password: 'ann-at-the-idp', attributes: { uid: ['ann.idp'], email: [`ann@${domain}`], displayName: ['Ann from the IdP'], groups: ['Engineering'] } },
    { username: 'ben', password: 'ben-at-the-idp', attributes: { uid: ['ben.idp'], email: [`ben@${domain}`], displayName: ['Ben Encrypted'], groups: ['Support'] } },
  ]);
  const api = apiAt(served.url);
  org = await verifiedOrg(api);
  await verifiedDomain(api, dns, org.rootToken, domain);
  const metadataXml = await (await fetch(ssp.metadataUrl)).text();
  const created = await api.request('POST', '/v1/org/sso/connections', {
    token: org.rootToken,
    body: { name: 'SimpleSAMLphp', protocol: 'saml', saml: { metadataXml }, domains: [domain], jit: { enabled: true, defaultRole: 'developer' } },
  });
  expect(created.status, created.text).toBe(201);
  connection = created.body;
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await ssp?.stop();
  await dns?.stop();
  await served?.stop();
  for (const name of ['APP_URL', 'JWT_ISSUER', 'CORS_ORIGINS', 'GATEHOUSE_DNS_SERVER']) delete process.env[name];
  resetConfig();
});

async function signInThroughIdp(page: Page, who: { email: string; username: string; password: string }, shot: string) {
  await page.goto(`${served.url}/login`);
  await page.getByRole('link', { name: 'Sign in with SSO' }).click();
  await page.getByLabel('Work email').fill(who.email);
  await page.getByRole('button', { name: 'Continue' }).click();
  // SimpleSAMLphp's own login page.
  await page.waitForURL((url) => url.origin === ssp.url, { timeout: 15_000 });
  await page.waitForLoadState();
  await page.locator('input[name="username"]').fill(who.username);
  await page.locator('input[name="password"]').fill(who.password);
  await screenshot(page, `${shot}-idp-login`, { audit: false });
  await page.locator('form button[type="submit"], form input[type="submit"]').first().click();
  // Its HTTP-POST page posts to the ACS (by script; the button is the no-script fallback).
  await page.waitForURL((url) => url.origin === served.url, { timeout: 15_000 }).catch(async () => {
    await page.locator('input[type="submit"], button[type="submit"]').first().click();
  });
  await page.waitForURL(`${served.url}/account`, { timeout: 15_000 });
  await screenshot(page, `${shot}-signed-in`, { audit: false });
}

describe('SimpleSAMLphp signs a person in through the console', () => {
  it('with a signed assertion: SP-initiated, just in time, group-less default role', async () => {
    ssp.trustServiceProvider({ entityId: connection.sp.entityId, acsUrl: connection.sp.acsUrl });
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(15_000);
    await signInThroughIdp(page, { email: `ann@${domain}`, username: 'ann', password: 'ann-at-the-idp' }, 'sso-signed');
    await expect.poll(() => page.getByText(`ann@${domain}`).first().isVisible()).toBe(true);
    const api = apiAt(served.url);
    const users = await api.request('GET', `/v1/users?q=ann`, { token: org.rootToken });
    expect(users.body.items).toEqual([expect.objectContaining({ email: `ann@${domain}`, name: 'Ann from the IdP', origin: 'sso:SimpleSAMLphp', role: 'developer', status: 'active' })]);
    const audit = await api.request('GET', '/v1/audit-events?action=sso.signed_in', { token: org.rootToken });
    expect(audit.body.items[0].details).toMatchObject({ connection: connection.id, nameId: 'ann.idp', outcome: 'jit' });
  }, 90_000);

  it('with an encrypted assertion, for the connection’s own certificate', async () => {
    const xml = await (await fetch(connection.sp.metadataUrl)).text();
    const certificate = /use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>([^<]+)</.exec(xml)![1]!;
    ssp.trustServiceProvider({ entityId: connection.sp.entityId, acsUrl: connection.sp.acsUrl, encryptFor: certificate });
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(15_000);
    const posted: string[] = [];
    page.on('request', (request) => {
      if (request.url() === connection.sp.acsUrl) posted.push(Buffer.from(new URLSearchParams(request.postData() ?? '').get('SAMLResponse') ?? '', 'base64').toString('utf8'));
    });
    await signInThroughIdp(page, { email: `ben@${domain}`, username: 'ben', password: 'ben-at-the-idp' }, 'sso-encrypted');
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain('EncryptedAssertion');
    expect(posted[0]).not.toContain(`ben@${domain}`);
    const users = await apiAt(served.url).request('GET', `/v1/users?q=ben`, { token: org.rootToken });
    expect(users.body.items[0]).toMatchObject({ email: `ben@${domain}`, name: 'Ben Encrypted' });
  }, 90_000);
});
