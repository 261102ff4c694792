import type { AddressInfo } from 'node:net';
import { generate } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole } from '../../infra/console/build';
import { CONSOLE_DIR } from '../../infra/console/policy';
import { consoleServer } from '../../infra/local/console-server';
import { handlers } from '../../infra/local/handlers';
import { createApiServer } from '../../infra/local/http-adapter';
import { clock } from '../../shared/clock';
import { orgIdBySlug } from '../../shared/data/orgs';
import { importInvoices } from '../../shared/services/billing';
import { lastEmailTo, linkFromEmail } from '../support/api';
import { accessibilityLog, launchChromium, screenshot, fillLogin } from '../support/browser';
import { uniqueSlug } from '../support/factories';

/**
 * The console in a real browser against the real API (DynamoDB Local, the SES emulator),
 * served on one origin as `npm start` serves it. One story, in order: each step builds on
 * the one before, the way an organization actually starts using Gatehouse.
 */
const server = createApiServer(handlers, { console: consoleServer(CONSOLE_DIR) });
let base = '';
let browser: Browser;
const contexts: BrowserContext[] = [];
const cspViolations: string[] = [];
const pageErrors: string[] = [];

const realNow = clock.now;
let offsetMs = 0;
/** Moves the server's clock (TOTP steps, expiries) forward without waiting. */
const advance = (ms: number) => {
  offsetMs += ms;
  clock.now = () => realNow() + offsetMs;
};
const totp = (secret: string) => generate({ secret, epoch: Math.floor(clock.now() / 1000) });
// The page's globals, typed loosely: this file is type-checked without the DOM library.
declare const globalThis: { localStorage: object; sessionStorage: object; document: { cookie: string } };

const slug = uniqueSlug('e2e');
const password = 'correct horse battery staple 42';
const people = {
  root: { login: 'olivia', name: 'Olivia Owner', email: `olivia@${slug}.test` },
  admin: { login: 'adam', name: 'Adam Admin', email: `adam@${slug}.test`, password: 'orange kettle drifts over the moor' },
  developer: { login: 'dana', name: 'Dana Developer', email: `dana@${slug}.test`, password: 'seven quiet lanterns by the harbour' },
  temp: { login: 'tim', name: 'Tim Temporary', email: `tim@${slug}.test`, password: 'purple walrus reads the morning paper' },
};
const pages: Record<'root' | 'admin' | 'developer' | 'temp', Page> = {} as never;

async function newPage(): Promise<Page> {
  // A context per person: separate cookie jars, as separate browsers would have.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return page;
}

/** The emailed link, opened on this server (APP_URL names the configured origin). */
async function openEmailedLink(page: Page, to: string, path: string) {
  const url = new URL(linkFromEmail(await lastEmailTo(to), path));
  await page.goto(`${base}${url.pathname}${url.hash}`);
}

const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name }).waitFor();
const menu = (page: Page) => page.getByRole('navigation', { name: 'Main' });
const settingsMenu = (page: Page) => page.getByRole('navigation', { name: 'Settings' });
const texts = async (links: ReturnType<Page['getByRole']>) => (await links.allTextContents()).map((text) => text.trim());
/** The main menu, then the settings area's own navigation; the page returns to where it was. */
async function menuEntries(page: Page) {
  const main = await texts(menu(page).getByRole('link'));
  await menu(page).getByRole('link', { name: 'Settings' }).click();
  await settingsMenu(page).getByRole('link').first().waitFor();
  const settings = await texts(settingsMenu(page).getByRole('link'));
  await page.goBack();
  return [...main, ...settings];
}
/** A settings section, reached the way a person does: Settings, then the section. */
async function openSettings(page: Page, section: string) {
  await menu(page).getByRole('link', { name: 'Settings' }).click();
  await settingsMenu(page).getByRole('link', { name: section, exact: true }).click();
}
const form = (page: Page, name: string) => page.getByRole('form', { name });

async function logIn(page: Page, login: string, secret: string) {
  await page.goto(`${base}/login`);
  await heading(page, 'Log in');
  await fillLogin(page, { org: slug, login: login, password: secret });
}

beforeAll(async () => {
  await buildConsole();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 120_000);

// A failed step leaves a picture of every open page, to see what the browser saw.
afterEach(async (context) => {
  if (context.task.result?.state !== 'fail') return;
  for (const [who, page] of Object.entries(pages)) if (!page.isClosed()) await screenshot(page, `failed-${who}`, { audit: false }).catch(() => undefined);
});

afterAll(async () => {
  clock.now = realNow;
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The first-run checklist's items as a screen reader reads them (the hidden "Done:" / "To do:" included). */
async function firstRunSteps(page: Page): Promise<string[]> {
  const list = page.getByRole('region', { name: 'Getting started' });
  await list.waitFor();
  return (await list.getByRole('listitem').allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim());
}

describe.sequential('the console, end to end in Chromium', { timeout: 60_000 }, () => {
  it('signs an organization up and lands its owner on their account', async () => {
    const page = (pages.root = await newPage());
    await page.goto(`${base}/`);
    await heading(page, 'Log in');
    await screenshot(page, 'login');
    await page.getByRole('link', { name: 'Create an organization' }).click();
    await heading(page, 'Create your organization');
    await page.getByLabel('Organization name').fill('End To End Ltd');
    await page.getByLabel('Organization address').fill(slug);
    await page.getByLabel('Your name').fill(people.root.name);
    await page.getByLabel('Your login').fill(people.root.login);
    await page.getByLabel('Your email').fill(people.root.email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await screenshot(page, 'signup');
    await page.getByRole('button', { name: 'Create organization' }).click();
    await heading(page, 'My account');
    await page.getByText(`${people.root.email} — not verified yet`).waitFor();
    expect(await menuEntries(page)).toEqual([
      'My account', 'Settings', 'Organization', 'Users', 'Two-factor policy', 'Single sign-on', 'Provisioning', 'Webhooks', 'Branding',
      'Email templates', 'Billing', 'Invoices', 'Audit log',
    ]);
    // The first-run checklist: the owner's three steps in order, only the next one with its link.
    expect(await firstRunSteps(page)).toEqual([
      'To do: Verify your email address — Open the link we emailed you',
      'To do: Invite a colleague',
      'To do: Turn on two-factor sign-in',
    ]);
    await screenshot(page, 'account-root-unverified');
  });

  it('keeps the session across a reload without any token in storage a script could read', async () => {
    const page = pages.root;
    await page.reload();
    await heading(page, 'My account');
    const storage = await page.evaluate(() =>
      JSON.stringify({ local: { ...globalThis.localStorage }, session: { ...globalThis.sessionStorage }, cookie: globalThis.document.cookie }),
    );
    expect(storage).toBe('{"local":{},"session":{},"cookie":""}');
    const cookie = (await page.context().cookies()).find((each) => each.name === '__Host-gatehouse-refresh');
    expect(cookie).toMatchObject({ name: '__Host-gatehouse-refresh', httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    // The device cookie of abuse resistance is as closed to scripts.
    expect((await page.context().cookies()).find((each) => each.name === '__Host-gatehouse-device')).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
  });

  it('verifies the owner’s email from the link in the inbox', async () => {
    const page = pages.root;
    await openEmailedLink(page, people.root.email, '/verify-email');
    await page.getByText('Your email address is verified.').waitFor();
    expect(new URL(page.url()).hash).toBe('');
    await screenshot(page, 'verify-email');
    await page.getByRole('link', { name: 'Continue' }).click();
    await page.getByText(`${people.root.email} — verified`).waitFor();
    // The verified address ticks its step; the next step now carries the link.
    await expect
      .poll(() => firstRunSteps(page))
      .toEqual(['Done: Verify your email address', 'To do: Invite a colleague — Invite someone', 'To do: Turn on two-factor sign-in']);
    expect(await page.getByRole('region', { name: 'Getting started' }).getByRole('listitem').first().getAttribute('class')).toBe('done');
  });

  it('invites an admin and a developer, showing each activation link once', async () => {
    const page = pages.root;
    await openSettings(page, 'Users');
    await heading(page, 'Users');
    await page.getByText('Invite someone', { exact: true }).click();
    for (const [who, role] of [['admin', 'Admin'], ['developer', 'Developer']] as const) {
      const person = people[who];
      const invite = form(page, 'Invite someone');
      await invite.getByLabel('Login', { exact: true }).fill(person.login);
      await invite.getByLabel('Name', { exact: true }).fill(person.name);
      await invite.getByLabel('Email', { exact: true }).fill(person.email);
      await invite.getByLabel('Role', { exact: true }).selectOption({ label: role });
      if (who === 'admin') await screenshot(page, 'users-invite-form');
      await invite.getByRole('button', { name: 'Invite' }).click();
      const shown = await page.getByTestId('activation-link').textContent();
      expect(shown).toMatch(/\/activate#token=/);
      // The emailed copy also names the email's language: /activate?lang=en#token=…
      expect((await lastEmailTo(person.email)).body.text).toContain(shown!.replace('/activate#', '/activate?lang=en#'));
      if (who === 'admin') await screenshot(page, 'users-invite-link-shown-once');
      await page.getByRole('button', { name: 'Invite someone else' }).click();
    }
  });

  it('puts the API’s problem next to the field it concerns', async () => {
    const page = pages.root;
    const invite = form(page, 'Invite someone');
    await invite.getByLabel('Login', { exact: true }).fill(people.admin.login);
    await invite.getByLabel('Name', { exact: true }).fill('Someone Else');
    await invite.getByLabel('Email', { exact: true }).fill(`else@${slug}.test`);
    await invite.getByRole('button', { name: 'Invite' }).click();
    const login = invite.getByLabel('Login', { exact: true });
    await invite.getByText('Someone in your organization already has this login.').waitFor();
    expect(await login.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await login.getAttribute('aria-describedby'))!.split(' ')[0]!;
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toBe('Someone in your organization already has this login.');
    await screenshot(page, 'users-invite-field-error');
  });

  it('invites with a temporary password, shown once, which must be changed at first login', async () => {
    const page = pages.root;
    const invite = form(page, 'Invite someone');
    await invite.getByLabel('Login', { exact: true }).fill(people.temp.login);
    await invite.getByLabel('Name', { exact: true }).fill(people.temp.name);
    await invite.getByLabel('Email', { exact: true }).fill(people.temp.email);
    await invite.getByLabel('How they get in').selectOption('temporaryPassword');
    await invite.getByRole('button', { name: 'Invite' }).click();
    const temporary = (await page.getByTestId('temporary-password').textContent())!;
    await screenshot(page, 'users-invite-temporary-password');

    const tim = (pages.temp = await newPage());
    await logIn(tim, people.temp.login, temporary);
    await tim.getByText('Choose your own to continue.').waitFor();
    await tim.getByLabel('New password', { exact: true }).fill(people.temp.password);
    await tim.getByLabel('New password, again').fill(people.temp.password);
    await screenshot(tim, 'login-new-password-required');
    await tim.getByRole('button', { name: 'Set password' }).click();
    await heading(tim, 'My account');
  });

  it('activates the admin and the developer from their emailed links', async () => {
    for (const who of ['admin', 'developer'] as const) {
      const person = people[who];
      const page = (pages[who] = await newPage());
      await openEmailedLink(page, person.email, '/activate');
      await heading(page, 'Activate your account');
      await page.getByLabel('Password', { exact: true }).fill(person.password);
      await page.getByLabel('Password, again').fill(person.password);
      if (who === 'admin') await screenshot(page, 'activate');
      await page.getByRole('button', { name: 'Activate' }).click();
      await heading(page, 'My account');
      await page.getByText(`${person.email} — verified`).waitFor();
    }
  });

  it('enrols TOTP from the secret shown, then logs out and back in with a code', async () => {
    const page = pages.admin;
    await page.getByRole('button', { name: 'Set up two-factor' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
    await page.locator('img.qr').waitFor();
    expect(await page.locator('img.qr').evaluate((image: { complete: boolean; naturalWidth: number }) => image.complete && image.naturalWidth > 0)).toBe(true);
    await screenshot(page, 'account-totp-setup');
    await page.getByLabel('6-digit code').fill(await totp(secret));
    await page.getByRole('button', { name: 'Turn on two-factor' }).click();
    await page.getByTestId('recovery-codes').waitFor();
    const codes = await page.getByTestId('recovery-codes').getByRole('listitem').allTextContents();
    expect(codes).toHaveLength(10);
    await page.getByTestId('mfa-state').getByText('On:').waitFor();
    await screenshot(page, 'account-recovery-codes');

    // The file offered for download is named for what it holds and holds every code.
    const download = page.getByRole('link', { name: 'Download as a file' });
    expect(await download.getAttribute('download')).toBe('gatehouse-recovery-codes.txt');
    const href = (await download.getAttribute('href'))!;
    expect(href.startsWith('data:text/plain;charset=utf-8,')).toBe(true);
    const file = decodeURIComponent(href.slice(href.indexOf(',') + 1));
    for (const each of codes) expect(file).toContain(each.trim());

    // "Copied" only once the clipboard took the codes; a refusal says so instead.
    type InPage = { navigator: { clipboard: { writeText: (text: string) => Promise<void> } }; copiedByTest?: string };
    await page.evaluate(() => {
      (globalThis as unknown as InPage).navigator.clipboard.writeText = () => Promise.reject(new Error('refused by the test'));
    });
    await page.getByRole('button', { name: 'Copy the codes' }).click();
    await page.getByText('Your browser did not allow copying').waitFor();
    expect(await page.getByRole('button', { name: 'Copied' }).count()).toBe(0);
    await page.evaluate(() => {
      const scope = globalThis as unknown as InPage;
      scope.navigator.clipboard.writeText = async (text) => {
        scope.copiedByTest = text;
      };
    });
    await page.getByRole('button', { name: 'Copy the codes' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.getByText('Your browser did not allow copying').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as InPage).copiedByTest)).toBe(file);

    await page.getByRole('button', { name: 'Log out' }).click();
    await heading(page, 'Log in');
    // Only the device cookie stays: the browser remains known to its login (abuse resistance).
    expect((await page.context().cookies()).map((each) => each.name)).toEqual(['__Host-gatehouse-device']);

    // A code is accepted once per 30-second step: move to the next step instead of waiting.
    advance(30_000);
    await logIn(page, people.admin.login, people.admin.password);
    const code = page.getByLabel('Code from your authenticator app, or a recovery code');
    await code.fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('That code is not right.').waitFor();
    await screenshot(page, 'login-mfa-required');
    await code.fill(await totp(secret));
    await page.getByRole('button', { name: 'Verify' }).click();
    await heading(page, 'My account');
  });

  it('shows the developer neither users nor billing, in the menu or by address', async () => {
    const page = pages.developer;
    expect(await menuEntries(page)).toEqual(['My account', 'Settings', 'Organization']);
    await screenshot(page, 'account-developer');
    for (const path of ['/users', '/billing', '/invoices', '/audit']) {
      await page.goto(`${base}${path}`);
      await heading(page, 'Not available');
    }
    await screenshot(page, 'developer-not-available');
  });

  it('shows the admin invoices but not billing', async () => {
    const orgId = (await orgIdBySlug(slug))!;
    const report = await importInvoices(
      [1, 2, 3].map((month) => ({
        org: orgId,
        number: `E2E-${month}`,
        periodStart: `2026-0${month}-01`,
        periodEnd: `2026-0${month}-28`,
        amountDue: 4900 * month,
        currency: 'EUR',
        status: month === 3 ? 'open' : 'paid',
      })),
    );
    expect(report).toMatchObject({ created: 3 });
    const page = pages.admin;
    expect(await menuEntries(page)).toEqual(['My account', 'Settings', 'Organization', 'Users', 'Provisioning', 'Invoices', 'Audit log']);
    await openSettings(page, 'Invoices');
    await heading(page, 'Invoices');
    await expect.poll(() => page.getByRole('row').count()).toBe(4);
    expect(await page.getByRole('cell', { name: 'E2E-3' }).count()).toBe(1);
    await screenshot(page, 'invoices-admin');
    await page.goto(`${base}/billing`);
    await heading(page, 'Not available');
  });

  it('lets the owner keep billing details', async () => {
    const page = pages.root;
    await openSettings(page, 'Billing');
    await heading(page, 'Billing');
    await page.getByLabel('Plan').selectOption('team');
    await page.getByLabel('Billing email').fill(`billing@${slug}.test`);
    await page.getByLabel('Country code').fill('FR');
    await page.getByRole('button', { name: 'Save billing details' }).click();
    // An address needs its other fields: the API says so beside each one.
    await page.getByLabel('City').and(page.locator('[aria-invalid="true"]')).waitFor();
    await screenshot(page, 'billing-field-errors');
    await page.getByLabel('Address line 1').fill('1 Rue de la Paix');
    await page.getByLabel('City').fill('Paris');
    await page.getByLabel('Postal code').fill('75002');
    await page.getByRole('button', { name: 'Save billing details' }).click();
    await page.getByText('Billing details saved.').waitFor();
    await screenshot(page, 'billing');
  });

  it('finds users by search, role and status, and opens one', async () => {
    const page = pages.root;
    await openSettings(page, 'Users');
    await heading(page, 'Users');
    await page.getByRole('cell', { name: people.developer.name }).waitFor();
    await expect.poll(() => page.getByRole('row').count()).toBe(5);
    await page.getByRole('search').getByLabel('Role').selectOption('admin');
    await page.waitForURL(/role=admin/);
    await expect.poll(() => page.getByRole('row').count()).toBe(2);
    await page.getByRole('cell', { name: 'Adam Admin' }).waitFor();
    await page.getByRole('search').getByLabel('Role').selectOption('');
    await page.getByRole('search').getByLabel('Search').fill('dan');
    await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=dan/);
    await expect.poll(() => page.getByRole('row').count()).toBe(2);
    await page.getByRole('cell', { name: 'Dana Developer' }).waitFor();
    await screenshot(page, 'users-search');
    await page.getByRole('link', { name: people.developer.login }).click();
    await heading(page, `${people.developer.name} (${people.developer.login})`);
    await screenshot(page, 'user-detail');
  });

  it('pages through a long list of users, forward and back', async () => {
    // Thirty service accounts through the API, as a script of the owner's would add them.
    const login = await fetch(`${base}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ org: slug, login: people.root.login, password }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    for (let index = 0; index < 30; index += 1) {
      const created = await fetch(`${base}/v1/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ type: 'service', login: `bot-${String(index).padStart(2, '0')}`, name: `Bot ${index}`, role: 'developer' }),
      });
      expect(created.status).toBe(201);
    }
    const page = pages.root;
    const userUrl = page.url();
    await page.goto(`${base}/users`);
    await heading(page, 'Users');
    await expect.poll(() => page.getByRole('row').count()).toBe(26);
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText('Page 2').waitFor();
    // 34 users in all: 25 on the first page, 9 on the second.
    await expect.poll(() => page.getByRole('row').count()).toBe(10);
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    await screenshot(page, 'users-page-2');
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.getByText('Page 1').waitFor();
    await expect.poll(() => page.getByRole('row').count()).toBe(26);
    await page.goto(userUrl);
    await heading(page, `${people.developer.name} (${people.developer.login})`);
  });

  it('shows "someone changed this while you were editing" and recovers from it', async () => {
    const page = pages.root;
    const userUrl = page.url();
    // The same owner, in a second tab, saves first.
    const other = await page.context().newPage();
    await other.goto(userUrl);
    await other.getByLabel('Location').fill('Lisbon');
    await other.getByRole('button', { name: 'Save changes' }).click();
    await other.getByText('Saved.').waitFor();
    await other.close();

    await page.getByLabel('Location').fill('Berlin');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Someone changed this user while you were editing.').waitFor();
    await screenshot(page, 'user-detail-stale');
    await page.getByRole('button', { name: 'Load the latest version' }).click();
    await expect.poll(() => page.getByLabel('Location').inputValue()).toBe('Lisbon');
    await page.getByLabel('Location').fill('Berlin');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved.').waitFor();
    await expect.poll(() => page.getByLabel('Location').inputValue()).toBe('Berlin');
  });

  it('requires two-factor for a user and sends a password-reset link, shown once', async () => {
    const page = pages.root;
    await page.getByLabel('Require two-factor authentication').check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved.').waitFor();
    await page.getByText('off, required').waitFor();
    await page.getByRole('button', { name: 'Send a password-reset link' }).click();
    expect(await page.getByTestId('issued-link').textContent()).toMatch(/\/reset-password#token=/);
    await screenshot(page, 'user-detail-reset-link');
  });

  it('lets the developer reset the password from the emailed link, then sets up the required TOTP at login', async () => {
    const page = pages.developer;
    await openEmailedLink(page, people.developer.email, '/reset-password');
    await heading(page, 'Choose a new password');
    await page.getByLabel('New password', { exact: true }).fill('granite owls whisper in december');
    await page.getByLabel('New password, again').fill('granite owls whisper in december');
    await screenshot(page, 'reset-password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password is changed').waitFor();

    await logIn(page, people.developer.login, 'granite owls whisper in december');
    const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
    await screenshot(page, 'login-mfa-setup-required');
    await page.getByLabel('6-digit code').fill(await totp(secret));
    await page.getByRole('button', { name: 'Turn on two-factor' }).click();
    await page.getByTestId('recovery-codes').waitFor();
    expect(await page.getByTestId('recovery-codes').getByRole('listitem').count()).toBe(10);
    await page.getByRole('button', { name: /I have saved my recovery codes/ }).click();
    await heading(page, 'My account');
  });

  it('re-issues and revokes a pending activation; a revoked link opens nothing', async () => {
    const page = pages.root;
    await page.goto(`${base}/users`);
    await page.getByText('Invite someone', { exact: true }).click();
    const invite = form(page, 'Invite someone');
    await invite.getByLabel('Login', { exact: true }).fill('pat');
    await invite.getByLabel('Name', { exact: true }).fill('Pat Pending');
    await invite.getByLabel('Email', { exact: true }).fill(`pat@${slug}.test`);
    await invite.getByRole('button', { name: 'Invite' }).click();
    const first = (await page.getByTestId('activation-link').textContent())!;
    await page.goto(`${base}/users?status=pending`);
    await page.getByRole('link', { name: 'pat', exact: true }).click();
    await heading(page, 'Pat Pending (pat)');
    await page.getByRole('button', { name: 'Send a new activation link' }).click();
    const second = (await page.getByTestId('issued-link').textContent())!;
    expect(second).toMatch(/\/activate#token=/);
    expect(second).not.toBe(first);
    await screenshot(page, 'user-detail-activation-reissued');
    await page.getByRole('button', { name: 'Revoke the activation link' }).click();
    await page.getByText('The activation link was revoked.').waitFor();

    const visitor = await newPage();
    const url = new URL(second);
    await visitor.goto(`${base}${url.pathname}${url.hash}`);
    await visitor.getByLabel('Password', { exact: true }).fill('a long enough passphrase here');
    await visitor.getByLabel('Password, again').fill('a long enough passphrase here');
    await visitor.getByRole('button', { name: 'Activate' }).click();
    await visitor.getByText('This link is not valid any more.').waitFor();
  });

  it('resets the admin’s two-factor for them', async () => {
    const page = pages.root;
    await page.goto(`${base}/users?q=adam`);
    await page.getByRole('link', { name: people.admin.login, exact: true }).click();
    await heading(page, `${people.admin.name} (${people.admin.login})`);
    await page.getByRole('button', { name: 'Reset two-factor' }).click();
    await page.getByText('Two-factor was removed').waitFor();
    await page.getByRole('definition').getByText('off', { exact: true }).waitFor();
  });

  it('deletes a user only after their login is typed', async () => {
    const page = pages.root;
    await page.goto(`${base}/users?q=tim`);
    await page.getByRole('link', { name: people.temp.login }).click();
    await heading(page, `${people.temp.name} (${people.temp.login})`);
    const button = page.getByRole('button', { name: 'Delete this user' });
    expect(await button.isDisabled()).toBe(true);
    await page.getByLabel('Login to confirm').fill('ti');
    expect(await button.isDisabled()).toBe(true);
    await page.getByLabel('Login to confirm').fill(people.temp.login);
    await screenshot(page, 'user-delete-confirm');
    await button.click();
    await heading(page, 'Users');
    await page.goto(`${base}/users?q=${people.temp.login}`);
    await page.getByText('No users match.').waitFor();
  });

  it('shows the audit log with filters', async () => {
    const page = pages.root;
    await openSettings(page, 'Audit log');
    await heading(page, 'Audit log');
    await page.getByRole('cell', { name: 'user.invited' }).first().waitFor();
    await page.getByLabel('Action').selectOption('user.deleted');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/action=user.deleted/);
    await expect.poll(() => page.getByRole('row').count()).toBe(2);
    await page.getByRole('cell', { name: 'user.deleted' }).waitFor();
    await screenshot(page, 'audit');
  });

  it('renames the organization and shows the other public pages', async () => {
    const page = pages.root;
    await openSettings(page, 'Organization');
    await heading(page, 'Organization');
    await page.getByLabel('Name', { exact: true }).fill('End To End Group');
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByText('· End To End Group').waitFor();
    await screenshot(page, 'organization');

    const visitor = await newPage();
    await visitor.goto(`${base}/forgot-password`);
    await heading(visitor, 'Reset your password');
    await screenshot(visitor, 'forgot-password');
    await visitor.goto(`${base}/activate#token=not-a-real-token`);
    await visitor.getByLabel('Password', { exact: true }).fill('a long enough passphrase here');
    await visitor.getByLabel('Password, again').fill('a long enough passphrase here');
    await visitor.getByRole('button', { name: 'Activate' }).click();
    await visitor.getByText('This link is not valid any more.').waitFor();
    await screenshot(visitor, 'activate-invalid-link');
  });

  it('lets the owner keep API tokens (shown once) and turn two-factor on and off', async () => {
    const page = pages.root;
    await menu(page).getByRole('link', { name: 'My account' }).click();
    await heading(page, 'My account');
    await page.getByText('Create an API token').click();
    const create = form(page, 'Create an API token');
    await create.getByLabel('Name').fill('deploy script');
    await create.getByLabel('Expires after (days)').fill('30');
    await create.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.getByTestId('api-token').textContent())!;
    await page.getByRole('cell', { name: 'deploy script', exact: true }).waitFor();
    const prefix = (await page.getByRole('row', { name: /deploy script/ }).getByRole('code').textContent())!.replace('…', '');
    expect(token.startsWith(prefix)).toBe(true);
    await screenshot(page, 'account-api-token-shown-once');
    const me = await fetch(`${base}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await me.json()) as { login: string }).login).toBe(people.root.login);
    await page.getByRole('button', { name: 'Revoke deploy script' }).click();
    await page.getByText('No API tokens.').waitFor();
    expect(await page.getByTestId('api-token').count()).toBe(0);
    expect((await fetch(`${base}/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);

    await page.getByRole('button', { name: 'Set up two-factor' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
    await page.getByLabel('6-digit code').fill(await totp(secret));
    await page.getByRole('button', { name: 'Turn on two-factor' }).click();
    await page.getByTestId('recovery-codes').waitFor();
    const firstCodes = await page.getByTestId('recovery-codes').getByRole('listitem').allTextContents();
    advance(30_000);
    await page.getByLabel('Current code from your app').fill(await totp(secret));
    await page.getByRole('button', { name: 'Make new recovery codes' }).click();
    await expect.poll(() => page.getByTestId('recovery-codes').getByRole('listitem').allTextContents()).not.toEqual(firstCodes);
    await screenshot(page, 'account-two-factor-on');
    await form(page, 'Turn off two-factor').getByLabel('Your password').fill(password);
    await page.getByRole('button', { name: 'Turn off two-factor' }).click();
    await page.getByTestId('mfa-state').getByText('Off.').waitFor();

    const change = form(page, 'Change password');
    await change.getByLabel('Current password').fill('not my password, but long enough');
    await change.getByLabel('New password', { exact: true }).fill('a fresh owner passphrase for winter');
    await change.getByLabel('New password, again').fill('a fresh owner passphrase for winter');
    await change.getByRole('button', { name: 'Change password' }).click();
    await change.getByText('That password or code is not right.').waitFor();
    expect(await change.getByLabel('Current password').getAttribute('aria-invalid')).toBe('true');
    await change.getByLabel('Current password').fill(password);
    await change.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed.').waitFor();
    expect(await form(page, 'Change password').getByLabel('New password', { exact: true }).inputValue()).toBe('');
  });

  it('ran without a Content-Security-Policy violation or a script error', () => {
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('has no WCAG 2.1 A/AA problem axe can find on any page it showed', () => {
    expect(accessibilityLog.pages).toBeGreaterThan(25);
    expect(accessibilityLog.passedChecks).toBeGreaterThan(0);
    expect(accessibilityLog.problems).toEqual([]);
  });

  it('can be used from the keyboard: a skip link first, then the form, submitted with Enter', async () => {
    const page = await newPage();
    await page.goto(`${base}/login`);
    await heading(page, 'Log in');
    // Arriving on a page puts focus on its heading, so a screen reader announces it...
    expect(await page.evaluate('document.activeElement.id')).toBe('page-title');
    // ...with the skip link before it and the form right after it.
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.name')).toBe('org');
    await page.keyboard.type(slug);
    await page.keyboard.press('Tab');
    await page.keyboard.type(people.admin.login);
    await page.keyboard.press('Tab');
    await page.keyboard.type('not the password at all');
    await page.keyboard.press('Enter');
    await page.getByText('The organization, login or password is not right.').waitFor();
  });
});
