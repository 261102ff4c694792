import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useApi } from '../support/api';
import { serveOwnConsole, type ServedConsole } from '../support/console-server';
import { accessibilityLog, launchChromium, screenshot, fillLogin } from '../support/browser';
import { STRONG_PASSWORD, verifiedOrg } from '../support/factories';
import { foreignHashes } from '../support/foreign-hashes';

/**
 * The owner imports a small CSV through the console: checks it (a dry run shows the broken
 * row), imports it with a progress bar, downloads the report, and exports the users again.
 * The console is built into a folder of this file's own, so it never races the other
 * browser test's build.
 */
const api = useApi();
let served: ServedConsole | undefined;
let base = '';
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const cspViolations: string[] = [];

beforeAll(async () => {
  served = await serveOwnConsole();
  base = served.url;
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
  });
}, 120_000);

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page && !page.isClosed()) await screenshot(page, 'import-failed', { audit: false }).catch(() => undefined);
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

const heading = (name: string) => page.getByRole('heading', { level: 1, name }).waitFor();

describe.sequential('importing users in the console', { timeout: 90_000 }, () => {
  it('checks a CSV, imports it with a progress bar, offers the report and the export', async () => {
    const org = await verifiedOrg(api);
    const hash = foreignHashes({ 'bcrypt-2b': 'console imported passphrase' })['bcrypt-2b'];
    const csv = [
      'login,name,email,role,emailVerified,origin,passwordHash',
      `carla,"Carla, from Auth0",carla@${org.slug}.example.com,developer,true,Auth0,${hash}`,
      `dmitri,Dmitri,dmitri@${org.slug}.example.com,admin,,Keycloak,`,
      `erin,Erin,erin@${org.slug}.example.com,developer,false,,`,
      `boss,Would Be Owner,boss@${org.slug}.example.com,root,,,`,
    ].join('\r\n');

    await page.goto(`${base}/login`);
    await heading('Log in');
    await fillLogin(page, { org: org.slug, login: org.root.login, password: STRONG_PASSWORD });
    await heading('My account');

    await page.goto(`${base}/users`);
    await heading('Users');
    await page.getByTestId('users-import-export').waitFor();
    await screenshot(page, 'users-with-import-export');
    await page.getByRole('link', { name: 'Import users' }).click();
    await heading('Import users');
    await page.getByLabel('Users file (CSV or JSON)').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByText('people.csv: 4 users.').waitFor();
    await screenshot(page, 'import-file-chosen');

    await page.getByRole('button', { name: 'Check the file' }).click();
    await page.getByRole('heading', { name: 'Check (nothing was changed)' }).waitFor();
    const progress = page.getByTestId('import-progress');
    expect(await progress.getByRole('progressbar').getAttribute('value')).toBe('4');
    expect(await progress.getByRole('progressbar').getAttribute('max')).toBe('4');
    await progress.getByText('4 of 4 rows').waitFor();
    const preview = page.getByTestId('import-report');
    expect(await preview.locator('p').first().textContent()).toBe('Would create 3, unchanged 0, invalid 1.');
    const problemRows = preview.getByRole('table', { name: 'Rows that would not be imported' }).getByRole('row');
    expect(await problemRows.count()).toBe(2);
    expect(await problemRows.nth(1).textContent()).toMatch(/^4boss.*role: /);
    await screenshot(page, 'import-dry-run');
    expect((await api.request('GET', '/v1/users', { token: org.rootToken })).body.items).toHaveLength(1);

    await page.getByRole('button', { name: 'Import 4 users' }).click();
    await page.getByRole('heading', { name: 'Import report' }).waitFor();
    await page.getByText('The import is done.').waitFor();
    expect(await page.getByTestId('import-report').locator('p').first().textContent()).toBe('Created 3, unchanged 0, invalid 1.');
    await progress.getByText('4 of 4 rows').waitFor();
    await screenshot(page, 'import-done');

    const [reportDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the report' }).click()]);
    expect(reportDownload.suggestedFilename()).toBe('people.csv.report.json');
    const report = JSON.parse(readFileSync((await reportDownload.path())!, 'utf8'));
    expect(report).toMatchObject({ file: 'people.csv', dryRun: false, counts: { created: 3, unchanged: 0, invalid: 1 } });
    expect(report.items.map((item: { row: number; login: string; status: string }) => `${item.row}:${item.login}:${item.status}`)).toEqual([
      '1:carla:created', '2:dmitri:created', '3:erin:created', '4:boss:invalid',
    ]);

    // The imported user signs in with the password of the old system.
    const login = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'carla', password: 'console imported passphrase' } });
    expect(login.status).toBe(200);

    await page.getByRole('link', { name: 'Back to users' }).click();
    await heading('Users');
    await page.getByRole('link', { name: 'carla' }).waitFor();
    const [exportDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(exportDownload.suggestedFilename()).toMatch(/^users-\d{4}-\d\d-\d\d\.csv$/);
    const exported = readFileSync((await exportDownload.path())!, 'utf8');
    expect(exported.split('\r\n')[0]).toBe('id,login,name,email,type,role,status,emailVerified,mfaEnabled,mfaRequired,origin,location,permissions,createdAt,lastLoginAt');
    expect(exported).toContain('"Carla, from Auth0"');
    expect(exported).not.toContain('$2b$');
    await screenshot(page, 'users-after-import');

    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
    expect(accessibilityLog.pages).toBe(5);
    expect(accessibilityLog.passedChecks).toBeGreaterThan(0);
    expect(accessibilityLog.problems).toEqual([]);
  });
});
