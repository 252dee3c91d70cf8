// One headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) shared by every
// e2e file: launched on first use, closed once after the whole run. Fake camera/microphone for
// WebRTC; the background-networking flags keep Chromium off the closed network.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from './pbx.js';

export const SCREENSHOT_DIR = join(ROOT, 'test-artifacts/screenshots');

let browser: Promise<Browser> | undefined;

export function sharedBrowser(): Promise<Browser> {
  browser ??= chromium.launch({
    executablePath: process.env.HOTLINE_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--disable-gpu',
      '--no-first-run',
    ],
  });
  return browser;
}

// Root hooks (this module is imported by the e2e files; a bench imports it outside mocha): the
// console is built if it is not (npm ci builds it), and the one browser closes after all files.
if (typeof before === 'function') {
  before(async function () {
    this.timeout(120_000);
    if (!existsSync(join(ROOT, 'dist/web/index.html'))) execFileSync(process.execPath, [join(ROOT, 'scripts/web-build.mjs')], { stdio: 'inherit' });
  });
  after(async () => {
    if (browser) await (await browser).close();
    browser = undefined;
  });
}

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Page errors and console errors seen so far. */
  errors: string[];
  close(): Promise<void>;
}

/** A fresh browser context (own storage) with a page in `locale`. */
export async function openConsole(locale: 'zh-CN' | 'en', opts: { viewport?: { width: number; height: number } } = {}): Promise<ConsolePage> {
  const context = await (await sharedBrowser()).newContext({ locale, viewport: opts.viewport ?? { width: 1440, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('crash', () => errors.push('the page crashed'));
  return { context, page, errors, close: () => context.close() };
}

/** Signs in through the login page and waits for the page the router lands on. */
export async function signIn(page: Page, base: string, username: string, password: string, path = '/agent'): Promise<void> {
  await page.goto(`${base}${path}`);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.locator('button[type=submit]').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 15_000 }).catch(async (err: Error) => {
    // Still on the login page: what it says (a refusal, the login limit) is the cause.
    const said = await page.locator('[role=alert]').allInnerTexts().catch(() => []);
    throw new Error(`signing in as ${username} did not leave the login page: ${said.join(' | ') || '(no message shown)'}; ${err.message.split('\n')[0]}`);
  });
}

/** Clicks `button` in the open question titled `title` (ElMessageBox) and waits until it has gone. */
export async function answerQuestion(page: Page, title: string, button: string): Promise<void> {
  const box = page.getByRole('dialog', { name: title });
  await box.getByRole('button', { name: button }).click();
  const deadline = Date.now() + 10_000;
  while ((await box.count()) > 0) {
    if (Date.now() > deadline) throw new Error(`the question "${title}" did not close`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Translation keys the page asked for that its language lacks (recorded by app/web/i18n). */
export function missingKeys(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __hotlineMissingKeys?: string[] }).__hotlineMissingKeys ?? []);
}

/** Text content of the page's #app: what a user sees (empty means a blank page). */
export function appText(page: Page): Promise<string> {
  return page.locator('#app').innerText();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const require = createRequire(import.meta.url);

/** Runs axe-core in the page (its source evaluated over the DevTools protocol: the page's CSP stays on). */
export async function axeViolations(page: Page): Promise<Array<{ id: string; impact: string | null; help: string; nodes: string[] }>> {
  // Judge the settled page: colours in the middle of a fade-in are not what the user reads.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'), undefined, { timeout: 5000 });
  const source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[]; html: string }> }> }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => `${JSON.stringify(n.target)} ${n.html.slice(0, 160)}`) }));
  });
}
