import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CATALOGS } from '../../console/src/i18n/catalogs';
import { resetConfig } from '../../shared/config';
import { LOCALES, type Locale } from '../../shared/i18n/locales';
import { apiAt, lastEmailTo, tokenFromEmail, type Api } from '../support/api';
import { accessibilityAudit, fillLogin, launchChromium, overflowing, screenshot, type AccessibilityProblem } from '../support/browser';
import { serveOwnConsole, type ServedConsole } from '../support/console-server';
import { englishLeftOver, englishWords } from '../support/english';
import { STRONG_PASSWORD, loginAs, uniqueSlug } from '../support/factories';
import { scim, scimUser } from '../support/scim';

/**
 * My account (every section: profile, permissions, email, password, two-factor, passkeys,
 * sessions, API tokens) and Settings → Provisioning in every language, in Chromium against the
 * real API, with data in every list (a passkey, sessions, an API token, a SCIM token, a group
 * mapping) and the confirmations and an API error on screen: no English left (neither a
 * catalog sentence nor a sentence still written in code), dates in the language's format,
 * axe clean, nothing past a 390 px screen's edge in the longest language. Then the language
 * switcher: the pick is the user's locale, which the next sign-in on another browser follows.
 *
 * Passkeys need http://localhost (browsers refuse an IP address as RP ID), so the browser
 * opens that origin and APP_URL names it.
 */
let served: ServedConsole;
let base = '';
let api: Api;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let rootToken = '';
const slug = uniqueSlug('lang');
const owner = { login: 'olivia', name: 'Olivia Owner', email: `olivia@${slug}.example.com` };
const problems: AccessibilityProblem[] = [];
/** What the deployment and the test put on the pages: data, not console words. */
const data: string[] = [owner.name, owner.email, `ada@${slug}.example.com`, 'Lingua Test', 'deploy-bot', 'okta-prod', 'it-admins'];

beforeAll(async () => {
  served = await serveOwnConsole();
  base = `http://localhost:${new URL(served.url).port}`;
  process.env.APP_URL = base;
  resetConfig();
  api = apiAt(served.url);
  const signUp = await api.request('POST', '/v1/orgs', { body: { orgName: 'Lingua Test', slug, ...owner, password: STRONG_PASSWORD } });
  if (signUp.status !== 201) throw new Error(signUp.text);
  await api.request('POST', '/v1/auth/verify-email', { body: { token: tokenFromEmail(await lastEmailTo(owner.email)) } });
  rootToken = (await loginAs(api, slug, owner.login, STRONG_PASSWORD)).accessToken;
  expect((await api.request('POST', '/v1/me/api-tokens', { token: rootToken, body: { name: 'deploy-bot', expiresInDays: 30 } })).status).toBe(201);
  const scimToken = await api.request('POST', '/v1/org/scim/tokens', { token: rootToken, body: { name: 'okta-prod' } });
  expect(scimToken.status).toBe(201);
  // Something the directory did, for the activity list.
  const provisioned = await scim(api, scimToken.body.token)('POST', '/Users', scimUser(`ada@${slug}.example.com`));
  expect(provisioned.status).toBe(201);
  const mapped = await api.request('PUT', '/v1/org/group-mappings', { token: rootToken, body: { items: [{ group: 'it-admins', role: 'admin', permissions: ['logs:read'] }] } });
  expect(mapped.status).toBe(200);
  const catalog = await api.request('GET', '/v1/permissions', { token: rootToken });
  // The deployment's own words (cdk.json gatehouse:permissions).
  for (const entry of catalog.body.items as Array<{ description: string }>) data.push(entry.description);

  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', ctap2Version: 'ctap2_1', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  await page.goto(`${base}/login?lang=en`);
  await fillLogin(page, { org: slug, login: owner.login, password: STRONG_PASSWORD });
  await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
  // A passkey in the list; as the first second factor it also turns two-factor on.
  const passkeys = page.getByRole('region', { name: 'Passkeys' });
  await passkeys.getByRole('button', { name: 'Add a passkey' }).click();
  await passkeys.getByRole('button', { name: 'I have saved my recovery codes' }).click();
  await passkeys.getByRole('cell', { name: 'This device only' }).waitFor();
}, 240_000);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close();
  await served?.stop();
});

/** Every word a person meets on the page: visible text, accessible names and the tab's title; the data removed. */
async function wordsOnPage(): Promise<string> {
  const text = (await page.evaluate(`(() => {
    const parts = [document.title];
    for (const root of document.querySelectorAll('a.skip, header, main')) {
      // Module names of the deployment's permission catalog head their group: data, on a line of their own.
      const lines = root.innerText.split('\\n');
      for (const module of root.querySelectorAll('.own-permissions > li > strong')) {
        const at = lines.findIndex((line) => line.trim() === module.innerText.trim());
        if (at >= 0) lines.splice(at, 1);
      }
      parts.push(lines.join('\\n'));
      for (const element of root.querySelectorAll('[aria-label], [title], [placeholder], [alt], [data-label]')) {
        for (const name of ['aria-label', 'title', 'placeholder', 'alt', 'data-label']) if (element.hasAttribute(name)) parts.push(element.getAttribute(name));
      }
    }
    return parts.join('\\n');
  })()`)) as string;
  return data.reduce((rest, value) => rest.split(value).join(' '), text);
}

async function checkPage(locale: Locale, name: string) {
  expect(await page.evaluate('document.documentElement.lang')).toBe(locale);
  await screenshot(page, `${name}-${locale}`, { audit: false });
  problems.push(...(await accessibilityAudit(page, `${name} ${locale}`)).problems);
  if (locale === 'en') return;
  const words = await wordsOnPage();
  expect(englishLeftOver(words, locale), `${name} in ${locale}: catalog English`).toEqual([]);
  expect(englishWords(words), `${name} in ${locale}: English not from the catalog`).toEqual([]);
}

describe.sequential('My account and Provisioning in every language', { timeout: 90_000 }, () => {
  for (const locale of LOCALES) {
    it(`/account in ${locale}: every section translated, dates in its format, axe clean`, async () => {
      const words = CONSOLE_CATALOGS[locale];
      await page.goto(`${base}/account?lang=${locale}`);
      await page.getByRole('heading', { level: 1, name: words['account.title'] }).waitFor();
      const sessions = page.getByTestId('sessions');
      await sessions.locator('tbody tr').nth(1).waitFor();
      await page.getByRole('cell', { name: 'deploy-bot', exact: true }).waitFor();
      await page.getByRole('region', { name: words['passkeys.title'] }).getByRole('table').waitFor();
      await page.getByRole('region', { name: words['permissions.title'] }).locator('.own-permissions').waitFor();
      await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached' });

      // Dates and times as the language writes them (the browser's own Intl, in its time zone).
      const row = sessions.locator('tbody tr').first();
      const id = await row.getAttribute('data-session');
      const listed = (await api.request('GET', '/v1/me/sessions', { token: rootToken })).body.items as Array<{ id: string; createdAt: string }>;
      const createdAt = listed.find((session) => session.id === id)!.createdAt;
      const expected = await page.evaluate(([iso, tag]) => new Date(iso!).toLocaleString(tag, { dateStyle: 'medium', timeStyle: 'short' }), [createdAt, locale]);
      expect(await row.locator('td').nth(3).innerText()).toBe(expected);

      // The folded create form, and a confirmation with an API error in it.
      await page.getByText(words['apiTokens.create'], { exact: true }).click();
      await page.getByRole('form', { name: words['apiTokens.create'] }).getByText(words['permissions.scopes.legend']).waitFor();
      const other = sessions.locator('tbody tr', { hasNotText: words['sessions.current'] }).first();
      await other.getByRole('button').click();
      const confirm = page.getByRole('form', { name: words['sessions.confirm.label'] });
      await confirm.getByLabel(words['common.yourPassword']).waitFor();
      // A wrong password counts towards the login's lockout: two languages show the API's refusal.
      if (locale === 'de' || locale === 'ja') {
        await confirm.getByLabel(words['common.yourPassword']).fill('not the password at all');
        await confirm.getByRole('button', { name: words['sessions.endThis'] }).click();
        await confirm.getByText(words['problem.reauthentication_failed']).waitFor();
      }
      await checkPage(locale, 'account');

      if (locale === 'de' || locale === 'ja') {
        await page.setViewportSize({ width: 390, height: 844 });
        try {
          await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
          expect(await overflowing(page), `/account in ${locale} at 390 px`).toEqual([]);
        } finally {
          await page.setViewportSize({ width: 1280, height: 900 });
        }
      }
    });

    it(`/settings/provisioning in ${locale}: tokens, mappings and activity translated, axe clean`, async () => {
      const words = CONSOLE_CATALOGS[locale];
      await page.goto(`${base}/settings/provisioning?lang=${locale}`);
      await page.getByRole('heading', { level: 1, name: words['provisioning.title'] }).waitFor();
      await page.getByRole('cell', { name: 'okta-prod', exact: true }).waitFor();
      await page.getByRole('group', { name: words['provisioning.mapping'].replace('{number, number}', '1') }).waitFor();
      await page.getByRole('cell', { name: words['provisioning.action.userProvisioned'], exact: true }).waitFor();
      await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached' });
      await checkPage(locale, 'provisioning');
    });
  }

  it('creates a SCIM token shown once and revokes it, with the token list API tokens use too', async () => {
    await page.goto(`${base}/settings/provisioning?lang=en`);
    const create = page.getByRole('form', { name: 'Create a SCIM token' });
    await create.getByLabel('Name', { exact: true }).fill('entra-test');
    await create.getByRole('button', { name: 'Create token' }).click();
    const secret = (await page.getByTestId('scim-token').textContent())!;
    await page.getByRole('cell', { name: 'entra-test', exact: true }).waitFor();
    const prefix = (await page.getByRole('row', { name: /entra-test/ }).getByRole('code').textContent())!.replace('…', '');
    expect(secret.startsWith(prefix)).toBe(true);
    expect((await scim(api, secret)('GET', '/Users?count=1')).status).toBe(200);
    await page.getByRole('button', { name: 'Revoke entra-test' }).click();
    await page.getByRole('cell', { name: 'entra-test', exact: true }).waitFor({ state: 'detached' });
    expect(await page.getByTestId('scim-token').count()).toBe(0);
    expect((await scim(api, secret)('GET', '/Users?count=1')).status).toBe(401);
  });

  it('is clean for axe on every page and language', () => {
    expect(problems).toEqual([]);
  });

  it('keeps the switcher’s pick as the user’s locale, which a sign-in on another browser follows', async () => {
    await page.goto(`${base}/account`);
    await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
    await page.getByRole('combobox', { name: 'Language' }).last().selectOption('de');
    await page.getByRole('heading', { level: 1, name: 'Mein Konto' }).waitFor();
    await expect.poll(async () => (await api.request('GET', '/v1/me', { token: rootToken })).body.locale).toBe('de');

    // Another browser knows nothing of the pick (two-factor is on here, so the same browser with
    // its storage wiped stands in for it): the user's locale alone makes the console German.
    await page.evaluate('localStorage.clear()');
    await page.goto(`${base}/account`);
    await page.getByRole('heading', { level: 1, name: 'Mein Konto' }).waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('de');
    // Back to the organization's default from the profile: no locale stored, and English again.
    const profile = page.getByRole('form', { name: 'Profil' });
    await profile.getByLabel('Sprache der Konsole und Ihrer E-Mails').selectOption('');
    await profile.getByRole('button', { name: 'Profil speichern' }).click();
    await page.getByRole('status').filter({ hasText: 'Gespeichert.' }).waitFor();
    expect((await api.request('GET', '/v1/me', { token: rootToken })).body.locale).toBeNull();
    await page.evaluate('localStorage.clear()');
    await page.goto(`${base}/account`);
    await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
  });
});
