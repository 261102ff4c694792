import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useApi } from '../support/api';
import { serveOwnConsole, type ServedConsole } from '../support/console-server';
import { accessibilityLog, launchChromium, screenshot, fillLogin } from '../support/browser';
import { STRONG_PASSWORD, addMember, verifiedOrg, type Member } from '../support/factories';

/**
 * The permission toggles in a real browser against the real API: toggle, Modified, Cancel,
 * toggle again (a dangerous one, confirmed), Save; then someone else saves through the API
 * meanwhile and the console says so (412) and reloads. Every screenshotted state is audited
 * with axe-core. The console is built into its own folder, so this file and the main browser
 * test never serve each other's half-written build.
 */
const api = useApi();
let served: ServedConsole | undefined;
let base = '';
let browser: Browser;
let page: Page;
let org: Awaited<ReturnType<typeof verifiedOrg>>;
let developer: Member;
const pageErrors: string[] = [];

beforeAll(async () => {
  served = await serveOwnConsole();
  base = served.url;
  browser = await launchChromium();
  org = await verifiedOrg(api);
  developer = await addMember(api, org, org.rootToken, 'developer', { login: 'dana', name: 'Dana Developer' });
}, 120_000);

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page && !page.isClosed()) await screenshot(page, 'permissions-failed', { audit: false }).catch(() => undefined);
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

const toggle = (name: string) => page.getByRole('switch', { name: new RegExp(`^${name}\\b`) });
const row = (name: string) => page.locator('.permission').filter({ has: page.getByRole('switch', { name: new RegExp(`^${name}\\b`) }) });
const saveButton = () => page.getByRole('form', { name: 'Permissions' }).getByRole('button', { name: 'Save', exact: true });
const developerPermissions = async () => (await api.request('GET', `/v1/users/${developer.id}`, { token: org.rootToken })).body.permissions as string[];

describe.sequential('permissions in the console, in Chromium', { timeout: 60_000 }, () => {
  it('shows the developer’s permissions as toggles grouped by module, dangerous ones marked', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${base}/login`);
    await fillLogin(page, { org: org.slug, login: org.root.login, password: STRONG_PASSWORD });
    await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
    // The owner's own permissions on My account: every one.
    await page.locator('.own-permissions code').first().waitFor();
    expect(await page.locator('.own-permissions code').allTextContents()).toEqual(['settings:read', 'settings:write', 'flows:edit', 'logs:read', 'devices:control']);

    await page.goto(`${base}/users/${developer.id}`);
    await page.getByRole('heading', { level: 1, name: 'Dana Developer (dana)' }).waitFor();
    await toggle('devices:control').waitFor();
    const legends = await page.getByRole('form', { name: 'Permissions' }).locator('legend').allTextContents();
    expect(legends).toEqual(['Settings', 'Flows', 'Logs', 'Devices']);
    expect(await toggle('settings:read').isChecked()).toBe(true);
    expect(await toggle('flows:edit').isChecked()).toBe(true);
    expect(await toggle('devices:control').isChecked()).toBe(false);
    await row('devices:control').getByText('Dangerous').waitFor();
    expect(await saveButton().isDisabled()).toBe(true);
    await screenshot(page, 'permissions-user');
  });

  it('marks a changed toggle Modified, and Cancel puts it back', async () => {
    await toggle('flows:edit').click();
    await row('flows:edit').getByText('Modified').waitFor();
    expect(await saveButton().isDisabled()).toBe(false);
    await screenshot(page, 'permissions-modified');
    await page.getByRole('form', { name: 'Permissions' }).getByRole('button', { name: 'Cancel', exact: true }).click();
    expect(await toggle('flows:edit').isChecked()).toBe(true);
    expect(await page.locator('.badge.modified').count()).toBe(0);
    expect(await saveButton().isDisabled()).toBe(true);
    expect(await developerPermissions()).toEqual(['settings:read', 'flows:edit']);
  });

  it('warns before granting a dangerous permission, then saves', async () => {
    await toggle('devices:control').click();
    const warning = page.getByRole('alertdialog', { name: 'Grant devices:control?' });
    await warning.waitFor();
    expect(await toggle('devices:control').isChecked()).toBe(false);
    await screenshot(page, 'permissions-dangerous-warning');
    await warning.getByRole('button', { name: 'Keep it off' }).click();
    expect(await toggle('devices:control').isChecked()).toBe(false);
    expect(await page.locator('.badge.modified').count()).toBe(0);

    await toggle('devices:control').click();
    await page.getByRole('button', { name: 'Grant devices:control' }).click();
    expect(await toggle('devices:control').isChecked()).toBe(true);
    await row('devices:control').getByText('Modified').waitFor();
    await toggle('flows:edit').click();
    await saveButton().click();
    await page.getByText('Permissions saved.').waitFor();
    // The saved version comes back and the toggles start again from it.
    await expect.poll(() => page.locator('.badge.modified').count()).toBe(0);
    expect(await toggle('devices:control').isChecked()).toBe(true);
    expect(await toggle('flows:edit').isChecked()).toBe(false);
    expect(await developerPermissions()).toEqual(['settings:read', 'devices:control']);
    await screenshot(page, 'permissions-saved');
  });

  it('says so when someone else saved meanwhile (412), and loads their version', async () => {
    await toggle('settings:read').click();
    await row('settings:read').getByText('Modified').waitFor();
    // Someone else, through the API, while this page still holds the older version.
    const concurrent = await api.request('PATCH', `/v1/users/${developer.id}`, { token: org.rootToken, body: { permissions: ['settings:read', 'logs:read'] } });
    expect(concurrent.status).toBe(200);
    await saveButton().click();
    await page.getByText('Someone changed these permissions while you were editing. Your changes were not saved.').waitFor();
    await screenshot(page, 'permissions-stale');
    expect(await developerPermissions()).toEqual(['settings:read', 'logs:read']);
    await page.getByRole('button', { name: 'Load the latest version' }).click();
    await page.getByText('Someone changed these permissions').waitFor({ state: 'detached' });
    // The latest version arrives and the toggles start again from it.
    await expect.poll(() => toggle('logs:read').isChecked()).toBe(true);
    expect(await toggle('settings:read').isChecked()).toBe(true);
    expect(await toggle('devices:control').isChecked()).toBe(false);
    expect(await page.locator('.badge.modified').count()).toBe(0);
  });

  it('filters the users list by permission', async () => {
    await page.goto(`${base}/users`);
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    await page.getByLabel('Permission', { exact: true }).selectOption('logs:read');
    await page.waitForURL(/permission=logs%3Aread|permission=logs:read/);
    await page.getByRole('link', { name: 'dana' }).waitFor();
    await page.getByLabel('Permission', { exact: true }).selectOption('flows:edit');
    await page.waitForURL(/permission=flows/);
    // Dana no longer holds flows:edit; the owner holds every permission.
    await page.getByRole('link', { name: 'dana' }).waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'owner' }).waitFor();
    await screenshot(page, 'permissions-users-filter');
  });

  it('narrows a new API token to some permissions', async () => {
    await page.goto(`${base}/account`);
    await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
    await page.getByText('Create an API token', { exact: true }).click();
    const create = page.getByRole('form', { name: 'Create an API token' });
    await create.getByLabel('Name', { exact: true }).fill('settings reader');
    await create.getByLabel('Only these:').check();
    await create.getByLabel('settings:read').check();
    await screenshot(page, 'permissions-token-scopes');
    await create.getByRole('button', { name: 'Create token' }).click();
    await page.getByTestId('api-token').waitFor();
    await page.getByRole('cell', { name: 'settings:read', exact: true }).waitFor();
    const listed = (await api.request('GET', '/v1/me/api-tokens', { token: org.rootToken })).body.items;
    expect(listed.map((token: { name: string; scopes: unknown }) => [token.name, token.scopes])).toEqual([['settings reader', ['settings:read']]]);
  });

  it('says what a developer made admin would get, and gives the admin defaults when the owner chooses them', async () => {
    const devon = await addMember(api, org, org.rootToken, 'developer', { login: 'devon', name: 'Devon Developer' });
    expect(devon.id).toBeTruthy();
    await page.goto(`${base}/settings/users/${devon.id}`);
    await page.getByRole('heading', { level: 1, name: 'Devon Developer (devon)' }).waitFor();
    const edit = page.getByRole('form', { name: 'Edit user' });
    // Picked before the role, whose change re-renders the form: the pick must survive it and be saved.
    await edit.getByLabel('Language', { exact: true }).selectOption('de');
    await edit.getByLabel('Role', { exact: true }).selectOption('admin');
    // The developer defaults stay unless the owner says otherwise; both lists are spelled out.
    const keep = edit.getByLabel(/Keep their current permissions: settings:read, flows:edit$/);
    const defaults = edit.getByLabel(/what a new admin gets: settings:read, settings:write, flows:edit, logs:read$/);
    await defaults.waitFor();
    expect(await keep.isChecked()).toBe(false);
    await screenshot(page, 'permissions-role-change');
    await defaults.check();
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('#details').getByText('Saved.').waitFor();
    const saved = (await api.request('GET', `/v1/users/${devon.id}`, { token: org.rootToken })).body;
    expect(saved).toMatchObject({ role: 'admin', permissions: ['settings:read', 'settings:write', 'flows:edit', 'logs:read'], locale: 'de' });
  });

  it('is read-only for an admin looking at another admin, and for what an admin does not hold', async () => {
    const admin = await addMember(api, org, org.rootToken, 'admin', { login: 'adam', name: 'Adam Admin', permissions: ['settings:read', 'logs:read'] });
    const other = await addMember(api, org, org.rootToken, 'admin', { login: 'abel', name: 'Abel Admin' });
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${base}/login`);
    await fillLogin(page, { org: org.slug, login: admin.login, password: admin.password });
    await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();

    await page.goto(`${base}/users/${other.id}`);
    await page.getByText('Admins change the permissions of developers only.').waitFor();
    expect(await toggle('settings:read').isDisabled()).toBe(true);

    await page.goto(`${base}/users/${developer.id}`);
    await page.getByRole('heading', { level: 1, name: 'Dana Developer (dana)' }).waitFor();
    await toggle('logs:read').waitFor();
    expect(await toggle('logs:read').isDisabled()).toBe(false);
    expect(await toggle('devices:control').isDisabled()).toBe(true);
    await row('devices:control').getByText('you do not hold this permission').waitFor();
    await screenshot(page, 'permissions-admin-view');
  });

  it('left no accessibility problem and no script error on any page it passed through', () => {
    expect(pageErrors).toEqual([]);
    expect(accessibilityLog.pages).toBeGreaterThanOrEqual(8);
    expect(accessibilityLog.problems).toEqual([]);
  });
});
