import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../infra/console/policy';
import { apiAt, lastEmailTo, tokenFromEmail } from '../support/api';
import { fillLogin, launchChromium, screenshot } from '../support/browser';
import { serveOwnConsole, type ServedConsole } from '../support/console-server';
import { STRONG_PASSWORD, uniqueSlug } from '../support/factories';

/**
 * The email-template HTML preview against a hostile template (tenant HTML is untrusted): in
 * Chromium, with the console's real CSP, none of its script runs — not a <script>, an event
 * handler, a javascript: link or a form — while its inline styles still show
 * (infra/console/policy.ts says why the frame is built as it is).
 */
let served: ServedConsole;
let browser: Browser;
let page: Page;
const slug = uniqueSlug('preview');
const dialogs: string[] = [];
const requests: string[] = [];

const HOSTILE = [
  '<!doctype html><html><body>',
  '<p id="greeting" style="color:#b91c1c">Hallo {{ user.name }}</p>',
  '<style>#foot { color: #1d4ed8 }</style><p id="foot">Fuß</p>',
  '<p><a href="{{ link }}">Los</a></p>',
  '<script>parent.hacked = 1; document.body.insertAdjacentHTML("beforeend", "PWNED"); fetch("/v1/me?script-ran")</script>',
  '<img src="/nowhere.png" onerror="parent.hacked = 2; alert(2)">',
  '<svg onload="parent.hacked = 3"></svg>',
  '<a id="js" href="javascript:parent.hacked = 4; alert(4)">js</a>',
  '<form action="/v1/me"><button id="send">send</button></form>',
  '<iframe src="/?framed"></iframe>',
  '</body></html>',
].join('');

beforeAll(async () => {
  served = await serveOwnConsole();
  const api = apiAt(served.url);
  const signUp = await api.request('POST', '/v1/orgs', {
    body: { orgName: 'Preview Test', slug, login: 'owner', name: 'Olivia Owner', email: `owner@${slug}.example.com`, password: STRONG_PASSWORD },
  });
  if (signUp.status !== 201) throw new Error(signUp.text);
  await api.request('POST', '/v1/auth/verify-email', { body: { token: tokenFromEmail(await lastEmailTo(`owner@${slug}.example.com`)) } });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.setDefaultTimeout(15_000);
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(`${served.url}/login?lang=en`);
  await fillLogin(page, { org: slug, login: 'owner', password: STRONG_PASSWORD });
  await page.waitForURL(/\/account/);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

const previewFrame = async (): Promise<Frame> => {
  await expect.poll(() => page.frames().some((frame) => frame.url() === 'about:srcdoc')).toBe(true);
  return page.frames().find((frame) => frame.url() === 'about:srcdoc')!;
};

describe('the email-template HTML preview', { timeout: 90_000 }, () => {
  it('serves the console with a CSP that frames nothing and allows no inline script', async () => {
    const answer = await fetch(`${served.url}/settings/email-templates`);
    const csp = answer.headers.get('content-security-policy')!;
    expect(csp).toBe(CONTENT_SECURITY_POLICY);
    expect(csp).toContain("frame-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
  });

  it('runs none of a hostile template’s script, yet shows its styles', async () => {
    await page.goto(`${served.url}/settings/email-templates?lang=en`);
    const html = page.getByLabel('HTML (optional)');
    await html.waitFor();
    await html.fill(HOSTILE);
    requests.length = 0;
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    const element = page.getByTitle('Preview of the email');
    await element.waitFor();
    const sandbox = (await element.getAttribute('sandbox')) ?? '';
    expect(sandbox.split(/\s+/)).not.toContain('allow-scripts');

    const frame = await previewFrame();
    await frame.locator('#greeting').waitFor();
    expect(await frame.locator('body').innerText()).toContain('Hallo Olivia Owner');
    // The styles came in through CSSOM: the CSP still refuses inline styles in the frame.
    await expect.poll(() => frame.locator('#greeting').evaluate((node) => (globalThis as unknown as { getComputedStyle(n: unknown): { color: string } }).getComputedStyle(node).color)).toBe('rgb(185, 28, 28)');
    expect(await frame.locator('#foot').evaluate((node) => (globalThis as unknown as { getComputedStyle(n: unknown): { color: string } }).getComputedStyle(node).color)).toBe('rgb(29, 78, 216)');

    // A person clicks everything in it.
    await frame.locator('#js').click();
    await frame.locator('#send').click();
    await page.waitForTimeout(300);
    await screenshot(page, 'email-template-hostile-preview', { audit: false });

    expect(await frame.locator('body').innerText()).not.toContain('PWNED');
    expect(await page.evaluate('window.hacked')).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(requests.filter((url) => url.includes('script-ran') || url.includes('?framed'))).toEqual([]);
    // The form did not send, and the console page is still the console page.
    expect(new URL(page.url()).pathname).toBe('/settings/email-templates');
  });
});
