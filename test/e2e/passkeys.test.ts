import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../shared/config';
import { getUser } from '../../shared/data/users';
import { accessibilityLog, launchChromium, screenshot, fillLogin } from '../support/browser';
import { serveOwnConsole, type ServedConsole } from '../support/console-server';
import { STRONG_PASSWORD, uniqueSlug } from '../support/factories';

/**
 * Passkeys in a real Chromium with the DevTools Protocol's virtual authenticator (a platform
 * authenticator with resident keys and user verification): registered in My account, then a
 * sign-in with the passkey alone (the login field's autofill, conditional UI), then the
 * passkey as the second factor after the password. Browsers refuse an IP address as RP ID,
 * so the console is opened at http://localhost:<port> and APP_URL names that origin.
 */
let served: ServedConsole;
let base = '';
let browser: Browser;
let context: BrowserContext;
let page: Page;
let cdp: CDPSession;
let authenticatorId = '';
const pageErrors: string[] = [];

const slug = uniqueSlug('pk');
const owner = { login: 'olivia', name: 'Olivia Owner', email: `olivia@${slug}.test` };

const heading = (name: string) => page.getByRole('heading', { level: 1, name }).waitFor();
const presence = (enabled: boolean) => cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled });

beforeAll(async () => {
  served = await serveOwnConsole();
  const port = new URL(served.url).port;
  base = `http://localhost:${port}`;
  process.env.APP_URL = base;
  resetConfig();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      ctap2Version: 'ctap2_1',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  }));
}, 180_000);

afterEach(async (test) => {
  if (test.task.result?.state === 'fail' && page && !page.isClosed()) await screenshot(page, 'passkeys-failed', { audit: false }).catch(() => undefined);
});

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close();
  await served?.stop();
});

/** The claims of a fresh access token of the page's session (its cookie, rotated by this refresh). */
async function sessionClaims(): Promise<Record<string, unknown>> {
  const token = await page.evaluate(async () => {
    const answer = (await (await fetch('/v1/auth/refresh', { method: 'POST', headers: { prefer: 'refresh-token=cookie' } })).json()) as { accessToken: string };
    return answer.accessToken;
  });
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
}

async function signOut() {
  await page.getByRole('button', { name: 'Log out' }).click();
  await heading('Log in');
}

describe.sequential('passkeys in the console', { timeout: 90_000 }, () => {
  it('registers a passkey in My account', async () => {
    await page.goto(`${base}/signup`);
    await heading('Create your organization');
    await page.getByLabel('Organization name').fill('Passkey Test Ltd');
    await page.getByLabel('Organization address').fill(slug);
    await page.getByLabel('Your name').fill(owner.name);
    await page.getByLabel('Your login').fill(owner.login);
    await page.getByLabel('Your email').fill(owner.email);
    await page.getByLabel('Password', { exact: true }).fill(STRONG_PASSWORD);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await heading('My account');

    const section = page.getByRole('region', { name: 'Passkeys' });
    await section.getByText('You have no passkeys yet.').waitFor();
    await section.getByRole('button', { name: 'Add a passkey' }).click();
    await section.getByText(/Passkey “Passkey” added/).waitFor();
    await section.getByText('Two-factor authentication is on.').waitFor();
    await section.getByRole('button', { name: 'I have saved my recovery codes' }).click();
    await expect.poll(() => section.getByRole('row').count()).toBe(2);
    await section.getByRole('cell', { name: 'This device only' }).waitFor();
    await screenshot(page, 'passkeys-account');

    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResidentCredential).toBe(true);
    expect(credentials[0]!.rpId).toBe('localhost');

    await section.getByRole('button', { name: 'Rename Passkey' }).click();
    await section.getByRole('textbox', { name: 'Name' }).fill('Laptop');
    await section.getByRole('button', { name: 'Save name' }).click();
    await section.getByRole('button', { name: 'Rename Laptop' }).waitFor();
  });

  it('signs in with the passkey alone, offered in the login field’s autofill', async () => {
    await signOut();
    // The virtual authenticator answers the conditional request at once: no organization, login or password.
    await heading('My account');
    expect((await sessionClaims()).amr).toEqual(['hwk', 'user', 'mfa']);
    expect(pageErrors).toEqual([]);
  });

  it('signs in with the “Sign in with a passkey” button', async () => {
    await presence(false);
    await signOut();
    await page.getByLabel('Login', { exact: true }).waitFor();
    expect(await page.getByLabel('Login', { exact: true }).getAttribute('autocomplete')).toBe('username webauthn');
    await screenshot(page, 'passkeys-login');
    await presence(true);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await heading('My account');
  });

  it('asks for the passkey as the second factor after the password', async () => {
    await presence(false);
    await signOut();
    await fillLogin(page, { org: slug, login: owner.login, password: STRONG_PASSWORD });
    await page.getByRole('button', { name: 'Use your passkey' }).waitFor();
    await screenshot(page, 'passkeys-second-factor');
    await presence(true);
    await page.getByRole('button', { name: 'Use your passkey' }).click();
    await heading('My account');
    const claims = await sessionClaims();
    expect(claims.amr).toEqual(['pwd', 'hwk', 'user', 'mfa']);
    const user = await getUser(claims.org as string, claims.sub as string);
    const passkey = Object.values(user!.passkeys!)[0]!;
    // Three ceremonies after registration: the counter moved each time and last use is recorded.
    expect(passkey.counter).toBeGreaterThanOrEqual(3);
    expect(passkey.lastUsedAt).not.toBeNull();
    expect(pageErrors).toEqual([]);
  });

  it('removes the passkey and tells the browser it is gone (WebAuthn Signal API)', async () => {
    const section = page.getByRole('region', { name: 'Passkeys' });
    await section.getByRole('button', { name: 'Remove Laptop' }).click();
    await section.getByText(/Passkey “Laptop” removed/).waitFor();
    await section.getByText('You have no passkeys yet.').waitFor();
    // signalUnknownCredential: Chromium's virtual authenticator drops the credential.
    await expect.poll(async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials.length).toBe(0);
    await signOut();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).waitFor();
    expect(page.url()).toContain('/login');
    expect(pageErrors).toEqual([]);
  });

  it('leaves no accessibility problem on the pages it passed through', () => {
    expect(accessibilityLog.pages).toBeGreaterThanOrEqual(3);
    expect(accessibilityLog.problems).toEqual([]);
  });
});
