import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useApi } from '../support/api';
import { serveOwnConsole, type ServedConsole } from '../support/console-server';
import { accessibilityLog, launchChromium, screenshot, fillLogin } from '../support/browser';
import { addMember, verifiedOrg, type Member } from '../support/factories';

/**
 * The Sessions pages in a real browser against the real API: a developer signed in from two
 * browsers ends the other one from My account and sees it gone (and that browser signed out);
 * the owner signs a user out everywhere and then everyone. Every state is checked with axe.
 */
const api = useApi();
let served: ServedConsole | undefined;
let base = '';
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
const pages: Page[] = [];

let org: Awaited<ReturnType<typeof verifiedOrg>>;
let developer: Member;

async function newPage(): Promise<Page> {
  // A context per browser: separate cookie jars, so each is its own session.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  pages.push(page);
  return page;
}

const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name }).waitFor();

async function logIn(page: Page, login: string, password: string) {
  await page.goto(`${base}/login`);
  await heading(page, 'Log in');
  await fillLogin(page, { org: org.slug, login: login, password: password });
  await heading(page, 'My account');
}

const sessionsOf = async (token: string) =>
  (await api.request('GET', '/v1/me/sessions', { token })).body.items as Array<{ id: string; client: string; current: boolean }>;

beforeAll(async () => {
  served = await serveOwnConsole();
  base = served.url;
  browser = await launchChromium();
  org = await verifiedOrg(api);
  developer = await addMember(api, org, org.rootToken, 'developer');
}, 120_000);

afterEach(async (context) => {
  if (context.task.result?.state !== 'fail') return;
  for (const [index, page] of pages.entries()) if (!page.isClosed()) await screenshot(page, `sessions-failed-${index}`, { audit: false }).catch(() => undefined);
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await served?.stop();
});

describe.sequential('sessions in the console', { timeout: 60_000 }, () => {
  let laptop: Page;
  let phone: Page;

  it('lists the sessions on My account with this one marked', async () => {
    laptop = await newPage();
    await logIn(laptop, developer.login, developer.password);
    phone = await newPage();
    await logIn(phone, developer.login, developer.password);

    await laptop.reload();
    await heading(laptop, 'My account');
    const table = laptop.getByTestId('sessions');
    await table.locator('tbody tr').nth(2).waitFor();
    expect(await table.locator('tbody tr').count()).toBe(3); // the activation's, the laptop's, the phone's
    const current = table.locator('tr', { hasText: 'This session' });
    expect(await current.count()).toBe(1);
    expect(await current.getByRole('button', { name: /^End/ }).count()).toBe(0);
    expect(await table.getByText('Console', { exact: true }).count()).toBe(2);
    expect(await table.getByText('API', { exact: true }).count()).toBe(1);
    await laptop.locator('#sessions').scrollIntoViewIfNeeded();
    await screenshot(laptop, 'sessions-account');
  });

  it('ends the other browser’s session after the password, and it is gone there too', async () => {
    // The phone signed in last: the newest console session that is not the laptop's.
    const [newest] = await sessionsOf(developer.accessToken);
    const row = laptop.locator(`tr[data-session="${newest!.id}"]`);
    await row.getByRole('button', { name: /^End the session/ }).click();
    const confirm = laptop.getByRole('form', { name: 'Confirm ending sessions' });
    await confirm.getByLabel('Your password').fill('not my password at all');
    await confirm.getByRole('button', { name: 'End this session' }).click();
    await confirm.getByText('That password or code is not right.').waitFor();
    await screenshot(laptop, 'sessions-end-wrong-password');
    expect(await row.count()).toBe(1);

    await confirm.getByLabel('Your password').fill(developer.password);
    await confirm.getByRole('button', { name: 'End this session' }).click();
    await laptop.getByText('1 session ended.').waitFor();
    await row.waitFor({ state: 'detached' });
    expect(await laptop.getByTestId('sessions').locator('tbody tr').count()).toBe(2);
    await screenshot(laptop, 'sessions-ended-one');

    // The phone's browser is signed out: its next request is refused and it lands on the login.
    await phone.reload();
    await heading(phone, 'Log in');
  });

  it('ends all the other sessions and keeps this one', async () => {
    await laptop.getByRole('button', { name: 'End all other sessions' }).click();
    const confirm = laptop.getByRole('form', { name: 'Confirm ending sessions' });
    await screenshot(laptop, 'sessions-end-others-confirm');
    await confirm.getByLabel('Your password').fill(developer.password);
    await confirm.getByRole('button', { name: 'End all other sessions' }).click();
    await laptop.getByText('1 session ended.').waitFor();
    // The list reloads after the answer: wait until only this session is left in it.
    await laptop.getByTestId('sessions').locator('tbody tr', { hasNotText: 'This session' }).first().waitFor({ state: 'detached' });
    expect(await laptop.getByTestId('sessions').locator('tbody tr').count()).toBe(1);
    expect((await api.request('GET', '/v1/me', { token: developer.accessToken })).status).toBe(401);
    await laptop.reload();
    await heading(laptop, 'My account');
  });

  it('lets the owner see a user’s sessions and sign them out everywhere', async () => {
    const owner = await newPage();
    await logIn(owner, 'owner', org.root.password);
    await owner.goto(`${base}/users/${developer.id}`);
    await owner.getByRole('heading', { level: 2, name: 'Sessions' }).waitFor();
    await owner.getByTestId('sessions').locator('tbody tr').first().waitFor();
    expect(await owner.getByTestId('sessions').locator('tbody tr').count()).toBe(1);
    await owner.getByText(`Sign ${developer.login} out everywhere`).click();
    await screenshot(owner, 'sessions-user-owner');
    await owner.getByRole('button', { name: 'Sign out everywhere' }).click();
    await owner.getByText(`${developer.login} was signed out everywhere.`).waitFor();
    await owner.getByText(`${developer.login} is not signed in anywhere.`).waitFor();
    await laptop.reload();
    await heading(laptop, 'Log in');
  });

  it('lets the owner sign everyone out, after confirming with the password', async () => {
    const owner = pages.at(-1)!;
    const admin = await addMember(api, org, org.rootToken, 'admin');
    await owner.goto(`${base}/organization`);
    await heading(owner, 'Organization');
    await owner.getByText('Sign everyone in the organization out').click();
    const confirm = owner.getByRole('form', { name: 'Sign everyone out' });
    await screenshot(owner, 'sessions-org-confirm');
    await confirm.getByLabel('Your password').fill(org.root.password);
    await confirm.getByRole('button', { name: 'Sign everyone out' }).click();
    await owner.getByText(/ended\. Only this session is still signed in\./).waitFor();
    expect((await api.request('GET', '/v1/me', { token: admin.accessToken })).status).toBe(401);
    expect((await api.request('GET', '/v1/me', { token: org.rootToken })).status).toBe(401);
    await owner.reload();
    await heading(owner, 'Organization');
    await screenshot(owner, 'sessions-org-done');
  });

  it('takes the new-device email’s link to the Sessions section through the login', async () => {
    const fresh = await newPage();
    await fresh.goto(`${base}/account#sessions`);
    await heading(fresh, 'Log in');
    await fillLogin(fresh, { org: org.slug, login: developer.login, password: developer.password });
    await heading(fresh, 'My account');
    expect(new URL(fresh.url()).hash).toBe('#sessions');
  });

  it('showed every page without accessibility problems or script errors', () => {
    expect(pageErrors).toEqual([]);
    expect(accessibilityLog.pages).toBeGreaterThanOrEqual(6);
    expect(accessibilityLog.problems).toEqual([]);
  });
});
