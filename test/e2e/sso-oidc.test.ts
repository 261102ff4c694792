import type { Server } from 'node:http';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlers } from '../../infra/local/handlers';
import { createApiServer } from '../../infra/local/http-adapter';
import { freePort } from '../../infra/local/stack';
import { resetConfig } from '../../shared/config';
import { apiAt, responseTexts } from '../support/api';
import { launchChromium } from '../support/browser';
import { type TxtServer, startTxtServer } from '../support/dns-server';
import { verifiedOrg } from '../support/factories';
import { fragmentOf, ssoCookie, testDomain, verifiedDomain } from '../support/sso';

/**
 * An organization's OpenID Connect IdP: panva's oidc-provider, in process on loopback, with its
 * development login and consent pages, which Chromium fills in. Gatehouse is its relying party
 * through openid-client (discovery, code + PKCE + state + nonce, client_secret_basic).
 */
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
process.env.APP_URL = base;
process.env.JWT_ISSUER = base;
process.env.CORS_ORIGINS = base;
resetConfig();
const api = apiAt(base);
const server = createApiServer(handlers);
const domain = testDomain('oidc');
const CLIENT = { id: 'gatehouse-acme', secret: 'a-long-client-secret-for-the-test-idp-0123456789' };
const ACCOUNTS: Record<string, Record<string, unknown>> = {
  carla: { email: `carla@${domain}`, email_verified: true, name: 'Carla Connect', groups: ['Engineering'], locale: 'fr-CA' },
  mallory: { email: 'mallory@elsewhere.example', email_verified: true, name: 'Mallory' },
};

let dns: TxtServer;
let browser: Browser;
let idpPort = 0;
let idp: Server | undefined;
let org: Awaited<ReturnType<typeof verifiedOrg>>;
let connection: { id: string; redirectUri: string; oidc: { issuer: string; clientId: string } };
const tokenRequests: string[] = [];

/** oidc-provider knows its client's redirect URI from its construction, so it is (re)started once the connection exists. */
async function startIdp(redirectUri: string): Promise<void> {
  await stopIdp();
  const { default: Provider } = await import('oidc-provider');
  const provider = new Provider(`http://127.0.0.1:${idpPort}`, {
    clients: [{ client_id: CLIENT.id, client_secret: CLIENT.secret, redirect_uris: [redirectUri], token_endpoint_auth_method: 'client_secret_basic' }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups', 'locale'] },
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub, ...(ACCOUNTS[sub] ?? {}) }) }),
    features: { devInteractions: { enabled: true } },
    conformIdTokenClaims: false,
  } as never);
  provider.use(async (ctx: { path: string; get(name: string): string }, next: () => Promise<void>) => {
    if (ctx.path.endsWith('/token')) tokenRequests.push(ctx.get('authorization'));
    await next();
  });
  idp = provider.listen(idpPort, '127.0.0.1');
  await new Promise((resolve) => idp!.once('listening', resolve));
}

async function stopIdp(): Promise<void> {
  if (!idp) return;
  idp.closeAllConnections();
  await new Promise((resolve) => idp!.close(resolve));
  idp = undefined;
}

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  dns = await startTxtServer();
  process.env.GATEHOUSE_DNS_SERVER = dns.address;
  resetConfig();
  idpPort = await freePort();
  await startIdp('http://127.0.0.1:9/placeholder');
  org = await verifiedOrg(api);
  await verifiedDomain(api, dns, org.rootToken, domain);
  const created = await api.request('POST', '/v1/org/sso/connections', {
    token: org.rootToken,
    body: { name: 'Acme OIDC', protocol: 'oidc', oidc: { issuer: `http://127.0.0.1:${idpPort}`, clientId: CLIENT.id, clientSecret: CLIENT.secret }, domains: [domain], jit: { enabled: true, defaultRole: 'developer' } },
  });
  expect(created.status, created.text).toBe(201);
  connection = created.body;
  await startIdp(connection.redirectUri);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stopIdp();
  await dns?.stop();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  for (const name of ['APP_URL', 'JWT_ISSUER', 'CORS_ORIGINS', 'GATEHOUSE_DNS_SERVER']) delete process.env[name];
  resetConfig();
});

/** Starts at Gatehouse, signs in on the IdP's pages in Chromium, and answers where the browser landed. */
async function signIn(login: string, startBody: Record<string, unknown> = { email: `${login}@${domain}` }): Promise<{ landed: URL; cookie: string; authorize: URL }> {
  const started = await api.request('POST', '/v1/auth/sso/start', { body: startBody });
  expect(started.status, started.text).toBe(200);
  const authorize = new URL(started.body.redirectTo);
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(authorize.href);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('anything');
  await page.locator('button[type="submit"]').click();
  await page.locator('button[type="submit"]').click();
  await page.waitForURL((url) => url.href.startsWith(`${base}/sso/complete`));
  const landed = new URL(page.url());
  await page.context().close();
  return { landed, cookie: ssoCookie(started.headers), authorize };
}

describe('an OpenID Connect IdP', () => {
  it('asks with code, PKCE S256, state and nonce, and answers with a handle that signs the person in', async () => {
    const { landed, cookie, authorize } = await signIn('carla');
    expect(authorize.searchParams.get('response_type')).toBe('code');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(connection.redirectUri);
    for (const name of ['state', 'nonce', 'code_challenge']) expect(authorize.searchParams.get(name)!.length).toBeGreaterThanOrEqual(22);
    const handle = fragmentOf(landed.href).get('handle');
    expect(handle, landed.href).toBeTruthy();
    const done = await api.request('POST', '/v1/auth/sso/complete', { body: { handle }, headers: { cookie } });
    expect(done.status, done.text).toBe(200);
    const me = await api.request('GET', '/v1/me', { token: done.body.accessToken });
    // The IdP's `locale` claim, negotiated: Canadian French is French.
    expect(me.body).toMatchObject({ email: `carla@${domain}`, name: 'Carla Connect', origin: 'sso:Acme OIDC', role: 'developer', locale: 'fr' });
    // client_secret_basic, as chosen explicitly (openid-client's default would be post).
    expect(tokenRequests.at(-1)).toMatch(/^Basic /);
  }, 60_000);

  it('refuses an email outside the connection’s domains, an unknown state and an IdP’s refusal', async () => {
    const { landed } = await signIn('mallory');
    expect(fragmentOf(landed.href).get('error')).toBe('email_domain_not_allowed');
    const forged = await fetch(`${connection.redirectUri}?code=x&state=never-issued`, { redirect: 'manual' });
    expect(forged.status).toBe(303);
    expect(fragmentOf(forged.headers.get('location')).get('error')).toBe('sso_failed');
    const denied = await fetch(`${connection.redirectUri}?error=access_denied&state=never-issued`, { redirect: 'manual' });
    expect(forged.headers.get('location')!.startsWith(`${base}/sso/complete#`)).toBe(true);
    expect(denied.status).toBe(303);
    expect(fragmentOf(denied.headers.get('location')).get('error')).toBe('sso_failed');
    expect(responseTexts.join('\n')).not.toContain(CLIENT.secret);
  }, 60_000);

  it('never shows the client secret again', async () => {
    const read = await api.request('GET', `/v1/org/sso/connections/${connection.id}`, { token: org.rootToken });
    expect(read.body.oidc).toEqual({ issuer: `http://127.0.0.1:${idpPort}`, clientId: CLIENT.id });
    expect(read.text).not.toContain(CLIENT.secret);
  });
  it('serves an app’s pending /oauth2/authorize request of an enforced organization: through the IdP, back to the app with a code', async () => {
    const enforced = await api.request('PATCH', `/v1/org/sso/connections/${connection.id}`, { token: org.rootToken, body: { enforce: true } });
    expect(enforced.status, enforced.text).toBe(200);
    // The SaaS's app, as a real relying party would be: openid-client against Gatehouse's discovery.
    const app = await oidc.discovery(new URL(base), 'demo-web', { token_endpoint_auth_method: 'none' }, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const authorize = oidc.buildAuthorizationUrl(app, {
      redirect_uri: 'http://127.0.0.1:8976/callback',
      scope: 'openid profile email',
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const pending = await fetch(authorize, { redirect: 'manual' });
    expect(pending.status).toBe(302);
    const request = new URL(pending.headers.get('location')!).searchParams.get('request');
    expect(request).toBeTruthy();

    // Carla has no password to use: the enforced domain answers sso_required with the start body.
    const password = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: `carla@${domain}`, password: 'not her password at all 1' } });
    expect(password.status).toBe(401);
    expect(password.body).toMatchObject({ code: 'sso_required', ssoStart: { org: org.slug, connection: connection.id } });

    const { landed, cookie } = await signIn('carla', { ...password.body.ssoStart, request });
    const done = await api.request('POST', '/v1/auth/sso/complete', { body: { handle: fragmentOf(landed.href).get('handle') }, headers: { cookie } });
    expect(done.status, done.text).toBe(200);
    const back = new URL(done.body.redirectTo);
    expect(`${back.origin}${back.pathname}`).toBe('http://127.0.0.1:8976/callback');

    const tokens = await oidc.authorizationCodeGrant(app, back, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    expect(tokens.claims()).toMatchObject({ email: `carla@${domain}`, amr: ['ext'], idp: connection.id, aud: 'demo-web' });
    const jwks = createRemoteJWKSet(new URL(`${base}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: base, algorithms: ['RS256'] });
    expect(payload).toMatchObject({ client_id: 'demo-web', amr: ['ext'], idp: connection.id });
    const info = await oidc.fetchUserInfo(app, tokens.access_token, tokens.claims()!.sub);
    expect(info.email).toBe(`carla@${domain}`);

    // The app's session came from the connection too: deleting it ends the app's tokens.
    expect((await api.request('DELETE', `/v1/org/sso/connections/${connection.id}`, { token: org.rootToken })).status).toBe(204);
    const refused = await oidc.refreshTokenGrant(app, tokens.refresh_token!).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as { error?: string }).error).toBe('invalid_grant');
  }, 60_000);
});
