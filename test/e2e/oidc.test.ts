import { type IncomingMessage, type Server, createServer } from 'node:http';
import { generate } from 'otplib';
import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole } from '../../infra/console/build';
import { CONSOLE_DIR } from '../../infra/console/policy';
import { consoleServer } from '../../infra/local/console-server';
import { localClients } from '../../infra/local/environment';
import { handlers } from '../../infra/local/handlers';
import { createApiServer } from '../../infra/local/http-adapter';
import { freePort } from '../../infra/local/stack';
import { resetConfig } from '../../shared/config';
import { apiAt } from '../support/api';
import { accessibilityLog, launchChromium, screenshot, fillLogin } from '../support/browser';
import { STRONG_PASSWORD, verifiedOrg } from '../support/factories';

/**
 * Two of the SaaS's apps sign their users in with Gatehouse, the way a real app would: the
 * certified relying-party library `openid-client` does discovery, PKCE, the code grant and
 * every check of the ID token (nonce, iss, aud, signature); Chromium is the person's browser
 * and the console is the sign-in page. The apps' callbacks are real HTTP servers on the
 * redirect URIs `cdk.json` registers.
 */
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
// The issuer, the console's address and the discovery URL are this server's own origin.
process.env.APP_URL = base;
process.env.JWT_ISSUER = base;
process.env.CORS_ORIGINS = base;
resetConfig();

const server = createApiServer(handlers, { console: consoleServer(CONSOLE_DIR) });
const api = apiAt(base);
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const cspViolations: string[] = [];

/** An app's callback: remembers each redirect it received and shows a plain page. */
function callbackServer(name: string) {
  const received: URL[] = [];
  const http: Server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    // The browser also asks for a favicon; only the redirects count.
    if (url.pathname === '/favicon.ico') return res.writeHead(404).end();
    received.push(url);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><title>${name}</title></head><body><main><h1>${name}</h1></main></body></html>`);
  });
  return { received, http, last: () => received.at(-1)! };
}
const web = { id: 'demo-web', redirectUri: 'http://127.0.0.1:8976/callback', postLogout: 'http://127.0.0.1:8976/', ...callbackServer('Demo web app') };
const app2 = { id: 'demo-app-2', redirectUri: 'http://127.0.0.1:8977/callback', postLogout: 'http://127.0.0.1:8977/', ...callbackServer('Demo app 2') };

let org: Awaited<ReturnType<typeof verifiedOrg>>;
let totpSecret = '';
const totpNow = (shiftSteps = 0) => generate({ secret: totpSecret, epoch: Math.floor(Date.now() / 1000) + shiftSteps * 30 });

beforeAll(async () => {
  await buildConsole();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => web.http.listen(8976, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => app2.http.listen(8977, '127.0.0.1', resolve));
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
  });

  // The owner signs up and turns on two-factor through the API; the browser has seen nothing yet.
  org = await verifiedOrg(api);
  const started = await api.request('POST', '/v1/me/mfa/totp', { token: org.rootToken });
  totpSecret = started.body.secret;
  // Enrolled with the previous step's code (one step of drift is accepted), so the current step is free for the sign-in.
  const verified = await api.request('POST', '/v1/me/mfa/totp/verify', { token: org.rootToken, body: { code: await totpNow(-1) } });
  expect(verified.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const http of [server, web.http, app2.http]) {
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }
});

/** What an app holds between sending the browser away and receiving it back. */
async function beginSignIn(config: oidc.Configuration, client: typeof web, extra: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const expected = { pkceCodeVerifier: verifier, expectedNonce: oidc.randomNonce(), expectedState: oidc.randomState() };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: client.redirectUri,
    scope: 'openid profile email offline_access',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce: expected.expectedNonce,
    state: expected.expectedState,
    ...extra,
  });
  return { url, expected };
}

const discover = (clientId: string) =>
  oidc.discovery(new URL(base), clientId, { token_endpoint_auth_method: 'none' }, oidc.None(), { execute: [oidc.allowInsecureRequests] });

const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();

describe.sequential('apps sign in with Gatehouse (OpenID Connect), in Chromium', { timeout: 60_000 }, () => {
  let webConfig: oidc.Configuration;
  let tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;

  it('signs the owner in to the first app: console login with TOTP, code grant, ID token checked by openid-client', async () => {
    webConfig = await discover(web.id);
    expect(webConfig.serverMetadata().issuer).toBe(base);
    const { url, expected } = await beginSignIn(webConfig, web);

    await page.goto(url.href);
    await heading(/^Sign in to /);
    expect(new URL(page.url()).pathname).toBe('/login');
    // The app's name as registered (cdk.json `gatehouse:clients`), and the way out for a forgotten
    // password, as on the console's own login.
    const registered = localClients().find((client) => client.id === web.id)!;
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Sign in to ${registered.name}`);
    await page.getByRole('link', { name: 'Forgot your password?' }).waitFor();
    await screenshot(page, 'oidc-sign-in');
    await fillLogin(page, { org: org.slug, login: org.root.login, password: STRONG_PASSWORD }, 'Sign in');
    await page.getByRole('form', { name: 'Two-factor code' }).waitFor();
    await screenshot(page, 'oidc-totp');
    await page.getByLabel(/Code from your authenticator app/).fill(await totpNow());
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL((current) => current.href.startsWith(web.redirectUri));
    await heading('Demo web app');

    const callback = web.last();
    expect(callback.searchParams.get('iss')).toBe(base);
    tokens = await oidc.authorizationCodeGrant(webConfig, callback, { ...expected, idTokenExpected: true });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ iss: base, aud: web.id, sub: org.root.id, nonce: expected.expectedNonce, amr: ['pwd', 'otp', 'mfa'], org: org.orgId, role: 'root' });
    expect(tokens.refresh_token).toEqual(expect.any(String));

    // The access token is an ordinary Gatehouse session's.
    expect((await api.request('GET', '/v1/me', { token: tokens.access_token })).body.id).toBe(org.root.id);
  });

  it('reads userinfo and refreshes the tokens', async () => {
    const info = await oidc.fetchUserInfo(webConfig, tokens.access_token, org.root.id);
    expect(info).toMatchObject({ sub: org.root.id, preferred_username: org.root.login, email: org.root.email, email_verified: true, role: 'root' });
    const refreshed = await oidc.refreshTokenGrant(webConfig, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.claims()).toMatchObject({ sub: org.root.id, aud: web.id, auth_time: tokens.claims()!.auth_time });
    tokens = refreshed;
  });

  it('signs the same browser in to a second app without a password (single sign-on)', async () => {
    const config = await discover(app2.id);
    const { url, expected } = await beginSignIn(config, app2);
    await page.goto(url.href);
    await page.waitForURL((current) => current.href.startsWith(app2.redirectUri));
    await heading('Demo app 2');
    const second = await oidc.authorizationCodeGrant(config, app2.last(), { ...expected, idTokenExpected: true });
    expect(second.claims()).toMatchObject({ sub: org.root.id, aud: app2.id, auth_time: tokens.claims()!.auth_time, amr: ['pwd', 'otp', 'mfa'] });
    expect(second.claims()!.sid).not.toBe(tokens.claims()!.sid);
  });

  it('asks for the password again when the app says prompt=login', async () => {
    const { url } = await beginSignIn(webConfig, web, { prompt: 'login' });
    await page.goto(url.href);
    await heading(/^Sign in to /);
    await page.getByLabel('Password', { exact: true }).waitFor();
    await page.getByRole('button', { name: /^Cancel and return/ }).click();
    await page.waitForURL((current) => current.href.startsWith(web.redirectUri));
    expect(web.last().searchParams.get('error')).toBe('access_denied');
  });

  it('signs out through RP-initiated logout and returns to the registered address with state', async () => {
    const state = oidc.randomState();
    const url = oidc.buildEndSessionUrl(webConfig, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: web.postLogout, state });
    await page.goto(url.href);
    await page.waitForURL((current) => current.href.startsWith(web.postLogout));
    expect(web.last().searchParams.get('state')).toBe(state);
    await expect(oidc.refreshTokenGrant(webConfig, tokens.refresh_token!)).rejects.toThrow();
    expect((await api.request('GET', '/v1/me', { token: tokens.access_token })).status).toBe(401);
  });

  it('answers login_required to prompt=none once signed out', async () => {
    const config = await discover(app2.id);
    const { url, expected } = await beginSignIn(config, app2, { prompt: 'none' });
    await page.goto(url.href);
    await page.waitForURL((current) => current.href.startsWith(app2.redirectUri));
    const callback = app2.last();
    expect(callback.searchParams.get('error')).toBe('login_required');
    const refused = await oidc.authorizationCodeGrant(config, callback, expected).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(oidc.AuthorizationResponseError);
    expect((refused as oidc.AuthorizationResponseError).error).toBe('login_required');
  });

  it('shows an error page, and no redirect, for an unregistered redirect URI or an expired request', async () => {
    const { url } = await beginSignIn(webConfig, { ...web, redirectUri: 'http://127.0.0.1:8976/callback/../evil' });
    const received = web.received.length;
    await page.goto(url.href);
    await heading('This sign-in request cannot be used');
    await screenshot(page, 'oidc-error-page');
    expect(new URL(page.url()).pathname).toBe('/oauth2/authorize');
    expect(web.received.length).toBe(received);

    await page.goto(`${base}/login?request=${'x'.repeat(43)}`);
    await heading('Sign-in cannot continue');
    await screenshot(page, 'oidc-console-error');
  });

  it('walks a new person through every challenge inside the flow: new password, TOTP enrolment, then a recovery code', async () => {
    // Invited with a temporary password and two-factor required, signing in on another computer.
    const temporary = 'tess-' + Math.random().toString(36).slice(2, 8);
    const invited = await api.request('POST', '/v1/users', {
      token: org.rootToken,
      body: { login: temporary, name: 'Tess Temporary', email: `${temporary}@${org.slug}.example.com`, role: 'developer', delivery: 'temporaryPassword', requireMfa: true },
    });
    expect(invited.status, invited.text).toBe(201);
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const other = await context.newPage();
    other.setDefaultTimeout(10_000);
    other.on('pageerror', (error) => pageErrors.push(error.message));
    const { url, expected } = await beginSignIn(webConfig, web, { org: org.slug, login_hint: temporary });
    await other.goto(url.href);
    await other.getByRole('heading', { level: 1, name: /^Sign in to / }).waitFor();
    // The app's org and login_hint are filled in.
    expect(await other.getByLabel('Organization', { exact: true }).inputValue()).toBe(org.slug);
    expect(await other.getByLabel('Login', { exact: true }).inputValue()).toBe(temporary);
    await other.getByLabel('Password', { exact: true }).fill(invited.body.temporaryPassword);
    await other.getByRole('button', { name: 'Sign in', exact: true }).click();

    const chosen = 'quiet rivers carry old lanterns home';
    await other.getByLabel('New password', { exact: true }).fill(chosen);
    await other.getByLabel('New password, again').fill(chosen);
    await screenshot(other, 'oidc-new-password');
    await other.getByRole('button', { name: 'Set password' }).click();
    const secret = (await other.getByTestId('totp-secret').textContent())!.trim();
    await screenshot(other, 'oidc-totp-setup');
    await other.getByLabel('6-digit code').fill(await generate({ secret, epoch: Math.floor(Date.now() / 1000) }));
    await other.getByRole('button', { name: 'Turn on two-factor' }).click();
    await other.getByTestId('recovery-codes').waitFor();
    const recovery = (await other.getByTestId('recovery-codes').getByRole('listitem').first().textContent())!.trim();
    await screenshot(other, 'oidc-recovery-codes');
    await other.getByRole('button', { name: /I have saved my recovery codes/ }).click();
    await other.waitForURL((current) => current.href.startsWith(web.redirectUri));
    const first = await oidc.authorizationCodeGrant(webConfig, web.last(), { ...expected, idTokenExpected: true });
    expect(first.claims()).toMatchObject({ sub: invited.body.user.id, preferred_username: temporary, amr: ['pwd', 'otp', 'mfa'] });

    // prompt=login: the password again, then a recovery code in place of the authenticator.
    const again = await beginSignIn(webConfig, web, { prompt: 'login', org: org.slug });
    await other.goto(again.url.href);
    await other.getByLabel('Login', { exact: true }).fill(temporary);
    await other.getByLabel('Password', { exact: true }).fill(chosen);
    await other.getByRole('button', { name: 'Sign in', exact: true }).click();
    await other.getByLabel(/Code from your authenticator app/).fill(recovery);
    await other.getByRole('button', { name: 'Verify' }).click();
    await other.waitForURL((current) => current.href.startsWith(web.redirectUri));
    const second = await oidc.authorizationCodeGrant(webConfig, web.last(), { ...again.expected, idTokenExpected: true });
    expect(second.claims()!.auth_time).toBeGreaterThanOrEqual(first.claims()!.auth_time!);
    await context.close();
  });

  it('kept every page accessible, within the CSP, without script errors', () => {
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
    expect(accessibilityLog.pages).toBeGreaterThanOrEqual(7);
    expect(accessibilityLog.problems).toEqual([]);
  });
});
