import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(import.meta.dirname, '..', '.artifacts', 'screenshots');

/**
 * Debian's Chromium, installed by the repo itself where it is missing (Playwright's own browser
 * download cannot work on these machines). The browser tests fail, never skip, without it.
 */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0) throw new Error(`Chromium is missing at ${CHROMIUM}: run \`sudo apt-get install -y chromium\`.`);
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit' }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit' });
    if (!install()) throw new Error('apt-get install -y chromium failed');
  }
}

export function launchChromium(): Promise<Browser> {
  ensureChromium();
  return chromium.launch({
    executablePath: CHROMIUM,
    // Without the networking flags Chromium keeps dialling Google on a machine with no internet.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage', '--disable-component-update', '--no-first-run'],
  });
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AccessibilityProblem {
  page: string;
  rule: string;
  impact: string | null;
  targets: string[];
}

/**
 * Runs axe-core (WCAG 2.x A and AA rules) on the page as it is now. Playwright evaluates
 * through the DevTools protocol, so the console's CSP stays on while axe runs.
 */
export async function accessibilityAudit(page: Page, name: string): Promise<{ problems: AccessibilityProblem[]; passedChecks: number }> {
  await page.evaluate(AXE_SOURCE);
  const result = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then((r) => ({
      passes: r.passes.length,
      violations: r.violations.map((v) => ({ rule: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) })),
    }))`,
  )) as { passes: number; violations: Array<Omit<AccessibilityProblem, 'page'>> };
  return { problems: result.violations.map((violation) => ({ page: name, ...violation })), passedChecks: result.passes };
}

let shots = 0;
/** What axe found on the pages screenshotted so far (and proof that it ran). */
export const accessibilityLog = { pages: 0, passedChecks: 0, problems: [] as AccessibilityProblem[] };

/**
 * Every page the test passes through, numbered in order, for people to look at, and checked
 * for accessibility in the same state.
 */
export async function screenshot(page: Page, name: string, options: { audit?: boolean } = {}): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  shots += 1;
  await page.screenshot({ path: join(SCREENSHOTS, `${String(shots).padStart(2, '0')}-${name}.png`), fullPage: true });
  if (options.audit === false) return;
  const audit = await accessibilityAudit(page, name);
  accessibilityLog.pages += 1;
  accessibilityLog.passedChecks += audit.passedChecks;
  accessibilityLog.problems.push(...audit.problems);
}

/** Fills the console's open login form and submits it (`button`: "Log in", or "Sign in" in an app's sign-in). */
export async function fillLogin(page: Page, who: { org: string; login: string; password: string }, button = 'Log in'): Promise<void> {
  await page.getByLabel('Organization', { exact: true }).fill(who.org);
  await page.getByLabel('Login', { exact: true }).fill(who.login);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: button, exact: true }).click();
}

/**
 * What sticks out past the right edge of the screen, unless a scrolling box of its own holds it
 * (runs in the page: plain JavaScript).
 */
export const overflowing = (page: Page) =>
  page.evaluate(`(() => {
    const width = document.documentElement.clientWidth;
    const clipped = (element) => {
      for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
        if (getComputedStyle(parent).overflowX !== 'visible') return parent.getBoundingClientRect().right <= width + 0.5;
      }
      return false;
    };
    const found = [];
    for (const element of document.body.querySelectorAll('*')) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.right <= width + 0.5 || clipped(element)) continue;
      const classes = typeof element.className === 'string' && element.className ? '.' + element.className.split(' ').join('.') : '';
      const name = element.tagName.toLowerCase() + (element.id ? '#' + element.id : '') + classes;
      found.push(name + ' "' + (element.textContent || '').trim().slice(0, 40) + '" right edge ' + Math.round(box.right) + ' > ' + width);
    }
    if (document.documentElement.scrollWidth > width) found.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + width);
    return found;
  })()`) as Promise<string[]>;
