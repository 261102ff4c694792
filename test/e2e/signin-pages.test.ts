import { createHash, randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CATALOGS, type ConsoleKey } from '../../console/src/i18n/catalogs';
import { LOCALES, type Locale } from '../../shared/i18n/locales';
import { apiAt, lastEmailTo, linkFromEmail, tokenFromEmail, type Api } from '../support/api';
import { accessibilityAudit, launchChromium, screenshot, type AccessibilityProblem } from '../support/browser';
import { serveOwnConsole, type ServedConsole } from '../support/console-server';
import { englishLeftOver } from '../support/english-left';
import { STRONG_PASSWORD, addMember, loginAs, uniqueSlug } from '../support/factories';

/**
 * The pages a person sees before signing in, in Chromium against the real API, in every
 * language: sign-up, login, forgot and reset password, activation, email verification, the
 * two-factor challenge, "Sign in with SSO" and its errors, an app's sign-in (OpenID Connect)
 * and its errors. Each is checked with axe and its text compared with the English catalog, so
 * no English is left on a page in another language. Then the organization's brand on them,
 * and where the language comes from before sign-in.
 */
let served: ServedConsole;
let api: Api;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const slug = uniqueSlug('signin');
const plainSlug = uniqueSlug('plain');
const BRAND = { displayName: 'Marke Nord AG', primaryColor: '#0F766E', supportUrl: 'https://help.example.com/gatehouse', defaultLocale: 'fr' };
// A hostile SVG: the server cleans it, and the page shows it only as an <img>, where nothing runs anyway.
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" onload="window.parent.hacked=1"><script>window.parent.hacked=2</script><rect width="120" height="40" fill="#0f766e"/></svg>';
let member: { login: string; password: string; secret: string };
const problems: AccessibilityProblem[] = [];

beforeAll(async () => {
  served = await serveOwnConsole();
  api = apiAt(served.url);
  for (const [orgSlug, name] of [[slug, 'Signin Test'], [plainSlug, 'Plain Test']] as const) {
    const email = `owner@${orgSlug}.example.com`;
    const signUp = await api.request('POST', '/v1/orgs', { body: { orgName: name, slug: orgSlug, login: 'owner', name: 'Olivia Owner', email, password: STRONG_PASSWORD } });
    if (signUp.status !== 201) throw new Error(signUp.text);
    await api.request('POST', '/v1/auth/verify-email', { body: { token: tokenFromEmail(await lastEmailTo(email)) } });
  }
  const root = await loginAs(api, slug, 'owner', STRONG_PASSWORD);
  const branded = await api.request('PUT', '/v1/org/branding', {
    token: root.accessToken,
    body: { ...BRAND, logo: `data:image/svg+xml;base64,${Buffer.from(SVG).toString('base64')}` },
  });
  if (branded.status !== 200) throw new Error(branded.text);
  // A member with an authenticator app: the login answers with the two-factor challenge.
  const added = await addMember(api, { slug }, root.accessToken, 'developer');
  const started = await api.request('POST', '/v1/me/mfa/totp', { token: added.accessToken });
  const verified = await api.request('POST', '/v1/me/mfa/totp/verify', { token: added.accessToken, body: { code: await generate({ secret: started.body.secret }) } });
  if (verified.status !== 200) throw new Error(verified.text);
  member = { login: added.login, password: added.password, secret: started.body.secret };

  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

/** An app's sign-in request as GET /oauth2/authorize answers it: the console address it sends the browser to. */
async function appSignIn(uiLocales: string): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    response_type: 'code', client_id: 'demo-web', redirect_uri: 'http://127.0.0.1:8976/callback', scope: 'openid profile',
    state: 'state-1', nonce: 'nonce-1', code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    ui_locales: uiLocales,
  });
  const answer = await fetch(`${served.url}/oauth2/authorize?${query}`, { redirect: 'manual' });
  expect(answer.status).toBe(302);
  const location = new URL(answer.headers.get('location')!);
  return `${location.pathname}${location.search}`;
}

interface Visit {
  name: string;
  /** The address, for a language (`?lang=` where the page has no other way to be told). */
  path: (locale: Locale) => string | Promise<string>;
  title: ConsoleKey;
  /** What must be on the page besides the heading, by catalog key. */
  shows: ConsoleKey[];
  /** The page knows the organization: it shows its brand. */
  branded?: boolean;
  /** Steps after arrival (a login that leads to the challenge). */
  then?: (locale: Locale) => Promise<void>;
}

const VISITS: Visit[] = [
  { name: 'signup', path: (l) => `/signup?lang=${l}`, title: 'signin.signup.title', shows: ['signin.signup.orgName', 'signin.signup.slugHint', 'signin.passwordHint', 'signin.signup.haveOrg'] },
  { name: 'login', branded: true, path: (l) => `/login?lang=${l}&org=${slug}`, title: 'signin.login.title', shows: ['signin.orgHint', 'signin.login.forgot', 'signin.login.sso', 'signin.passkey', 'signin.brand.support'] },
  { name: 'forgot-password', branded: true, path: (l) => `/forgot-password?lang=${l}&org=${slug}`, title: 'signin.forgot.title', shows: ['signin.forgot.submit', 'signin.backToLogin'] },
  { name: 'activate-without-link', path: (l) => `/activate?lang=${l}`, title: 'signin.activate.title', shows: ['signin.missingToken'] },
  { name: 'activate', branded: true, path: (l) => `/activate?lang=${l}#token=not-spent-yet&org=${slug}`, title: 'signin.activate.title', shows: ['signin.activate.welcome', 'signin.passwordAgain'] },
  { name: 'reset-password', branded: true, path: (l) => `/reset-password?lang=${l}#token=not-spent-yet&org=${slug}`, title: 'signin.reset.title', shows: ['signin.newPasswordAgain', 'signin.reset.submit'] },
  { name: 'verify-email-without-link', path: (l) => `/verify-email?lang=${l}`, title: 'signin.verify.title', shows: ['signin.missingToken'] },
  { name: 'sso', branded: true, path: (l) => `/sso?lang=${l}&org=${slug}`, title: 'signin.sso.title', shows: ['signin.sso.emailHint', 'signin.sso.withPasswordInstead'] },
  { name: 'sso-refused', path: (l) => `/sso/complete?lang=${l}#error=user_not_provisioned`, title: 'signin.sso.completing', shows: ['signin.sso.error.notProvisioned', 'signin.sso.retry'] },
  // The app asks for the language with ui_locales; the console is told it as ?lang=.
  { name: 'app-sign-in', path: (l) => appSignIn(`${l} en`), title: 'authorize.title', shows: ['authorize.intro', 'authorize.cancel', 'signin.orgHint'] },
  { name: 'app-sign-in-expired', path: (l) => `/login?lang=${l}&request=not-a-live-request`, title: 'authorize.failed', shows: ['authorize.error.expired', 'authorize.failed.back'] },
  {
    name: 'two-factor-challenge',
    branded: true,
    path: (l) => `/login?lang=${l}&org=${slug}`,
    title: 'signin.login.title',
    shows: ['challenge.code.label', 'challenge.code.submit'],
    then: async (l) => {
      const words = CONSOLE_CATALOGS[l];
      await page.getByLabel(words['signin.login'], { exact: true }).fill(member.login);
      await page.getByLabel(words['signin.password'], { exact: true }).fill(member.password);
      await page.getByRole('button', { name: words['signin.login.submit'], exact: true }).click();
      await page.getByLabel(words['challenge.code.label']).waitFor();
    },
  },
];

/**
 * The longest literal piece of a catalog message, which the page shows whatever fills its arguments.
 * Not the first piece: '{app} にサインイン' starts with an argument, and an empty piece would match any heading.
 */
const staticPart = (message: string) =>
  message
    .split(/\{[^}]*\}/)
    .map((piece) => piece.trim())
    .reduce((longest, piece) => (piece.length > longest.length ? piece : longest), '');

describe.sequential('the sign-in pages in every language', { timeout: 90_000 }, () => {
  for (const locale of LOCALES) {
    it(`${locale}: every page translated, accessible, no English left`, async () => {
      const words = CONSOLE_CATALOGS[locale];
      for (const visit of VISITS) {
        // A fresh document each time: two addresses that differ only in their fragment would not reload.
        await page.goto('about:blank');
        await page.goto(`${served.url}${await visit.path(locale)}`);
        const heading = staticPart(words[visit.title]);
        await page.getByRole('heading', { level: 1 }).filter({ hasText: heading }).waitFor();
        // Pages that know the organization wear its brand (its name shows once the public branding is read).
        if (visit.branded) await page.getByTestId('signin-brand').getByText(BRAND.displayName).waitFor();
        await visit.then?.(locale);
        // Pages that read state first (an app's sign-in request) show a working heading until it is read.
        for (const key of visit.shows) await page.locator('main').getByText(staticPart(words[key])).first().waitFor();
        expect(await page.evaluate('document.documentElement.lang'), visit.name).toBe(locale);
        const text = await page.locator('main').innerText();
        for (const key of visit.shows) expect(text, `${visit.name} shows ${key}`).toContain(staticPart(words[key]));
        if (locale !== 'en') expect(englishLeftOver(text, locale), `${visit.name} in ${locale}`).toEqual([]);
        const name = `signin-${visit.name}-${locale}`;
        if (locale === 'de' || locale === 'ja') await screenshot(page, name, { audit: false });
        problems.push(...(await accessibilityAudit(page, name)).problems);
        // Leave the session the challenge started behind: the next visit starts signed out.
        await context.clearCookies();
      }
    });
  }

  it('is clean for axe on every page in every language', () => {
    expect(problems).toEqual([]);
  });
});

describe.sequential('the organization’s brand on the sign-in pages', { timeout: 60_000 }, () => {
  it('shows the display name, the cleaned logo as an image, the colour on the main button and the support link', async () => {
    let dialogs = 0;
    page.on('dialog', (dialog) => {
      dialogs += 1;
      void dialog.dismiss();
    });
    await page.goto(`${served.url}/login?lang=de&org=${slug}`);
    const brand = page.getByTestId('signin-brand');
    await brand.getByText(BRAND.displayName).waitFor();
    const logo = brand.getByRole('img', { name: CONSOLE_CATALOGS.de['signin.brand.logo'].replace('{name}', BRAND.displayName) });
    await logo.waitFor();
    // Same origin (the CSP allows no other), and really loaded.
    expect(await logo.getAttribute('src')).toMatch(new RegExp(`^/v1/orgs/${slug}/branding/logo\\?v=\\d+$`));
    await expect.poll(() => logo.evaluate((image: { complete: boolean; naturalWidth: number }) => image.complete && image.naturalWidth)).toBe(120);
    const served_ = await fetch(`${served.url}${await logo.getAttribute('src')}`);
    const svg = await served_.text();
    expect(svg).not.toMatch(/script|onload/i);
    expect(served_.headers.get('content-security-policy')).toContain('sandbox');
    expect(await page.evaluate('window.hacked')).toBeUndefined();
    expect(dialogs).toBe(0);

    const button = page.getByRole('button', { name: CONSOLE_CATALOGS.de['signin.login.submit'], exact: true });
    expect(await button.evaluate((element) => (globalThis as unknown as { getComputedStyle(node: unknown): { backgroundColor: string; color: string } }).getComputedStyle(element).backgroundColor)).toBe('rgb(15, 118, 110)');
    expect(await button.evaluate((element) => (globalThis as unknown as { getComputedStyle(node: unknown): { backgroundColor: string; color: string } }).getComputedStyle(element).color)).toBe('rgb(255, 255, 255)');
    expect(await page.getByRole('link', { name: CONSOLE_CATALOGS.de['signin.brand.support'] }).getAttribute('href')).toBe(BRAND.supportUrl);
    await screenshot(page, 'signin-branded-de');
  });

  it('shows the brand once the organization is typed in the login form, and none for one without branding or an unknown slug', async () => {
    await page.goto(`${served.url}/login?lang=en`);
    await expect.poll(() => page.getByTestId('signin-brand').getAttribute('class')).toBe('signin');
    await page.getByLabel('Organization', { exact: true }).fill(slug);
    await page.getByTestId('signin-brand').getByText(BRAND.displayName).waitFor();
    await expect.poll(() => page.getByTestId('signin-brand').getAttribute('class')).toBe('signin branded');

    for (const other of [plainSlug, uniqueSlug('nobody')]) {
      const answered = page.waitForResponse((response) => response.url().includes(`/v1/orgs/${other}/branding`));
      await page.goto(`${served.url}/login?lang=en&org=${other}`);
      await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
      // The answer for an organization that exists without branding and for none at all is the same.
      expect(await (await answered).json()).toMatchObject({ displayName: null, primaryColor: null, logoUrl: null, supportUrl: null, defaultLocale: 'en' });
      expect(await page.getByTestId('signin-brand').getAttribute('class')).toBe('signin');
      expect(await page.locator('.signin-brand').count()).toBe(0);
    }
  });

  it('brands the page an emailed reset link opens, and shows it in the email’s language', async () => {
    const email = `owner@${slug}.example.com`;
    await api.request('PATCH', '/v1/me', { token: (await loginAs(api, slug, 'owner', STRONG_PASSWORD)).accessToken, body: { locale: 'es' } });
    expect((await api.request('POST', '/v1/auth/password/forgot', { body: { org: slug, login: 'owner' } })).status).toBe(202);
    const emailed = (await lastEmailTo(email)).body.text ?? '';
    const link = new URL(linkFromEmail(await lastEmailTo(email), '/reset-password'));
    expect(emailed).toContain(`&org=${slug}`);
    await page.goto(`${served.url}${link.pathname}${link.search}#${new URL(emailed.match(/https?:\/\/\S+\/reset-password\S+/)![0]).hash.slice(1)}`);
    await page.getByRole('heading', { level: 1, name: CONSOLE_CATALOGS.es['signin.reset.title'] }).waitFor();
    await page.getByTestId('signin-brand').getByText(BRAND.displayName).waitFor();
  });
});

describe.sequential('the language before sign-in', { timeout: 60_000 }, () => {
  const headingIn = async (visitor: Page, locale: Locale) => {
    await visitor.getByRole('heading', { level: 1, name: CONSOLE_CATALOGS[locale]['signin.login.title'] }).waitFor();
    expect(await visitor.evaluate('document.documentElement.lang')).toBe(locale);
  };

  it('follows the browser’s languages (a region we lack → its language), then the organization’s default, then English', async () => {
    const austrian = await browser.newContext({ locale: 'de-AT' });
    const visitor = await austrian.newPage();
    await visitor.goto(`${served.url}/login?org=${slug}`);
    await headingIn(visitor, 'de');
    await austrian.close();

    // An Italian browser: nothing it asks for is ours, so the organization's default (French) applies…
    const italian = await browser.newContext({ locale: 'it-IT' });
    const guest = await italian.newPage();
    await guest.goto(`${served.url}/login?org=${slug}`);
    await headingIn(guest, 'fr');
    // …and without an organization, English.
    await guest.goto(`${served.url}/login`);
    await headingIn(guest, 'en');
    await italian.close();
  });

  it('keeps the language last picked on this browser over the browser’s own, and a link’s ?lang= over both', async () => {
    const japanese = await browser.newContext({ locale: 'ja-JP' });
    const visitor = await japanese.newPage();
    await visitor.goto(`${served.url}/login?org=${slug}`);
    await headingIn(visitor, 'ja');
    await visitor.getByRole('combobox', { name: CONSOLE_CATALOGS.ja['language.label'] }).selectOption('pt-BR');
    await headingIn(visitor, 'pt-BR');
    await visitor.goto(`${served.url}/forgot-password`);
    await visitor.getByRole('heading', { level: 1, name: CONSOLE_CATALOGS['pt-BR']['signin.forgot.title'] }).waitFor();
    // The organization's default does not override a choice.
    await visitor.goto(`${served.url}/login?org=${slug}`);
    await headingIn(visitor, 'pt-BR');
    await visitor.goto(`${served.url}/login?lang=es`);
    await headingIn(visitor, 'es');
    await japanese.close();
  });

  it('signs up in the language the page is shown in: the root’s locale and the organization’s default', async () => {
    const newSlug = uniqueSlug('nouveau');
    await page.goto(`${served.url}/signup?lang=fr`);
    const words = CONSOLE_CATALOGS.fr;
    await page.getByLabel(words['signin.signup.orgName'], { exact: true }).fill('Nouvelle Org');
    await page.getByLabel(words['signin.signup.slug'], { exact: true }).fill(newSlug);
    await page.getByLabel(words['signin.signup.name'], { exact: true }).fill('Noé Nouveau');
    await page.getByLabel(words['signin.signup.login'], { exact: true }).fill('noe');
    await page.getByLabel(words['signin.signup.email'], { exact: true }).fill(`noe@${newSlug}.example.com`);
    await page.getByLabel(words['signin.password'], { exact: true }).fill(STRONG_PASSWORD);
    await page.getByRole('button', { name: words['signin.signup.submit'] }).click();
    await page.waitForURL(/\/account/);
    const tokens = await loginAs(api, newSlug, 'noe', STRONG_PASSWORD);
    expect((await api.request('GET', '/v1/me', { token: tokens.accessToken })).body.locale).toBe('fr');
    expect((await api.request(`GET`, `/v1/orgs/${newSlug}/branding`)).body.defaultLocale).toBe('fr');
    await context.clearCookies();
  });
});
