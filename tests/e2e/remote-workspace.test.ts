/**
 * A workspace on a remote machine, end to end through a real tunnel: a real
 * sshd on 127.0.0.1 plays the remote (its own ff home, its own ff-agent, the
 * real claude CLI against the fake API), the local agent holds the ssh link,
 * and the extension talks to the local agent only.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentClient } from '../../shared/agent-client.js';
import { FakeAnthropicApi, lastUserText } from '../fakes/anthropic-api/server.js';
import { FakeGitHub } from '../fakes/github/server.js';
import {
  type AgentProcess,
  connectClient,
  offlineClaudeEnv,
  runCli,
  spawnAgent,
} from '../helpers/agent-process.js';
import { inBothThemes, inGitHubThemes, seriousA11yViolations } from '../helpers/axe.js';
import {
  type ExtensionBrowser,
  launchWithExtension,
  pairExtension,
  screenshot,
  waitForShadow,
  waitForShadowText,
  waitForText,
} from '../helpers/browser.js';
import { claudeBin } from '../helpers/claude-fixture.js';
import { createGitHubLikeRepo, type GitHubLikeRepo } from '../helpers/git-repos.js';
import { type Sshd, sshdMissing, startSshd } from '../helpers/sshd.js';
import { tempDir, waitFor } from '../helpers/temp.js';
import { GitHubSite } from './github-site.js';

const missing = sshdMissing();
if (missing) console.warn(`Skipping the remote workspace e2e: ${missing}.`);

const dir = tempDir('ff-remote-e2e-');
let sshd: Sshd;
let api: FakeAnthropicApi;
let github: FakeGitHub;
let site: GitHubSite;
let local: AgentProcess;
let client: AgentClient;
let chrome: ExtensionBrowser;
let remoteRepo: GitHubLikeRepo;
const pages: Page[] = [];
const localHome = join(dir.path, 'local-home');
/** Held open by the test: a turn that ends only when released (to cut the link in the middle of it). */
let release: (() => void) | undefined;

beforeAll(async () => {
  if (missing) return;
  github = await new FakeGitHub().start();
  github.addRepo('octo/app');
  api = await new FakeAnthropicApi(async (request) => {
    const text = lastUserText(request);
    if (text === 'a long one') {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return { text: 'Finished while you were away.' };
    }
    const say = /^say (.+)$/.exec(text);
    return { text: say ? `Echo: ${say[1]}` : 'On it.' };
  }).start();
  // The remote machine: its clone of octo/app, its claude, its own GitHub token.
  remoteRepo = createGitHubLikeRepo(join(dir.path, 'remote-side'));
  const remoteUserHome = join(dir.path, 'remote-user-home');
  mkdirSync(remoteUserHome, { recursive: true });
  sshd = await startSshd(join(dir.path, 'sshd'), {
    ...offlineClaudeEnv(join(dir.path, 'remote-offline')),
    ...remoteRepo.env,
    ...api.env(),
    ...github.env(),
    HOME: remoteUserHome,
    FF_CLAUDE_BIN: claudeBin,
  });
  // This computer: one project of its own (octo/lib), so the popup has two machines to group.
  const localRepo = createGitHubLikeRepo(join(dir.path, 'local-side'), 'octo', 'lib');
  const localUserHome = join(dir.path, 'local-user-home');
  mkdirSync(localUserHome, { recursive: true });
  local = await spawnAgent(localHome, {
    env: {
      ...localRepo.env,
      ...github.env(),
      ...api.env(),
      HOME: localUserHome,
      FF_CLAUDE_BIN: claudeBin,
      FF_REMOTE_HEALTH_MS: '1000',
    },
  });
  client = await connectClient(local);
  await client.call('project.add', { path: localRepo.clone });
  const added = await runCli(
    ['--home', localHome, ...sshd.remoteAddArgs('devbox')],
    {},
    { timeoutMs: 60_000 },
  );
  expect(added.stderr).toBe('');
  const project = await runCli(
    ['--home', localHome, 'project', 'add', '--host', 'devbox', remoteRepo.clone],
    {},
    { timeoutMs: 60_000 },
  );
  expect(project.stderr).toBe('');
  site = await new GitHubSite(github).start();
  chrome = await launchWithExtension(site.chromeArgs());
  await pairExtension(chrome, local);
}, 120_000);

afterEach(async (context) => {
  if (context.task.result?.state === 'fail')
    for (const [i, page] of pages.entries())
      await screenshot(page, `remote-${context.task.name}-${i}`).catch(() => {});
});

afterAll(async () => {
  release?.();
  for (const page of pages.splice(0)) await page.close().catch(() => {});
  await chrome?.close();
  await site?.stop();
  client?.close();
  await local?.stop();
  await sshd?.close();
  await api?.stop();
  await github?.stop();
  dir.cleanup();
});

const texts = (page: Page, selector: string) =>
  page.$$eval(selector, (els) => els.map((e) => (e.textContent ?? '').trim()));

describe.skipIf(missing)('a workspace on a remote machine, through a real ssh tunnel', () => {
  let workspaceId = '';
  let localWorkspaceId = '';
  let popup: Page;

  it('the issue page says where Start makes the workspace, and it is made there', async () => {
    const issue = github.addIssue('octo/app', { title: 'Run it on the big box', body: 'Too slow here.' });
    site.issueNumber = issue.number;
    const page = await chrome.browser.newPage();
    pages.push(page);
    await page.goto(`https://github.com/octo/app/issues/${issue.number}`);
    await waitForShadowText(page, '[data-testid="ff-start-button"]', /^Start workspace on devbox$/, 30_000);
    await page.click('pierce/[data-testid="ff-start-button"]');
    await waitForShadowText(page, '[data-testid="ff-chip"]', /Working|Waiting/, 60_000);
    await waitForShadow(page, '[data-testid="ff-machine"][data-machine="devbox"]');
    const [made] = (await client.call('workspace.list', { project: 'octo/app' })).filter(
      (w) => w.issue?.number === issue.number,
    );
    expect(made).toMatchObject({ machine: 'devbox' });
    // Its worktree is on the remote: under the remote agent's home, not this computer's.
    expect(made!.path.startsWith(sshd.remoteHome)).toBe(true);
    workspaceId = made!.id;
    await inGitHubThemes(page, async (theme) => {
      await screenshot(page, `start-workspace-remote-${theme}`);
      expect(await seriousA11yViolations(page, '[data-ff-feature]')).toEqual([]);
    });
  }, 120_000);

  it('the popup groups by machine, the remote header says connected, and the chat streams through the tunnel', async () => {
    // A workspace on this computer too, with a session of its own.
    const { workspace } = await client.call('workspace.create', {
      project: 'octo/lib',
      issue: { number: 7, title: 'Here, on the laptop' },
      startSession: false,
    });
    localWorkspaceId = workspace.id;
    await waitFor(
      async () => (await client.call('workspace.get', { workspaceId: workspace.id })).status === 'ready',
      { what: 'the local workspace', timeoutMs: 30_000 },
    );
    await client.call('session.start', { workspaceId: localWorkspaceId });
    popup = await chrome.openPage(`popup.html#${workspaceId}`);
    pages.push(popup);
    await popup.waitForSelector(
      '[data-testid="ff-machine-group"][data-machine="local"] [data-testid="ff-machine-head"]',
    );
    const order = await popup.$$eval('[data-testid="ff-machine-group"]', (els) =>
      els.map((el) => el.getAttribute('data-machine')),
    );
    expect(order).toEqual(['local', 'devbox']);
    await waitForText(
      popup,
      '[data-testid="ff-machine-group"][data-machine="devbox"] [data-testid="ff-machine-head"]',
      /devbox\s*connected/,
    );
    await popup.waitForSelector(
      `[data-testid="ff-machine-group"][data-machine="devbox"] [data-testid="ff-workspace"][data-workspace="${workspaceId}"][aria-current="true"]`,
    );
    // Below this computer's group, the selected row is still wholly inside the scrolled list.
    const { listBox, rowBox } = await popup.$eval(
      `[data-testid="ff-workspace"][data-workspace="${workspaceId}"]`,
      (button) => {
        const rect = (el: Element) => {
          const r = el.getBoundingClientRect();
          return { top: Math.round(r.top), bottom: Math.round(r.bottom) };
        };
        return {
          listBox: rect(button.closest('[data-testid="ff-workspaces"]')!),
          rowBox: rect(button.closest('li')!),
        };
      },
    );
    expect(rowBox.top).toBeGreaterThanOrEqual(listBox.top);
    expect(rowBox.bottom).toBeLessThanOrEqual(listBox.bottom);
    // The first turn (the issue's prompt) was answered on the remote; its reply is here.
    await waitFor(async () => (await texts(popup, '[data-testid="ff-msg-assistant"]')).includes('On it.'), {
      what: 'the first reply, relayed',
      timeoutMs: 30_000,
    });
    await popup.type('[data-testid="ff-composer"]', 'say hello from the laptop');
    await popup.keyboard.press('Enter');
    await waitFor(
      async () =>
        (await texts(popup, '[data-testid="ff-msg-assistant"]')).includes('Echo: hello from the laptop'),
      { what: 'the reply through the tunnel', timeoutMs: 30_000 },
    );
    await inBothThemes(popup, async (theme) => {
      await screenshot(popup, `popup-remote-${theme}`);
      expect(await seriousA11yViolations(popup)).toEqual([]);
    });
  }, 90_000);

  it('the link drops mid-turn: unreachable, no sending; back: connected, and the turn shows once, nothing lost or doubled', async () => {
    await popup.type('[data-testid="ff-composer"]', 'a long one');
    await popup.keyboard.press('Enter');
    await waitFor(async () => release !== undefined, { what: 'the long turn to reach the API' });
    // The message reaches the API before its event reaches the popup: what was on screen is taken once it shows.
    await waitFor(async () => (await texts(popup, '[data-testid="ff-msg-user"]')).includes('a long one'), {
      what: 'the message in the chat',
    });
    const usersBefore = await texts(popup, '[data-testid="ff-msg-user"]');
    const repliesBefore = await texts(popup, '[data-testid="ff-msg-assistant"]');

    // The host drops off the network: every connection cut, and none taken until it is back.
    sshd.cutConnections();
    await sshd.stop();
    const head = '[data-testid="ff-machine-group"][data-machine="devbox"] [data-testid="ff-machine-head"]';
    await waitForText(popup, head, /devbox\s*unreachable since/, 30_000);
    await popup.waitForSelector('[data-testid="ff-chat-offline"]');
    expect(await popup.$eval('[data-testid="ff-send"]', (el) => (el as HTMLButtonElement).disabled)).toBe(
      true,
    );
    expect(
      await popup.$eval(`[data-testid="ff-workspace"][data-workspace="${workspaceId}"]`, (el) =>
        el.getAttribute('data-reachable'),
      ),
    ).toBe('false');
    // The last known transcript stays on screen.
    expect(await texts(popup, '[data-testid="ff-msg-user"]')).toEqual(usersBefore);
    await inBothThemes(popup, async (theme) => {
      await screenshot(popup, `popup-remote-unreachable-${theme}`);
      expect(await seriousA11yViolations(popup)).toEqual([]);
    });

    // The turn finishes on the remote while the laptop cannot see it.
    release!();
    await sshd.restart();
    await waitForText(popup, head, /devbox\s*connected/, 60_000);
    await waitFor(
      async () =>
        (await texts(popup, '[data-testid="ff-msg-assistant"]')).includes('Finished while you were away.'),
      { what: 'the reply made while the link was down', timeoutMs: 30_000 },
    );
    expect(await popup.$('[data-testid="ff-chat-offline"]')).toBeNull();
    // Each message once: what was there, plus exactly the long turn's reply.
    expect(await texts(popup, '[data-testid="ff-msg-user"]')).toEqual(usersBefore);
    expect(await texts(popup, '[data-testid="ff-msg-assistant"]')).toEqual([
      ...repliesBefore,
      'Finished while you were away.',
    ]);
    // And it sends again.
    await popup.type('[data-testid="ff-composer"]', 'say back again');
    await popup.keyboard.press('Enter');
    await waitFor(
      async () => (await texts(popup, '[data-testid="ff-msg-assistant"]')).includes('Echo: back again'),
      { what: 'a reply after the reconnect', timeoutMs: 30_000 },
    );
    const replies = await texts(popup, '[data-testid="ff-msg-assistant"]');
    expect(replies.filter((r) => r === 'Echo: back again')).toHaveLength(1);
  }, 150_000);

  it('the board shows the remote card with its machine, and the workspace page names where it lives', async () => {
    const page = await chrome.browser.newPage();
    pages.push(page);
    await page.goto('https://github.com/octo/app/issues');
    await page.click('pierce/[data-testid="ff-kanban-toggle"]');
    await waitForShadow(
      page,
      `[data-testid="ff-card"][data-workspace="${workspaceId}"][data-machine="devbox"] [data-testid="ff-machine"]`,
    );
    await inGitHubThemes(page, async (theme) => {
      await screenshot(page, `kanban-remote-${theme}`);
      expect(await seriousA11yViolations(page, '[data-ff-feature]')).toEqual([]);
    });
    const workspacePage = await chrome.openPage(`workspace.html#${workspaceId}`);
    pages.push(workspacePage);
    await waitForText(workspacePage, 'header [data-testid="ff-machine"]', /devbox\s*connected/);
    await inBothThemes(workspacePage, async (theme) => {
      await screenshot(workspacePage, `workspace-page-remote-${theme}`);
      expect(await seriousA11yViolations(workspacePage)).toEqual([]);
    });
  }, 60_000);

  it("a remote workspace's app opens here: Run on its page, then Open opens its port forwarded through the ssh link", async () => {
    await client.call('project.set', {
      project: 'octo/app',
      runScript: `node -e "require('http').createServer((q, s) => s.end('remote app of ' + process.env.FF_WORKSPACE_BRANCH)).listen(0, '127.0.0.1')"`,
    });
    const workspacePage = await chrome.openPage(`workspace.html#${workspaceId}`);
    pages.push(workspacePage);
    try {
      await workspacePage.waitForSelector('[data-testid="ff-run"]:not([disabled])', { timeout: 20_000 });
      await workspacePage.click('[data-testid="ff-run"]');
      const open = await workspacePage.waitForSelector('[data-testid="ff-preview-open"]', {
        timeout: 30_000,
      });
      // Its port is on devbox: no link to this computer's port of that number, a button that forwards it.
      expect(await open!.evaluate((el) => el.tagName)).toBe('BUTTON');
      await inBothThemes(workspacePage, async (theme) => {
        await screenshot(workspacePage, `workspace-page-remote-app-${theme}`);
        expect(await seriousA11yViolations(workspacePage)).toEqual([]);
      });
      const opened = chrome.browser.waitForTarget(
        (target) => /^http:\/\/127\.0\.0\.1:\d+\/$/.test(target.url()),
        {
          timeout: 30_000,
        },
      );
      await open!.click();
      const tab = await (await opened).page();
      const { branch } = await client.call('workspace.get', { workspaceId });
      // The tab may still be loading it (its first document replaced): asked again until it shows.
      const shown = () => tab!.evaluate(() => document.body?.textContent ?? '').catch(() => '');
      await waitFor(async () => (await shown()) === `remote app of ${branch}`, {
        what: 'the remote app through the forward',
      });
      await tab!.close();
    } finally {
      await client.call('workspace.stopRun', { workspaceId }).catch(() => {});
      await client.call('project.set', { project: 'octo/app', runScript: '' });
    }
  }, 90_000);

  it('the fleet names each session’s machine and sorts by it', async () => {
    const fleet = await chrome.openPage('fleet.html');
    pages.push(fleet);
    await fleet.waitForSelector('[data-testid="ff-fleet-machine"] [data-machine="devbox"]');
    const machines = () =>
      fleet.$$eval('[data-testid="ff-fleet-row"]', (rows) => rows.map((r) => r.getAttribute('data-machine')));
    await fleet.click('[data-testid="ff-sort-machine"]');
    await waitFor(async () => (await machines()).join() === 'local,devbox', { what: 'this computer first' });
    await fleet.click('[data-testid="ff-sort-machine"]');
    await waitFor(async () => (await machines()).join() === 'devbox,local', { what: 'then the other way' });
    await inBothThemes(fleet, async (theme) => {
      await screenshot(fleet, `fleet-remote-${theme}`);
      expect(await seriousA11yViolations(fleet)).toEqual([]);
    });
  }, 60_000);
});
