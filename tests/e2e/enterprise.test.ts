import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../fakes/github/server.js';
import {
  type ExtensionBrowser,
  e2eExtensionDir,
  featureCount,
  launchWithExtension,
  pairExtension,
  screenshot,
  waitForShadow,
  waitForShadowText,
} from '../helpers/browser.js';
import { type ClaudeWorld, claudeWorld } from '../helpers/claude-fixture.js';
import { createGitHubLikeRepo } from '../helpers/git-repos.js';
import { waitFor } from '../helpers/temp.js';
import { GitHubSite } from './github-site.js';

/**
 * GitHub Enterprise, from the Options page to a feature on the host's pages.
 * Headless Chromium cannot answer the browser's permission prompt, so this
 * runs the e2e build, which has ghe.test granted at install: the request
 * resolves at once and everything after it is the shipped code path.
 */
const HOST = 'ghe.test';
let github: FakeGitHub;
let ghe: FakeGitHub;
let world: ClaudeWorld;
let site: GitHubSite;
let chrome: ExtensionBrowser;
let page: Page | undefined;

beforeAll(async () => {
  github = await new FakeGitHub().start();
  ghe = await new FakeGitHub({ host: HOST }).start();
  github.addRepo('octo/app');
  ghe.addRepo('octo/app');
  // octo/app twice: the world's clone on github.com, and a clone of the same name on the enterprise host.
  world = await claudeWorld(() => ({ text: 'On it.' }), { ...github.env(), ...ghe.env() });
  const mirror = createGitHubLikeRepo(world.root, 'octo', 'app', HOST);
  await world.client.call('project.add', { path: mirror.clone });
  site = await new GitHubSite(github).start();
  chrome = await launchWithExtension(site.chromeArgs(['github.com', HOST]), undefined, e2eExtensionDir);
  await pairExtension(chrome, world.agent);
}, 60_000);
afterAll(async () => {
  await chrome?.close();
  await site?.stop();
  await world?.close();
  await github?.stop();
  await ghe?.stop();
  expect(github.invalid).toEqual([]);
  expect(ghe.invalid).toEqual([]);
});

async function issuePage(number: number, host = HOST): Promise<Page> {
  page = await chrome.browser.newPage();
  await page.goto(`https://${host}/octo/app/issues/${number}`);
  await page.waitForSelector('main');
  return page;
}

/** Adds the enterprise host on the Options page, by a URL on it as a user would paste it. */
async function addHost(options: Page): Promise<void> {
  await options.$eval('[data-testid="add-enterprise-host"] input[name="host"]', (el) => {
    (el as HTMLInputElement).value = '';
  });
  await options.type('[data-testid="add-enterprise-host"] input[name="host"]', `https://${HOST}/octo/app`);
  await options.click('[data-testid="add-enterprise-host"] button[type="submit"]');
  await options.waitForSelector(`[data-testid="enterprise-hosts"] li[data-host="${HOST}"]`);
  expect(await options.$eval(`li[data-host="${HOST}"]`, (el) => el.textContent)).toContain('on');
}

/** Waits for the Start button on an issue page (the content script registers a moment after the host is added). */
async function startButtonOn(host: string, number: number): Promise<Page> {
  await waitFor(
    async () => {
      await issuePage(number, host);
      const found = await waitForShadow(page!, '[data-testid="ff-start-button"]', 3_000).then(
        () => true,
        () => false,
      );
      if (!found) await page!.close();
      return found;
    },
    { what: `the Start button on ${host}`, timeoutMs: 15_000 },
  );
  return page!;
}

describe('GitHub Enterprise', () => {
  it('a host added in Options gets the features on its pages; removed, it loses them', async () => {
    const issue = github.addIssue('octo/app', { title: 'On the enterprise server' });
    ghe.addIssue('octo/app', { title: 'On the enterprise server' });
    try {
      // Before: ff does not run there.
      await issuePage(issue.number);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await featureCount(page!, 'start-workspace')).toBe(0);
      await page!.close();

      const options = await chrome.openPage('options.html');
      await options.waitForSelector('[data-testid="add-enterprise-host"] input[name="host"]');
      await options.type('[data-testid="add-enterprise-host"] input[name="host"]', 'github.com');
      await options.click('[data-testid="add-enterprise-host"] button[type="submit"]');
      await options.waitForSelector('[data-testid="options-message"]');
      expect(await options.$eval('[data-testid="options-message"]', (el) => el.textContent)).toMatch(
        /works without adding it/,
      );
      await addHost(options);

      // After: the Start button, talking to the agent, on the enterprise host's issue page.
      await startButtonOn(HOST, issue.number);
      expect(await featureCount(page!, 'start-workspace')).toBe(1);
      await screenshot(page!, 'enterprise-issue');
      await page!.close();

      await options.click(`li[data-host="${HOST}"] button`);
      await options.waitForSelector(`li[data-host="${HOST}"]`, { hidden: true });
      await waitFor(
        async () => {
          await issuePage(issue.number);
          await new Promise((resolve) => setTimeout(resolve, 500));
          const count = await featureCount(page!, 'start-workspace');
          await page!.close();
          return count === 0;
        },
        { what: 'the features gone from the enterprise host', timeoutMs: 15_000 },
      );
      page = undefined;
    } catch (error) {
      if (page && !page.isClosed()) await screenshot(page, 'enterprise-failed');
      throw error;
    }
  }, 60_000);

  it("the same owner/repo on github.com and the enterprise host: Start on each page starts a workspace of that host's clone", async () => {
    const issue = github.addIssue('octo/app', { title: 'Same name, two hosts' });
    expect(ghe.addIssue('octo/app', { title: 'Same name, two hosts' }).number).toBe(issue.number);
    try {
      const options = await chrome.openPage('options.html');
      await options.waitForSelector('[data-testid="add-enterprise-host"] input[name="host"]');
      await addHost(options);
      await options.close();
      for (const host of ['github.com', HOST]) {
        const onPage = await startButtonOn(host, issue.number);
        await onPage.click('pierce/[data-testid="ff-start-button"]');
        await waitForShadowText(
          onPage,
          '[data-testid="ff-chip"]',
          /Setting up|Ready|Working|Waiting/,
          30_000,
        );
        const list = await world.client.call('workspace.list', { project: `${host}/octo/app` });
        expect(list.filter((w) => w.issue?.number === issue.number)).toHaveLength(1);
        await onPage.close();
      }
      page = undefined;
    } catch (error) {
      if (page && !page.isClosed()) await screenshot(page, 'enterprise-same-name-failed');
      throw error;
    }
  }, 90_000);
});
