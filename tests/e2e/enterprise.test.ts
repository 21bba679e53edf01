import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../fakes/github/server.js';
import { type AgentProcess, connectClient, spawnAgent } from '../helpers/agent-process.js';
import {
  type ExtensionBrowser,
  e2eExtensionDir,
  featureCount,
  launchWithExtension,
  pairExtension,
  screenshot,
  waitForShadow,
} from '../helpers/browser.js';
import { createGitHubLikeRepo } from '../helpers/git-repos.js';
import { tempDir, waitFor } from '../helpers/temp.js';
import { GitHubSite } from './github-site.js';

/**
 * GitHub Enterprise, from the Options page to a feature on the host's pages.
 * Headless Chromium cannot answer the browser's permission prompt, so this
 * runs the e2e build, which has ghe.test granted at install: the request
 * resolves at once and everything after it is the shipped code path.
 */
const HOST = 'ghe.test';
const dir = tempDir();
let github: FakeGitHub;
let agent: AgentProcess;
let site: GitHubSite;
let chrome: ExtensionBrowser;
let page: Page | undefined;

beforeAll(async () => {
  github = await new FakeGitHub().start();
  github.addRepo('octo/app');
  // The clone's origin is on the enterprise host: the page there names it ghe.test/octo/app to the agent.
  const repo = createGitHubLikeRepo(dir.path, 'octo', 'app', HOST);
  agent = await spawnAgent(join(dir.path, 'home'), { env: { ...repo.env, ...github.env() } });
  const client = await connectClient(agent);
  await client.call('project.add', { path: repo.clone });
  client.close();
  site = await new GitHubSite(github).start();
  chrome = await launchWithExtension(site.chromeArgs(['github.com', HOST]), undefined, e2eExtensionDir);
  await pairExtension(chrome, agent);
}, 60_000);
afterAll(async () => {
  await chrome?.close();
  await site?.stop();
  await agent?.stop();
  await github?.stop();
  dir.cleanup();
});

async function issuePage(number: number): Promise<Page> {
  page = await chrome.browser.newPage();
  await page.goto(`https://${HOST}/octo/app/issues/${number}`);
  await page.waitForSelector('main');
  return page;
}

describe('GitHub Enterprise', () => {
  it('a host added in Options gets the features on its pages; removed, it loses them', async () => {
    const issue = github.addIssue('octo/app', { title: 'On the enterprise server' });
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
      await options.$eval('[data-testid="add-enterprise-host"] input[name="host"]', (el) => {
        (el as HTMLInputElement).value = '';
      });
      await options.type(
        '[data-testid="add-enterprise-host"] input[name="host"]',
        `https://${HOST}/octo/app`,
      );
      await options.click('[data-testid="add-enterprise-host"] button[type="submit"]');
      await options.waitForSelector(`[data-testid="enterprise-hosts"] li[data-host="${HOST}"]`);
      expect(await options.$eval(`li[data-host="${HOST}"]`, (el) => el.textContent)).toContain('on');

      // After: the Start button, talking to the agent, on the enterprise host's issue page.
      await waitFor(
        async () => {
          await issuePage(issue.number);
          const found = await waitForShadow(page!, '[data-testid="ff-start-button"]', 3_000).then(
            () => true,
            () => false,
          );
          if (!found) await page!.close();
          return found;
        },
        { what: 'the Start button on the enterprise host', timeoutMs: 15_000 },
      );
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
});
