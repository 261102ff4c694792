import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CATALOGS, type ConsoleKey } from '../../console/src/i18n/catalogs';
import { resetConfig } from '../../shared/config';
import { orgIdBySlug } from '../../shared/data/orgs';
import { LOCALES, type Locale } from '../../shared/i18n/locales';
import { importInvoices } from '../../shared/services/billing';
import { newServiceProviderKeyPair } from '../../shared/sso/saml/certificates';
import { apiAt, lastEmailTo, tokenFromEmail, type Api } from '../support/api';
import { accessibilityAudit, fillLogin, launchChromium, screenshot, type AccessibilityProblem } from '../support/browser';
import { serveOwnConsole, type ServedConsole } from '../support/console-server';
import { startTxtServer, type TxtServer } from '../support/dns-server';
import { STRONG_PASSWORD, addMember, loginAs, signUpOrg, type Member, type SignedUpOrg } from '../support/factories';
import { testDomain, verifiedDomain } from '../support/sso';

/**
 * The administration pages (users, a user, import, organization, audit log, billing, invoices,
 * two-factor policy, single sign-on, webhooks) in every language, in Chromium against the real
 * API, each with data on it: screenshotted, checked with axe, and its words (visible text,
 * every folded-away detail opened, labels, placeholders and options) compared with the English
 * catalog, so no English sentence of the catalog is left on a page in another language.
 */
let served: ServedConsole;
let browser: Browser;
let page: Page;
let dns: TxtServer;
let api: Api;
let org: SignedUpOrg & { rootToken: string };
let developer: Member;
const problems: AccessibilityProblem[] = [];

/** The English words of the catalog that a page in `locale` must not show (where the translation differs). */
function englishLeftOver(text: string, locale: Locale): string[] {
  const english = CONSOLE_CATALOGS.en;
  const found: string[] = [];
  const escape = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const key of Object.keys(english) as ConsoleKey[]) {
    if (CONSOLE_CATALOGS[locale][key] === english[key]) continue;
    // Static fragments of the message (between ICU arguments), long enough to mean something.
    const fragments = english[key].split(/\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}/).map((part) => part.trim()).filter((part) => part.length >= 6 || (part.length >= 4 && !english[key].includes('{')));
    // As whole words: `Logo` inside `Logotipo` is Spanish.
    for (const fragment of fragments) if (new RegExp(`(?<!\\p{L})${escape(fragment)}(?!\\p{L})`, 'u').test(text)) found.push(`${key}: ${fragment}`);
  }
  return found;
}

/**
 * Parts of these pages that other pages' code draws (issue 30's slices A and B convert them:
 * sessions, permissions, passkeys and API tokens of a user, "Sign everyone out", the once-only
 * secret's warning): left out here until their own words are in the catalogs.
 */
const OTHERS = [
  'section[aria-labelledby="org-sessions-title"]',
  'section[aria-labelledby="user-sessions-title"]',
  'section[aria-labelledby="user-passkeys-title"]',
  '#permissions',
  '#api-tokens > :not(h2)',
  '.once > p',
  '.once > button',
].join(', ');

/** Opens every folded-away detail, so what it holds is audited and read too. */
async function unfold(page: Page) {
  await page.evaluate(`document.querySelectorAll('main details').forEach((details) => { details.open = true; })`);
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
}

/**
 * Everything a person reads or hears in the page's main area: text, labels, placeholders,
 * options and the title, without code (identifiers such as `user.invited`, recorded JSON), names
 * marked with another `lang`, and without the parts other slices draw.
 */
async function wordsOf(page: Page): Promise<string> {
  const words = (await page.evaluate(`(() => {
    const main = document.querySelector('main');
    for (const element of main.querySelectorAll(${JSON.stringify(OTHERS)})) element.hidden = true;
    for (const code of main.querySelectorAll('code')) code.hidden = true;
    // Names marked as being in another language (the language picker's endonyms, a standard's name).
    for (const element of main.querySelectorAll('[lang]')) if (element.lang !== document.documentElement.lang) element.hidden = true;
    const shown = (element) => !element.closest('[hidden]');
    const attributes = [...main.querySelectorAll('[aria-label], [placeholder], [title], [data-label]')].filter(shown)
      .flatMap((element) => ['aria-label', 'placeholder', 'title', 'data-label'].map((name) => element.getAttribute(name) ?? ''));
    const options = [...main.querySelectorAll('option')].filter(shown).map((option) => option.textContent);
    return [main.innerText, document.title, ...attributes, ...options].join('\\n');
  })()`)) as string;
  // Dotted lowercase names are identifiers (an audit action in its filter option), not words.
  return words.replace(/[a-z_]+(?:\.[a-z_]+)+/g, ' ');
}

const IMPORT_CSV = ['login,name,email,role', 'kai,Kai Kim,kai@example.com,developer', 'zed,Zed,zed@example.com,root'].join('\r\n');

beforeAll(async () => {
  dns = await startTxtServer();
  process.env.GATEHOUSE_DNS_SERVER = dns.address;
  resetConfig();
  served = await serveOwnConsole();
  api = apiAt(served.url);
  // Names that are no English word of the catalog, so the check below sees only the console's own words.
  const signedUp = await signUpOrg(api, { orgName: 'Kappa GmbH', name: 'Olivia Oak' });
  const token = tokenFromEmail(await lastEmailTo(signedUp.root.email));
  expect((await api.request('POST', '/v1/auth/verify-email', { body: { token } })).status).toBe(204);
  org = { ...signedUp, rootToken: (await loginAs(api, signedUp.slug, signedUp.root.login, STRONG_PASSWORD)).accessToken };
  developer = await addMember(api, org, org.rootToken, 'developer', { login: 'dana', name: 'Dana Dias' });
  // A pending invitation, a verified and a pending domain, a SAML connection, a webhook and invoices: every part of the pages has something to show.
  const invited = await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'pia', name: 'Pia Park', email: `pia@${org.slug}.example.com`, role: 'developer' } });
  expect(invited.status).toBe(201);
  const domain = (await verifiedDomain(api, dns, org.rootToken)).domain;
  expect((await api.request('POST', '/v1/org/domains', { token: org.rootToken, body: { domain: testDomain('wait') } })).status).toBe(201);
  const connection = await api.request('POST', '/v1/org/sso/connections', {
    token: org.rootToken,
    body: {
      name: 'Kappa IdP', protocol: 'saml', domains: [domain], jit: { enabled: true, defaultRole: 'developer' },
      saml: { entityId: 'https://idp.kappa.test', ssoUrl: 'http://127.0.0.1:9/sso', certificates: [newServiceProviderKeyPair('Kappa IdP', new Date()).certificate] },
    },
  });
  expect(connection.status, connection.text).toBe(201);
  const webhook = await api.request('POST', '/v1/org/webhooks', { token: org.rootToken, body: { url: 'https://example.com/kappa', events: ['user.created', 'session.ended'], description: 'Kappa CRM' } });
  expect(webhook.status, webhook.text).toBe(201);
  const orgId = (await orgIdBySlug(org.slug))!;
  await importInvoices([1, 2].map((month) => ({ org: orgId, number: `K-${month}`, periodStart: `2026-0${month}-01`, periodEnd: `2026-0${month}-28`, amountDue: 123_456 * month, currency: 'EUR', status: month === 2 ? 'open' : 'paid' })));

  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${served.url}/login?lang=en`);
  await fillLogin(page, { org: org.slug, login: org.root.login, password: STRONG_PASSWORD });
  await page.waitForURL(/\/account/);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  await dns?.stop();
  delete process.env.GATEHOUSE_DNS_SERVER;
  resetConfig();
});

interface AdminPage {
  path: () => string;
  title: (locale: Locale) => string;
  /** Waits until the page shows its data (and does what makes the rest of it appear). */
  ready: (locale: Locale) => Promise<unknown>;
}

const text = (locale: Locale, key: ConsoleKey) => CONSOLE_CATALOGS[locale][key];
const titled = (key: ConsoleKey) => (locale: Locale) => text(locale, key);

const pages: Record<string, AdminPage> = {
  users: { path: () => '/settings/users', title: titled('users.title'), ready: () => page.getByRole('link', { name: 'dana', exact: true }).waitFor() },
  user: {
    path: () => `/settings/users/${developer.id}`,
    title: () => 'Dana Dias (dana)',
    ready: (locale) => page.getByRole('button', { name: text(locale, 'user.delete.submit') }).waitFor(),
  },
  import: {
    path: () => '/settings/users/import',
    title: titled('import.title'),
    ready: async (locale) => {
      await page.getByLabel(text(locale, 'import.file')).setInputFiles({ name: 'kappa.csv', mimeType: 'text/csv', buffer: Buffer.from(IMPORT_CSV) });
      await page.getByRole('button', { name: text(locale, 'import.check') }).click();
      await page.getByTestId('import-report').getByRole('table').waitFor();
    },
  },
  organization: { path: () => '/settings/organization', title: titled('org.title'), ready: (locale) => page.getByRole('button', { name: text(locale, 'org.rename.submit') }).waitFor() },
  audit: { path: () => '/settings/audit', title: titled('audit.title'), ready: () => page.getByRole('cell', { name: 'user.invited' }).first().waitFor() },
  billing: { path: () => '/settings/billing', title: titled('billing.title'), ready: (locale) => page.getByRole('button', { name: text(locale, 'billing.save') }).waitFor() },
  invoices: { path: () => '/settings/invoices', title: titled('billing.invoices'), ready: () => page.getByRole('cell', { name: 'K-2' }).waitFor() },
  mfaPolicy: { path: () => '/settings/mfa-policy', title: titled('mfaPolicy.title'), ready: (locale) => page.getByRole('button', { name: text(locale, 'mfaPolicy.save') }).waitFor() },
  sso: { path: () => '/settings/sso', title: titled('sso.title'), ready: () => page.getByTestId('connection-Kappa IdP').waitFor() },
  webhooks: { path: () => '/settings/webhooks', title: titled('webhooks.title'), ready: () => page.getByRole('heading', { name: 'Kappa CRM' }).waitFor() },
};

describe.sequential('administration pages in every language', { timeout: 90_000 }, () => {
  for (const [name, admin] of Object.entries(pages)) {
    for (const locale of LOCALES) {
      it(`${name} in ${locale}: translated, accessible, no English left`, async () => {
        await page.goto(`${served.url}${admin.path()}?lang=${locale}`);
        await page.getByRole('heading', { level: 1, name: admin.title(locale) }).waitFor();
        await admin.ready(locale);
        await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached' });
        expect(await page.evaluate('document.documentElement.lang')).toBe(locale);
        await screenshot(page, `admin-${name}-${locale}`, { audit: false });
        await unfold(page);
        problems.push(...(await accessibilityAudit(page, `admin-${name}-${locale}`)).problems);
        const words = await wordsOf(page);
        if (locale !== 'en') expect(englishLeftOver(words, locale), words).toEqual([]);
      });
    }
  }

  it('is clean for axe on every page and language', () => {
    expect(problems).toEqual([]);
  });

  it('writes dates, numbers and amounts the way the language does', async () => {
    await page.goto(`${served.url}/settings/invoices?lang=de`);
    await page.getByRole('cell', { name: 'K-2' }).waitFor();
    // 2,469.12 EUR in German: thousands with a dot, cents after a comma, the sign after the amount.
    await page.getByRole('cell', { name: /^2\.469,12\s€$/ }).waitFor();
    await page.getByText('01.02.2026 – 28.02.2026').waitFor();
    await page.goto(`${served.url}/settings/invoices?lang=ja`);
    await page.getByRole('cell', { name: '€2,469.12' }).waitFor();
    await page.getByText('2026/02/01〜2026/02/28').waitFor();
  });

  it('reads the audit log as sentences in the language, and sets a user’s language', async () => {
    await page.goto(`${served.url}/settings/audit?lang=fr`);
    await page.getByText(`${org.root.login} a invité pia comme Développeur`).waitFor();
    await page.getByLabel('Action').selectOption('user.invited');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL(/action=user\.invited/);

    await page.goto(`${served.url}/settings/users/${developer.id}?lang=es`);
    await page.getByRole('form', { name: 'Editar usuario' }).getByLabel('Idioma', { exact: true }).selectOption('pt-BR');
    // The saved answer itself, not only the status line (a status of an earlier save may still show).
    const saved = page.waitForResponse((response) => response.request().method() === 'PATCH' && response.url().endsWith(`/v1/users/${developer.id}`));
    await page.getByRole('button', { name: 'Guardar cambios' }).click();
    expect((await saved).status()).toBe(200);
    await page.getByRole('status').filter({ hasText: 'Guardado.' }).waitFor();
    const stored = await api.request('GET', `/v1/users/${developer.id}`, { token: org.rootToken });
    expect(stored.body.locale).toBe('pt-BR');
  });
});
