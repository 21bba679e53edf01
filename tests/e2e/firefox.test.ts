import { existsSync } from 'node:fs';
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildIfStale } from '../../scripts/build-if-stale.mjs';
import { FakeGitHub } from '../fakes/github/server.js';
import { runCli } from '../helpers/agent-process.js';
import { screenshot, shadowText, waitForShadow, waitForShadowText, waitForText } from '../helpers/browser.js';
import { type ClaudeWorld, claudeWorld } from '../helpers/claude-fixture.js';
import { type FirefoxWithExtension, firefoxPath, launchFirefoxWithExtension } from '../helpers/firefox.js';
import { waitFor } from '../helpers/temp.js';
import { GitHubSite } from './github-site.js';

// .ci/run installs Debian's firefox-esr; a machine without it skips this file and says why.
const haveFirefox = existsSync(firefoxPath);
if (!haveFirefox) console.warn(`Skipping the Firefox smoke: no ${firefoxPath} (set FIREFOX_PATH).`);

let github: FakeGitHub;
let world: ClaudeWorld;
let site: GitHubSite;
let firefox: FirefoxWithExtension;
const pages: Page[] = [];

beforeAll(async () => {
  if (!haveFirefox) return;
  buildIfStale({ firefox: true, quiet: true });
  github = await new FakeGitHub().start();
  github.addRepo('octo/app');
  world = await claudeWorld(() => ({ text: 'On it from Firefox.' }), github.env());
  site = await new GitHubSite(github).start();
  firefox = await launchFirefoxWithExtension(site.port);
}, 90_000);

afterEach(async (context) => {
  if (context.task.result?.state === 'fail')
    for (const [i, page] of pages.entries())
      await screenshot(page, `firefox-${context.task.name}-${i}`).catch(() => {});
});

afterAll(async () => {
  await firefox?.close();
  await site?.stop();
  await world?.close();
  await github?.stop();
});

/**
 * The tab the extension opens next (tabs.create). Firefox's BiDi does not report
 * navigations to moz-extension:// pages (page.url() stays about:blank), so the
 * new tab is found by asking each page for its own location.
 */
function nextTab(path: RegExp): Promise<Page> {
  const before = firefox.browser.pages();
  return (async () => {
    const known = new Set(await before);
    const page = await waitFor(
      async () => {
        for (const candidate of await firefox.browser.pages()) {
          if (known.has(candidate)) continue;
          const href = await candidate.evaluate(() => location.href).catch(() => '');
          if (path.test(href)) return candidate;
        }
        return undefined;
      },
      { what: `a tab at ${path}`, timeoutMs: 15_000 },
    );
    pages.push(page);
    return page;
  })();
}

describe.skipIf(!haveFirefox)('Firefox ESR: the MV2 build, installed as a temporary add-on', () => {
  it('pairs by code from the issue page, starts a workspace, and the popup chat streams the reply', async () => {
    const issue = github.addIssue('octo/app', { title: 'Works in Firefox', body: 'Check it.' });
    site.issueNumber = issue.number;
    const page = await firefox.browser.newPage();
    pages.push(page);
    await page.goto(`https://github.com/octo/app/issues/${issue.number}`);

    // Not paired yet: the Start feature says so and links to Options.
    await waitForShadowText(page, '[data-testid="ff-start"]', /Not paired/);
    const optionsTab = nextTab(/\/options\.html/);
    await page.click('pierce/[data-testid="ff-start"] .ff-link');
    const options = await optionsTab;
    await options.waitForSelector('input[name="port"]');
    const { stdout } = await runCli(['pair'], { FF_HOME: world.home });
    const code = /Pairing code: ([A-Z2-9]{4}-[A-Z2-9]{4})/.exec(stdout)![1]!;
    await options.click('input[name="port"]', { count: 3 });
    await options.keyboard.press('Backspace');
    await options.keyboard.type(String(world.agent.port));
    await options.click('input[name="token"]');
    await options.keyboard.type(code);
    await options.keyboard.press('Enter');
    await waitForText(options, '[data-testid="connection-state"]', /Connected to ff-agent/, 15_000);
    await screenshot(options, 'firefox-options-paired');

    // Back on the issue: Start creates the workspace and a session.
    await page.bringToFront();
    await waitForShadow(page, '[data-testid="ff-start-button"]');
    await page.click('pierce/[data-testid="ff-start-button"]');
    await waitForShadowText(page, '[data-testid="ff-chip"]', /Working|Waiting/, 30_000);
    const [mine] = (await world.client.call('workspace.list', { project: 'octo/app' })).filter(
      (w) => w.issue?.number === issue.number,
    );
    expect(mine).toBeDefined();
    expect(await shadowText(page, '[data-testid="ff-start"]')).toContain(mine!.branch);
    await screenshot(page, 'firefox-start-workspace');

    // Open chat: the popup, in a tab, shows Claude's reply from the fake Anthropic API.
    const chatTab = nextTab(/\/popup\.html#/);
    await page.click('pierce/[data-testid="ff-open-chat"]');
    const chat = await chatTab;
    await chat.waitForSelector(
      `[data-testid="ff-workspace"][aria-current="true"][data-workspace="${mine!.id}"]`,
      {
        timeout: 15_000,
      },
    );
    await waitForText(chat, 'body', /On it from Firefox\./, 20_000);
    await screenshot(chat, 'firefox-popup-chat');
  }, 90_000);
});
