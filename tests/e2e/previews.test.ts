import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../fakes/github/server.js';
import { type ExtensionBrowser, screenshot, waitForShadow } from '../helpers/browser.js';
import { type ClaudeWorld, waitForSession } from '../helpers/claude-fixture.js';
import { waitFor } from '../helpers/temp.js';
import { closeGithubPagesWorld, githubPagesWorld } from './github-pages-world.js';
import type { GitHubSite } from './github-site.js';

let github: FakeGitHub;
let world: ClaudeWorld;
let site: GitHubSite;
let chrome: ExtensionBrowser;
const pages: Page[] = [];

beforeAll(async () => {
  ({ github, world, site, chrome } = await githubPagesWorld());
}, 60_000);

afterEach(async (context) => {
  if (context.task.result?.state === 'fail')
    for (const [i, page] of pages.entries()) await screenshot(page, `previews-${i}`).catch(() => {});
  for (const page of pages.splice(0)) await page.close().catch(() => {});
});

afterAll(async () => {
  await closeGithubPagesWorld({ github, world, site, chrome });
});

/** The href of a surface's Open link for `port` (inside a feature's shadow root too), once it shows. */
async function openLink(page: Page, port: number, scope = ''): Promise<string> {
  const selector = `pierce/${scope} [data-testid="ff-preview-open"][data-port="${port}"]`.replace('/ ', '/');
  return waitFor(
    async () => {
      const link = await page.$(selector);
      return link ? await link.evaluate((a) => [a.textContent, a.getAttribute('href')].join(' ')) : undefined;
    },
    { what: `the Open :${port} link`, timeoutMs: 20_000 },
  );
}

describe('Open links to the app', () => {
  it('Run in the popup: its row, the PR panel and the board card show Open :port as soon as the app listens, it opens the app, and it goes when the app stops', async () => {
    await world.client.call('project.set', {
      project: 'octo/app',
      runScript: `node -e "require('http').createServer((q, s) => s.end('app of ' + process.env.FF_WORKSPACE_BRANCH)).listen(Number(process.env.FF_PORT), '127.0.0.1')"`,
    });
    const ws = await world.workspace();
    const port = ws.ports!.first;
    // On the board: a session, finished. On a PR page: its pull request, found by the ratchet.
    const chat = await world.client.call('session.start', { workspaceId: ws.id, prompt: 'hi' });
    await waitForSession(world.client, chat.id, (s) => s.status === 'idle' && s.turns === 1, 'the chat');
    const pr = github.addPullRequest('octo/app', { headRefName: ws.branch, title: 'Run me' });
    github.setCheck(pr.number, 'test', 'SUCCESS');
    await world.client.call('ratchet.tick');
    await waitFor(
      async () => (await world.client.call('workspace.get', { workspaceId: ws.id })).pr?.number === pr.number,
      { what: 'the PR linked' },
    );

    // Every surface is open before the app runs: what they show next comes pushed, not asked for again.
    const popup = await chrome.openPage('popup.html');
    pages.push(popup);
    await popup.waitForSelector(`[data-testid="ff-workspace"][data-workspace="${ws.id}"]`);
    const prPage = await chrome.browser.newPage();
    pages.push(prPage);
    await prPage.goto(`https://github.com/octo/app/pull/${pr.number}`);
    await waitForShadow(prPage, '[data-testid="ff-ratchet-state"]');
    const board = await chrome.browser.newPage();
    pages.push(board);
    await board.goto('https://github.com/octo/app/issues');
    await board.click('pierce/[data-testid="ff-kanban-toggle"]');
    await waitForShadow(board, `[data-testid="ff-card"][data-workspace="${ws.id}"]`);
    expect(await popup.$('[data-testid="ff-preview-open"]')).toBeNull();
    expect(await board.$('pierce/[data-testid="ff-preview-open"]')).toBeNull();

    // Run from the popup: the selected workspace's row.
    await popup.bringToFront();
    await popup.click(`[data-testid="ff-workspace"][data-workspace="${ws.id}"]`);
    await popup.waitForSelector('[data-testid="ff-run"]:not([disabled])');
    await popup.click('[data-testid="ff-run"]');
    await popup.waitForSelector('[data-testid="ff-stop-run"]');
    const expected = `Open :${port} http://localhost:${port}/`;
    expect(await openLink(popup, port)).toBe(expected);
    await screenshot(popup, 'previews-popup-row');
    expect(await openLink(prPage, port, '[data-testid="ff-ratchet-app"]')).toBe(expected);
    expect(await openLink(board, port, `[data-testid="ff-card"][data-workspace="${ws.id}"]`)).toBe(expected);
    for (const page of [popup, prPage, board])
      expect(
        await (await page.$('pierce/[data-testid="ff-preview-open"]'))!.evaluate((a) => [
          a.getAttribute('target'),
          a.getAttribute('rel'),
        ]),
      ).toEqual(['_blank', 'noreferrer']);
    // A tab in the background paints no frames: the one pictured comes to the front.
    await board.bringToFront();
    await screenshot(board, 'previews-board-card');

    // Following the card's link opens the app in a tab of its own.
    const opened = chrome.browser.waitForTarget((target) => target.url() === `http://localhost:${port}/`, {
      timeout: 10_000,
    });
    await (await board.$('pierce/[data-testid="ff-preview-open"]'))!.click();
    const tab = await (await opened).page();
    pages.push(tab!);
    // The tab may still be loading it (its first document replaced): asked again until it shows.
    await waitFor(
      async () =>
        (await tab!.evaluate(() => document.body?.textContent ?? '').catch(() => '')) ===
        `app of ${ws.branch}`,
      { what: 'the app in its tab' },
    );

    // Stop app, from the popup: the app and its links go.
    await popup.bringToFront();
    await popup.click('[data-testid="ff-stop-run"]');
    await popup.waitForSelector('[data-testid="ff-run"]');
    for (const page of [popup, prPage, board])
      await waitFor(async () => (await page.$('pierce/[data-testid="ff-preview-open"]')) === null, {
        what: 'the Open link to go with the app',
        timeoutMs: 20_000,
      });
  }, 120_000);
});
