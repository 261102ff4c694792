import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CATALOGS, type ConsoleKey } from '../../console/src/i18n/catalogs';
import { LOCALES, type Locale } from '../../shared/i18n/locales';
import { apiAt, lastEmailTo, tokenFromEmail } from '../support/api';
import { accessibilityAudit, fillLogin, launchChromium, screenshot, type AccessibilityProblem } from '../support/browser';
import { serveOwnConsole, type ServedConsole } from '../support/console-server';
import { STRONG_PASSWORD, uniqueSlug } from '../support/factories';

/**
 * Settings → Branding and → Email templates in every language, in Chromium against the real
 * API: each page screenshotted and checked with axe, and its text compared with the English
 * catalog, so no English sentence is left on a page in another language.
 */
let served: ServedConsole;
let browser: Browser;
let page: Page;
const slug = uniqueSlug('brand');
const problems: AccessibilityProblem[] = [];

/** The English words of the catalog that a page in `locale` must not show (where the translation differs). */
function englishLeftOver(text: string, locale: Locale): string[] {
  const english = CONSOLE_CATALOGS.en;
  const found: string[] = [];
  for (const key of Object.keys(english) as ConsoleKey[]) {
    if (CONSOLE_CATALOGS[locale][key] === english[key]) continue;
    // Static fragments of the message (between ICU arguments), long enough to mean something.
    const fragments = english[key].split(/\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}/).map((part) => part.trim()).filter((part) => part.length >= 6 || (part.length >= 4 && !english[key].includes('{')));
    // As whole words: `Logo` inside `Logotipo` is Spanish.
    const escape = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const fragment of fragments) if (new RegExp(`(?<!\\p{L})${escape(fragment)}(?!\\p{L})`, 'u').test(text)) found.push(`${key}: ${fragment}`);
  }
  return found;
}

beforeAll(async () => {
  served = await serveOwnConsole();
  const api = apiAt(served.url);
  const signUp = await api.request('POST', '/v1/orgs', {
    body: { orgName: 'Zephyr Labs', slug, login: 'owner', name: 'Olivia Okafor', email: `owner@${slug}.example.com`, password: STRONG_PASSWORD },
  });
  if (signUp.status !== 201) throw new Error(signUp.text);
  await api.request('POST', '/v1/auth/verify-email', { body: { token: tokenFromEmail(await lastEmailTo(`owner@${slug}.example.com`)) } });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${served.url}/login?lang=en`);
  await fillLogin(page, { org: slug, login: 'owner', password: STRONG_PASSWORD });
  await page.waitForURL(/\/account/);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

const pages: Array<{ path: string; title: ConsoleKey; ready: ConsoleKey }> = [
  { path: '/settings/branding', title: 'branding.title', ready: 'branding.save' },
  { path: '/settings/email-templates', title: 'templates.title', ready: 'templates.save' },
];

describe.sequential('branding and email templates in every language', { timeout: 60_000 }, () => {
  for (const { path, title, ready } of pages) {
    for (const locale of LOCALES) {
      it(`${path} in ${locale}: translated, accessible, no English left`, async () => {
        await page.goto(`${served.url}${path}?lang=${locale}`);
        const catalog = CONSOLE_CATALOGS[locale];
        await page.getByRole('heading', { level: 1, name: catalog[title] }).waitFor();
        await page.getByRole('button', { name: catalog[ready] }).waitFor();
        expect(await page.evaluate('document.documentElement.lang')).toBe(locale);
        expect(await page.evaluate('document.documentElement.dir')).toBe('ltr');
        const name = `settings-${path.split('/').at(-1)}-${locale}`;
        await screenshot(page, name, { audit: false });
        problems.push(...(await accessibilityAudit(page, name)).problems);
        const text = await page.locator('main').innerText();
        if (locale !== 'en') expect(englishLeftOver(text, locale)).toEqual([]);
      });
    }
  }

  it('is clean for axe on every page and language', () => {
    expect(problems).toEqual([]);
  });

  it('saves the branding and shows it in the live preview, and previews a template in a sandboxed frame', async () => {
    await page.goto(`${served.url}/settings/branding?lang=de`);
    await page.getByLabel('Anzeigename', { exact: true }).fill('Marke AG');
    await expect.poll(() => page.locator('.branding-preview').innerText()).toContain('Bei Marke AG anmelden');
    await page.getByRole('button', { name: 'Markenauftritt speichern' }).click();
    await page.getByRole('status').filter({ hasText: 'Markenauftritt gespeichert.' }).waitFor();
    const api = apiAt(served.url);
    expect((await api.request('GET', `/v1/orgs/${slug}/branding`)).body.displayName).toBe('Marke AG');

    await page.goto(`${served.url}/settings/email-templates?lang=fr`);
    await page.getByRole('button', { name: 'Aperçu' }).click();
    const frame = page.getByTitle('Aperçu de l’e-mail');
    await frame.waitFor();
    expect(await frame.getAttribute('sandbox')).toBe('allow-same-origin');
    expect(await page.getByTestId('preview-text').innerText()).toContain('Bonjour Olivia Okafor');
    await screenshot(page, 'settings-email-templates-preview-fr');
  });

  it('switches the language with the switcher and keeps it as the user’s', async () => {
    await page.goto(`${served.url}/settings/branding`);
    await page.getByRole('combobox', { name: /^(Language|Sprache|Langue|Idioma|言語)$/ }).first().selectOption('ja');
    await page.getByRole('heading', { level: 1, name: 'ブランディング' }).waitFor();
    await expect.poll(async () => page.evaluate('document.documentElement.lang')).toBe('ja');
    await page.goto(`${served.url}/settings/email-templates`);
    await page.getByRole('heading', { level: 1, name: 'メールテンプレート' }).waitFor();
  });
});
