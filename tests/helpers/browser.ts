import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { repoRoot } from './agent-process.js';
import { tempDir, waitFor } from './temp.js';

export const chromePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';
export const extensionDir = join(repoRoot, '.output', 'chrome-mv3');
/** The same extension built with `--mode e2e`: its test GitHub Enterprise host is granted at install. */
export const e2eExtensionDir = join(repoRoot, '.output', 'chrome-mv3-e2e');
export const screenshotDir = join(repoRoot, 'tests', 'e2e', 'screenshots');

export interface ExtensionBrowser {
  browser: Browser;
  extensionId: string;
  /** Opens one of the extension's pages (popup.html, options.html, …) in a tab. */
  openPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Real headless Chromium with the built extension loaded, a fresh profile,
 * and the flags this machine needs (root, no GPU, closed network).
 */
export async function launchWithExtension(
  extraArgs: string[] = [],
  prepareProfile?: (profileDir: string) => void,
  extension = extensionDir,
): Promise<ExtensionBrowser> {
  if (!existsSync(chromePath)) throw new Error(`Chromium not found at ${chromePath}; set CHROME_PATH.`);
  const profile = tempDir('ff-chrome-');
  prepareProfile?.(profile.path);
  const browser = await puppeteer.launch({
    executablePath: chromePath,
    headless: true,
    pipe: true,
    enableExtensions: [extension],
    userDataDir: profile.path,
    acceptInsecureCerts: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      ...extraArgs,
    ],
  });
  const worker = await browser.waitForTarget(
    (target) => target.type() === 'service_worker' && target.url().endsWith('/background.js'),
    { timeout: 10_000 },
  );
  const extensionId = new URL(worker.url()).host;
  return {
    browser,
    extensionId,
    async openPage(path) {
      const page = await browser.newPage();
      await page.goto(`chrome-extension://${extensionId}/${path}`);
      return page;
    },
    async close() {
      await browser.close();
      profile.cleanup();
    },
  };
}

/** Saves a screenshot under tests/e2e/screenshots/ (git-ignored). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name.replace(/[^a-z0-9-]+/gi, '-')}.png`);
  // Bounded: a stuck page must not turn one failure into a hung hook and a string of timeouts.
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    page.screenshot({ path: path as `${string}.png`, fullPage: true }),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`screenshot ${name} took over 10 s`)), 10_000);
    }),
  ]).finally(() => clearTimeout(timer));
  return path;
}

/** Waits until the text of the element matching `selector` matches `pattern`. */
export async function waitForText(
  page: Page,
  selector: string,
  pattern: RegExp,
  timeoutMs = 10_000,
): Promise<string> {
  return waitFor(
    async () => {
      const text = await page.$eval(selector, (el) => el.textContent ?? '').catch(() => '');
      return pattern.test(text) ? text : undefined;
    },
    { timeoutMs, what: `${selector} to match ${pattern}` },
  );
}

/** Pairs the extension with an agent through its Options page, as a user would. */
export async function pairExtension(
  chrome: ExtensionBrowser,
  agent: { port: number; token: string },
): Promise<void> {
  const page = await chrome.openPage('options.html');
  await page.waitForSelector('input[name="port"]');
  await page.$eval('input[name="port"]', (el) => {
    (el as HTMLInputElement).value = '';
  });
  await page.type('input[name="port"]', String(agent.port));
  await page.type('input[name="token"]', agent.token);
  await page.click('[data-testid="pair-form"] button[type="submit"]');
  await waitForText(page, '[data-testid="connection-state"]', /Connected to ff-agent/);
  await page.close();
}

/** Text inside a shadow-root feature host (pierce selectors reach into shadow roots). */
export async function shadowText(page: Page, selector: string): Promise<string> {
  const handle = await page.$(`pierce/${selector}`);
  if (!handle) return '';
  return (await handle.evaluate((el) => el.textContent ?? '')) as string;
}

export async function waitForShadowText(
  page: Page,
  selector: string,
  pattern: RegExp,
  timeoutMs = 15_000,
): Promise<string> {
  return waitFor(
    async () => {
      const text = await shadowText(page, selector);
      return pattern.test(text) ? text : undefined;
    },
    { timeoutMs, what: `${selector} to match ${pattern}` },
  );
}

/** How many hosts of a feature are on the page. */
export function featureCount(page: Page, name: string): Promise<number> {
  return page.$$eval(`[data-ff-feature="${name}"]`, (els) => els.length);
}

/**
 * Waits for an element inside a shadow root. (puppeteer's waitForSelector
 * watches the document's mutations, which do not include changes inside a
 * shadow root, so it can miss them; this polls.)
 */
export async function waitForShadow(page: Page, selector: string, timeoutMs = 15_000): Promise<void> {
  await waitFor(async () => (await page.$(`pierce/${selector}`)) !== null, { timeoutMs, what: selector });
}

/**
 * Counts the requests the extension sends the agent, by method: read off the
 * worker's WebSocket frames through DevTools, so nothing in the extension is
 * patched. `stop()` detaches.
 */
export async function watchAgentCalls(
  chrome: ExtensionBrowser,
): Promise<{ count(method: string): number; stop(): Promise<void> }> {
  const worker = await chrome.browser.waitForTarget(
    (target) => target.type() === 'service_worker' && target.url().endsWith('/background.js'),
    { timeout: 10_000 },
  );
  const session = await worker.createCDPSession();
  const counts = new Map<string, number>();
  session.on('Network.webSocketFrameSent', (event: { response: { payloadData: string } }) => {
    try {
      const frame = JSON.parse(event.response.payloadData) as { method?: unknown };
      if (typeof frame.method === 'string') counts.set(frame.method, (counts.get(frame.method) ?? 0) + 1);
    } catch {
      // Not a JSON request (a ping): not counted.
    }
  });
  await session.send('Network.enable');
  return {
    count: (method) => counts.get(method) ?? 0,
    stop: () => session.detach(),
  };
}
