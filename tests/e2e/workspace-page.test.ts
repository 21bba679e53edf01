import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../fakes/github/server.js';
import { type ExtensionBrowser, launchWithExtension, pairExtension, screenshot } from '../helpers/browser.js';
import { type ClaudeWorld, claudeWorld, waitForSession } from '../helpers/claude-fixture.js';
import { waitFor } from '../helpers/temp.js';

let world: ClaudeWorld;
let github: FakeGitHub;
let chrome: ExtensionBrowser;
let page: Page | undefined;

beforeAll(async () => {
  github = await new FakeGitHub().start();
  github.addRepo('octo/app');
  world = await claudeWorld(() => ({ text: 'ok' }), github.env());
  chrome = await launchWithExtension();
  await pairExtension(chrome, world.agent);
}, 60_000);
afterAll(async () => {
  await chrome?.close();
  await world?.close();
  await github?.stop();
  expect(github.invalid).toEqual([]);
});

const screenText = (p: Page) => p.$eval('.xterm-rows', (el) => el.textContent ?? '').catch(() => '');

describe('the workspace page', () => {
  it('a real terminal: type, see the output, reload and see the scrollback, exit is reported; the diff shows a new file', async () => {
    const workspace = await world.workspace();
    writeFileSync(join(workspace.path, 'written-by-claude.txt'), 'hello\n');
    page = await chrome.openPage(`workspace.html#${workspace.id}`);
    try {
      await page.waitForSelector(`[data-testid="ff-diff-file"][data-path="written-by-claude.txt"]`, {
        timeout: 15_000,
      });
      await page.click('[data-testid="ff-new-terminal"]');
      await page.waitForSelector('[data-testid="ff-terminal"] .xterm-rows');
      await page.click('[data-testid="ff-terminal"]');
      await page.keyboard.type('echo ff-$((40+2))');
      await page.keyboard.press('Enter');
      await waitFor(async () => (await screenText(page!)).includes('ff-42'), { what: 'ff-42 on the screen' });
      await screenshot(page, 'workspace-page');
      await page.reload();
      await page.waitForSelector('[data-testid="ff-terminal"] .xterm-rows');
      await waitFor(async () => (await screenText(page!)).includes('ff-42'), {
        what: 'the scrollback after a reload',
      });
      await page.click('[data-testid="ff-terminal"]');
      await page.keyboard.type('exit');
      await page.keyboard.press('Enter');
      await waitFor(async () => (await screenText(page!)).includes('[exited with code 0]'), {
        what: 'the exit',
      });
    } catch (error) {
      await screenshot(page, 'workspace-page-failed');
      // What the terminal showed, and its size, say which side lost the scrollback.
      const rows = await page.$$eval('.xterm-rows > div', (r) => r.length).catch(() => 0);
      throw new Error(
        `${(error as Error).message}; the screen (${rows} rows): ${JSON.stringify(await screenText(page))}`,
      );
    }
    expect(await page.$eval('[data-testid="ff-diff"]', (el) => el.textContent)).toContain('+1');
  }, 60_000);

  it('the session list follows sessions live: one started elsewhere shows up, and its state moves to idle', async () => {
    const workspace = await world.workspace();
    const live = await chrome.openPage(`workspace.html#${workspace.id}`);
    try {
      await live.waitForSelector('[data-testid="ff-new-chat"]');
      expect(await live.$('[data-testid="ff-session-menu"]')).toBeNull();
      // Started from the command line's side, not from this page.
      const session = await world.client.call('session.start', { workspaceId: workspace.id, prompt: 'hi' });
      await waitForSession(world.client, session.id, (s) => s.status === 'idle' && s.turns === 1, 'the turn');
      await live.waitForSelector('[data-testid="ff-session-menu"]', { timeout: 10_000 });
      await live.click('[data-testid="ff-session-menu"]');
      await waitFor(
        async () =>
          (
            await live
              .$eval('[data-testid="ff-session-menu-menu"] .ff-menu-desc', (el) => el.textContent ?? '')
              .catch(() => '')
          ).match(/^idle · \$[\d.]+ · 1 turn ·/) !== null,
        { what: 'the session idle after 1 turn in the menu' },
      );
    } catch (error) {
      await screenshot(live, 'workspace-page-live-failed');
      throw error;
    } finally {
      await live.close();
    }
  }, 60_000);

  it('the diff: numbered lines, unified or split (the choice is kept), file names and text inert', async () => {
    const workspace = await world.workspace();
    writeFileSync(join(workspace.path, 'README.md'), '# changed\n<img src=x onerror="window.__ffPwned=1">\n');
    page = await chrome.openPage(`workspace.html#${workspace.id}`);
    const rows = (layout: string) =>
      page!.$$eval(`[data-path="README.md"] table[data-layout="${layout}"] tr`, (trs) =>
        trs.map((tr) =>
          Array.from(tr.querySelectorAll('td'))
            .map((td) => td.textContent)
            .join('|'),
        ),
      );
    await page.waitForSelector('[data-path="README.md"] table[data-layout="unified"]', { timeout: 15_000 });
    // A first hunk at line 1 that names no section needs no separator: git's `@@` line is not shown.
    expect((await rows('unified')).filter(Boolean)).toEqual([
      '1||-# app',
      '|1|+# changed',
      '|2|+<img src=x onerror="window.__ffPwned=1">',
    ]);
    await page.click('[data-testid="ff-diff-split"]');
    await page.waitForSelector('[data-path="README.md"] table[data-layout="split"]');
    expect((await rows('split')).filter(Boolean)).toEqual([
      '1|# app|1|# changed',
      '||2|<img src=x onerror="window.__ffPwned=1">',
    ]);
    await screenshot(page, 'workspace-page-split-diff');
    await page.reload();
    await page.waitForSelector('[data-path="README.md"] table[data-layout="split"]', { timeout: 15_000 });
    expect(await page.evaluate('window.__ffPwned')).toBeUndefined();
    expect(await page.$('[data-path="README.md"] img')).toBeNull();
    await page.close();
    page = undefined;
  }, 60_000);

  it('Open PR pushes the branch and links the pull request it opened', async () => {
    const workspace = await world.workspace(1500);
    writeFileSync(join(workspace.path, 'change.txt'), 'a change\n');
    world.repo.git(workspace.path, 'add', 'change.txt');
    world.repo.git(workspace.path, 'commit', '-qm', 'A change');
    page = await chrome.openPage(`workspace.html#${workspace.id}`);
    await page.waitForSelector('[data-testid="ff-open-pr"]', { timeout: 15_000 });
    await page.click('[data-testid="ff-open-pr"]');
    await page.waitForSelector('header a[href*="/pull/"]');
    const pr = github.pullRequests.find((p) => p.headRefName === workspace.branch)!;
    expect(pr.title).toBe('task 1500');
    expect(await page.$eval('header a[href*="/pull/"]', (el) => el.textContent)).toBe(`PR #${pr.number}`);
    expect(world.repo.git(world.repo.bare, 'branch', '--list', workspace.branch).trim()).toContain(
      workspace.branch,
    );
    expect(await page.$('[data-testid="ff-open-pr"]')).toBeNull();
    await page.close();
    page = undefined;
  }, 60_000);

  it('Archive: unsaved work is named and kept unless you say Archive anyway; then the worktree is gone, and Restore brings it back', async () => {
    const workspace = await world.workspace();
    writeFileSync(join(workspace.path, 'unsaved.txt'), 'work in progress\n');
    page = await chrome.openPage(`workspace.html#${workspace.id}`);
    page.on('dialog', (dialog) => void dialog.accept());
    await page.waitForSelector('[data-testid="ff-archive"]', { timeout: 15_000 });
    await page.click('[data-testid="ff-archive"]');
    await page.waitForSelector('[data-testid="ff-archive-refused"]');
    expect(await page.$eval('[data-testid="ff-archive-refused"]', (el) => el.textContent)).toContain(
      '1 untracked file (unsaved.txt)',
    );
    expect(existsSync(workspace.path)).toBe(true);
    await page.click('[data-testid="ff-archive-force"]');
    await waitFor(async () => (await page!.$eval('header .ff-chip', (el) => el.textContent)) === 'Archived', {
      what: 'the Archived chip',
    });
    expect(existsSync(workspace.path)).toBe(false);
    expect(await page.$('[data-testid="ff-archive"]')).toBeNull();
    await page.click('[data-testid="ff-restore"]');
    await page.waitForSelector('[data-testid="ff-archive"]');
    expect(readFileSync(join(workspace.path, 'unsaved.txt'), 'utf8')).toBe('work in progress\n');
    await page.close();
    page = undefined;
  }, 60_000);

  it('notifications: a turn that ends unseen and a crash notify; a click opens the page on that session', async () => {
    const workspace = await world.workspace();
    const session = await world.client.call('session.start', { workspaceId: workspace.id });
    const worker = await (
      await chrome.browser.waitForTarget(
        (t) => t.type() === 'service_worker' && t.url().endsWith('/background.js'),
      )
    ).worker();
    const notificationIds = async () =>
      Object.keys((await worker!.evaluate('chrome.notifications.getAll()')) as Record<string, unknown>);
    const about = (kind: string, turns: number) => `${kind}:${session.id}:${turns}|`;

    // No view shows the session: its finished turn is news.
    await world.client.call('session.send', { sessionId: session.id, text: 'first' });
    await waitForSession(world.client, session.id, (s) => s.turns === 1 && s.status === 'idle', 'first turn');
    await waitFor(async () => (await notificationIds()).some((id) => id.startsWith(about('turn', 1))), {
      what: 'the turn notification',
    });
    const turnId = (await notificationIds()).find((id) => id.startsWith(about('turn', 1)))!;

    // What a click opens: the workspace page on that session — even when a newer session exists.
    await world.client.call('session.start', { workspaceId: workspace.id });
    page = await chrome.openPage(turnId.slice(turnId.indexOf('|') + 2));
    await page.waitForSelector(
      `[data-testid="ff-chat"][data-session="${session.id}"] [data-testid="ff-composer"]`,
    );

    // The page shows the session: a turn that ends now is not news.
    await page.type('[data-testid="ff-composer"]', 'second');
    await page.keyboard.press('Enter');
    await waitForSession(
      world.client,
      session.id,
      (s) => s.turns === 2 && s.status === 'idle',
      'second turn',
    );

    // claude dies under the session: news, whether or not it is on screen.
    const { pid } = await world.client.call('session.get', { sessionId: session.id });
    process.kill(pid!, 'SIGKILL');
    await waitFor(async () => (await notificationIds()).some((id) => id.startsWith(about('crashed', 2))), {
      what: 'the crash notification',
    });
    // Boards arrive in order, so the one with the viewed turn's end came before the crash.
    expect((await notificationIds()).filter((id) => id.startsWith(about('turn', 2)))).toEqual([]);
    await page.close();
    page = undefined;
  }, 60_000);
  it("Run starts the project's app; its port shows with an Open link, and Open shows the app; Stop ends it", async () => {
    // A real HTTP server on the workspace's first port, the project's run command in ff's settings.
    await world.client.call('project.set', {
      project: 'octo/app',
      runScript: `node -e "require('http').createServer((q, s) => s.end('app of ' + process.env.FF_WORKSPACE_BRANCH)).listen(Number(process.env.FF_PORT), '127.0.0.1')"`,
    });
    const workspace = await world.workspace();
    const port = (await world.client.call('workspace.get', { workspaceId: workspace.id })).ports!.first;
    const app = await chrome.openPage(`workspace.html#${workspace.id}`);
    try {
      await app.waitForSelector('[data-testid="ff-run"]', { timeout: 15_000 });
      await app.click('[data-testid="ff-run"]');
      const open = await app.waitForSelector('[data-testid="ff-preview-open"]', { timeout: 20_000 });
      expect(await open!.evaluate((a) => [a.textContent, a.getAttribute('href')])).toEqual([
        `Open :${port}`,
        `http://localhost:${port}/`,
      ]);
      await screenshot(app, 'workspace-page-app-running');
      const opened = chrome.browser.waitForTarget((target) => target.url() === `http://localhost:${port}/`, {
        timeout: 10_000,
      });
      await open!.click();
      const tab = await (await opened).page();
      // The tab may still be loading it (its first document replaced): asked again until it shows.
      await waitFor(
        async () =>
          (await tab!.evaluate(() => document.body?.textContent ?? '').catch(() => '')) ===
          `app of ${workspace.branch}`,
        { what: 'the app in its tab' },
      );
      await tab!.close();
      await app.click('[data-testid="ff-stop-run"]');
      await app.waitForSelector('[data-testid="ff-run"]', { timeout: 10_000 });
      await waitFor(
        async () =>
          (await world.client.call('workspace.get', { workspaceId: workspace.id })).previews?.length === 0
            ? true
            : undefined,
        { what: 'the app to stop listening' },
      );
    } catch (error) {
      await screenshot(app, 'workspace-page-app-failed');
      throw error;
    } finally {
      await world.client.call('workspace.stopRun', { workspaceId: workspace.id });
      await app.close();
    }
  }, 60_000);
});
