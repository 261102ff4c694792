import { createHash, randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useApi } from '../support/api';
import { accessibilityAudit, fillLogin, launchChromium, overflowing, screenshot } from '../support/browser';
import { serveOwnConsole, type ServedConsole } from '../support/console-server';
import { STRONG_PASSWORD, addMember, verifiedOrg, type Member } from '../support/factories';
import { scimUser } from '../support/scim';

/**
 * Every page of the console, at a desktop (1280 px) and a phone (390 px) width: screenshotted,
 * audited with axe, and measured. A page taller than 2.5 screens at 1280 px needs its own
 * "On this page" navigation; nothing may stick out past a 390 px screen's right edge. The pages
 * come from the running console's own route table (window.gatehouseRoutes, app.tsx), so a page
 * added later is visited without touching this file.
 */
const api = useApi();
let served: ServedConsole | undefined;
let browser: Browser;
let org: Awaited<ReturnType<typeof verifiedOrg>>;
let developer: Member;
let appSignIn = '';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const MAX_SCREENS = 2.5;

interface Route {
  path: string;
  signedIn: boolean;
}

beforeAll(async () => {
  served = await serveOwnConsole();
  browser = await launchChromium();
  org = await verifiedOrg(api);
  developer = await addMember(api, org, org.rootToken, 'developer', { login: 'dana', name: 'Dana Developer' });
  await addMember(api, org, org.rootToken, 'admin', { login: 'adam', name: 'Adam Admin' });
  // Provisioning activity with a long address in it, so its table is measured at 390 px with data.
  const scimToken = await api.request('POST', '/v1/org/scim/tokens', { token: org.rootToken, body: { name: 'okta-kappa' } });
  expect(scimToken.status, scimToken.text).toBe(201);
  const provisioned = await api.request('POST', '/scim/v2/Users', { token: scimToken.body.token, body: scimUser('provisioned.with.a.rather.long.address@kappa-provisioning.example.com') });
  expect(provisioned.status, provisioned.text).toBe(201);
  // An app's hosted sign-in page (OpenID Connect): the console's /login with the flow's handle.
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    response_type: 'code', client_id: 'demo-web', redirect_uri: 'http://127.0.0.1:8976/callback', scope: 'openid profile', state: 's',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
  });
  const started = await fetch(`${api.url}/oauth2/authorize?${query}`, { redirect: 'manual' });
  const handle = new URL(started.headers.get('location')!).searchParams.get('request');
  expect(handle).toBeTruthy();
  appSignIn = `/login?request=${handle}`;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

/** The concrete address of a route pattern: `:id` is a user the owner may open. */
const addressOf = (pattern: string) => pattern.replace(':id', developer.id);

async function signedInContext(viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${served!.url}/login`);
  await fillLogin(page, { org: org.slug, login: org.root.login, password: STRONG_PASSWORD });
  await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
  return { context, page };
}

/** Opens an address inside the running app and waits until its page has loaded its data. */
async function open(page: Page, address: string) {
  await page.goto(`${served!.url}${address}`);
  await page.locator('#page-title').waitFor();
  await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached' });
  // Late layout settles before measuring.
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
}

const routesOf = (page: Page) => page.evaluate('window.gatehouseRoutes()') as Promise<Route[]>;

// These run in the page (plain JavaScript: the test's TypeScript has no DOM types).
const measure = (page: Page) =>
  page.evaluate(`({
    height: document.documentElement.scrollHeight,
    screen: window.innerHeight,
    inPageNavigation: Boolean(document.querySelector('nav[aria-label="On this page"], [role="tablist"]')),
  })`) as Promise<{ height: number; screen: number; inPageNavigation: boolean }>;

const slug = (address: string) => address.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'root';

describe.sequential('every console page at 1280 and 390 px, in Chromium', { timeout: 240_000 }, () => {
  let routes: Route[] = [];

  it('lists its pages: the settings sections and My account among them', async () => {
    const { context, page } = await signedInContext(DESKTOP);
    routes = await routesOf(page);
    await context.close();
    const paths = routes.map((route) => route.path);
    expect(paths).toEqual(expect.arrayContaining(['/account', '/settings/organization', '/settings/users', '/settings/users/:id', '/settings/audit', '/login']));
  });

  for (const viewport of [DESKTOP, PHONE]) {
    it(`at ${viewport.width} px: no page too tall without in-page navigation, nothing past the right edge, axe clean`, async () => {
      const problems: string[] = [];
      const accessibility: unknown[] = [];
      const check = async (page: Page, address: string, who: string) => {
        await open(page, address);
        await screenshot(page, `layout-${viewport.width}-${who}-${slug(address)}`, { audit: false });
        const audit = await accessibilityAudit(page, address);
        accessibility.push(...audit.problems);
        if (viewport === DESKTOP) {
          const size = await measure(page);
          if (size.height > MAX_SCREENS * size.screen && !size.inPageNavigation) {
            problems.push(`${address} is ${size.height} px tall (${(size.height / size.screen).toFixed(1)} screens) without in-page navigation`);
          }
        } else {
          for (const found of await overflowing(page)) problems.push(`${address}: ${found}`);
        }
      };

      const { context, page } = await signedInContext(viewport);
      for (const route of routes.filter((entry) => entry.signedIn)) await check(page, addressOf(route.path), 'owner');
      await context.close();

      const anonymous = await browser.newContext({ viewport });
      const visitor = await anonymous.newPage();
      visitor.setDefaultTimeout(15_000);
      for (const route of routes.filter((entry) => !entry.signedIn && entry.path !== '/')) await check(visitor, route.path, 'visitor');
      await check(visitor, appSignIn, 'visitor-app');
      await anonymous.close();

      expect(problems).toEqual([]);
      expect(accessibility).toEqual([]);
    });
  }
});
