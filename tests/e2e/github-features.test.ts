import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sessionSafety } from '../../shared/sandbox.js';
import type { FakeGitHub, FakePullRequest } from '../fakes/github/server.js';
import { spawnAgent } from '../helpers/agent-process.js';
import { inGitHubThemes, seriousA11yViolations } from '../helpers/axe.js';
import {
  type ExtensionBrowser,
  featureCount,
  screenshot,
  shadowText,
  waitForShadow,
  waitForShadowText,
  watchAgentCalls,
} from '../helpers/browser.js';
import type { ClaudeWorld } from '../helpers/claude-fixture.js';
import { waitFor } from '../helpers/temp.js';
import { closeGithubPagesWorld, githubPagesWorld } from './github-pages-world.js';
import type { GitHubSite } from './github-site.js';

let github: FakeGitHub;
let world: ClaudeWorld;
let site: GitHubSite;
let chrome: ExtensionBrowser;
const pages: Page[] = [];

const HOSTILE_TITLE = '<img src=x onerror="window.__ffPwned=1"> Crash on <b>save</b>';

beforeAll(async () => {
  ({ github, world, site, chrome } = await githubPagesWorld());
}, 60_000);

afterEach(async (context) => {
  if (context.task.result?.state === 'fail') {
    for (const [i, page] of pages.entries())
      await screenshot(page, `github-${context.task.name}-${i}`).catch(() => {});
  }
  for (const page of pages.splice(0)) await page.close().catch(() => {});
});

afterAll(async () => {
  await closeGithubPagesWorld({ github, world, site, chrome });
});

async function open(path: string): Promise<Page> {
  const page = await chrome.browser.newPage();
  pages.push(page);
  await page.goto(`https://github.com${path}`);
  return page;
}

describe('Start workspace on an issue page', () => {
  it('appears once; a click creates the workspace and shows progress, then its state; a reload shows the same one', async () => {
    const issue = github.addIssue('octo/app', { title: 'Add dark mode', body: 'Users want it.' });
    site.issueNumber = issue.number;
    const page = await open(`/octo/app/issues/${issue.number}`);
    await waitForShadow(page, '[data-testid="ff-start-button"]');
    expect(await featureCount(page, 'start-workspace')).toBe(1);
    // Mounted next to GitHub's header actions, inside a shadow root.
    expect(
      await page.$eval('[data-component="PH_Actions"] + [data-ff-feature]', (el) =>
        el.getAttribute('data-ff-feature'),
      ),
    ).toBe('start-workspace');
    await page.click('pierce/[data-testid="ff-start-button"]');
    await waitForShadowText(page, '[data-testid="ff-chip"]', /Setting up|Ready|Working|Waiting/);
    await waitForShadowText(page, '[data-testid="ff-chip"]', /Working|Waiting/, 30_000);
    const list = await world.client.call('workspace.list', { project: 'octo/app' });
    const created = list.filter((w) => w.issue?.number === issue.number);
    expect(created).toHaveLength(1);
    expect(await shadowText(page, '[data-testid="ff-start"]')).toContain(created[0]!.branch);

    await page.reload();
    await waitForShadowText(page, '[data-testid="ff-chip"]', /Working|Waiting/);
    expect(await page.$('pierce/[data-testid="ff-start-button"]')).toBeNull();
    expect(await featureCount(page, 'start-workspace')).toBe(1);
    expect(
      (await world.client.call('workspace.list', { project: 'octo/app' })).filter(
        (w) => w.issue?.number === issue.number,
      ),
    ).toHaveLength(1);
    await inGitHubThemes(page, async (theme) => {
      await screenshot(page, `start-workspace-${theme}`);
      expect(await seriousA11yViolations(page, '[data-ff-feature]')).toEqual([]);
    });
    // Open chat: the chat opens in a tab, on this workspace.
    const opened = chrome.browser.waitForTarget((t) => t.url().includes('/popup.html#'));
    await page.click('pierce/[data-testid="ff-open-chat"]');
    const chatPage = await (await opened).page();
    if (chatPage) pages.push(chatPage);
    const [mine] = (await world.client.call('workspace.list', { project: 'octo/app' })).filter(
      (w) => w.issue?.number === issue.number,
    );
    await chatPage!.waitForSelector(
      `[data-testid="ff-workspace"][aria-current="true"][data-workspace="${mine!.id}"]`,
      { timeout: 15_000 },
    );
  }, 60_000);

  it('two clicks from an issue page to its app running: Start workspace, then Run; Stop app ends it', async () => {
    // A real HTTP server on the workspace's first port, the project's run command in ff's settings.
    await world.client.call('project.set', {
      project: 'octo/app',
      runScript: `node -e "require('http').createServer((q, s) => s.end('app of ' + process.env.FF_WORKSPACE_BRANCH)).listen(Number(process.env.FF_PORT), '127.0.0.1')"`,
    });
    try {
      const issue = github.addIssue('octo/app', { title: 'Run me', body: 'Start the app.' });
      site.issueNumber = issue.number;
      const page = await open(`/octo/app/issues/${issue.number}`);
      await waitForShadow(page, '[data-testid="ff-start-button"]');
      await page.click('pierce/[data-testid="ff-start-button"]');
      await waitForShadow(page, '[data-testid="ff-run"]', 30_000);
      await page.click('pierce/[data-testid="ff-run"]');
      const [w] = (await world.client.call('workspace.list', { project: 'octo/app' })).filter(
        (x) => x.issue?.number === issue.number,
      );
      const answer = () =>
        fetch(`http://127.0.0.1:${w!.ports!.first}/`).then(
          (r) => r.text(),
          () => undefined,
        );
      expect(await waitFor(answer, { what: 'the app to answer on its port', timeoutMs: 20_000 })).toBe(
        `app of ${w!.branch}`,
      );
      // A third click opens it: the Open link comes pushed once the agent sees the port.
      await waitForShadow(page, `[data-testid="ff-preview-open"][data-port="${w!.ports!.first}"]`, 20_000);
      expect(await page.$eval('pierce/[data-testid="ff-preview-open"]', (a) => a.getAttribute('href'))).toBe(
        `http://localhost:${w!.ports!.first}/`,
      );
      await waitForShadow(page, '[data-testid="ff-stop-run"]');
      await page.click('pierce/[data-testid="ff-stop-run"]');
      await waitForShadow(page, '[data-testid="ff-run"]');
      expect(await answer()).toBeUndefined();
    } finally {
      await world.client.call('project.set', { project: 'octo/app', runScript: '' });
    }
  }, 60_000);

  it('hostile issue text stays inert: no script runs, the text shows as text', async () => {
    const issue = github.addIssue('octo/app', {
      title: HOSTILE_TITLE,
      body: `<script>window.__ffPwned=2</script> [x](javascript:window.__ffPwned=3) ${'long line '.repeat(100_000)}`,
    });
    const page = await open(`/octo/app/issues/${issue.number}`);
    await waitForShadow(page, '[data-testid="ff-start-button"]');
    await page.click('pierce/[data-testid="ff-start-button"]');
    await waitForShadowText(page, '[data-testid="ff-chip"]', /Setting up|Ready|Working|Waiting/);
    // The kanban shows the title: as text.
    await page.goto('https://github.com/octo/app/issues');
    await page.click('pierce/[data-testid="ff-kanban-toggle"]');
    await waitForShadowText(page, '[data-testid="ff-kanban"]', /Crash on <b>save<\/b>/);
    expect(
      await page.evaluate(() => (window as unknown as { __ffPwned?: number }).__ffPwned),
    ).toBeUndefined();
    expect(await page.$$('pierce/[data-testid="ff-kanban"] img')).toHaveLength(0);
    expect(await page.$$('pierce/[data-testid="ff-kanban"] b')).toHaveLength(0);
  }, 60_000);
});

describe('Start workspace follows pushes', () => {
  it('setup, the first session and a second one show on the issue page from pushed events, without asking workspace.get', async () => {
    const issue = github.addIssue('octo/app', { title: 'Pushed, not pulled' });
    site.issueNumber = issue.number;
    const { workspace } = await world.client.call('workspace.create', {
      project: 'octo/app',
      issue: { number: issue.number, title: issue.title, body: '' },
    });
    const calls = await watchAgentCalls(chrome);
    try {
      const page = await open(`/octo/app/issues/${issue.number}`);
      // Created from the issue, the workspace sets up and starts its first session: all of it pushed.
      await waitForShadowText(page, '[data-testid="ff-start"]', /1 session\b/, 30_000);
      await waitForShadowText(page, '[data-testid="ff-chip"]', /Waiting/, 30_000);
      await world.client.call('session.start', { workspaceId: workspace.id, prompt: 'hello' });
      // The count and the chip come from the board pushed as the second session starts and ends its turn.
      await waitForShadowText(page, '[data-testid="ff-start"]', /2 sessions/, 30_000);
      await waitForShadowText(page, '[data-testid="ff-chip"]', /Waiting/, 30_000);
      // The page asked once, by listing (so the frames are counted), and never per push.
      expect(calls.count('workspace.list')).toBeGreaterThan(0);
      expect(calls.count('workspace.get')).toBe(0);
    } finally {
      await calls.stop();
    }
  }, 90_000);
});

describe('soft navigation', () => {
  it('issue → PR → issue list → issue: each feature mounts once and leaves with its page', async () => {
    const issue = github.addIssue('octo/app', { title: 'Navigate around' });
    const pr = github.addPullRequest('octo/app', { headRefName: 'someone-else' });
    site.issueNumber = issue.number;
    site.prNumber = pr.number;
    const page = await open(`/octo/app/issues/${issue.number}`);
    await waitForShadow(page, '[data-testid="ff-start"]');
    const counts = async () => ({
      start: await featureCount(page, 'start-workspace'),
      ratchet: await featureCount(page, 'ratchet-panel'),
      kanban: await featureCount(page, 'kanban-panel'),
    });
    await page.click('#nav-pull');
    await waitFor(async () => (await counts()).ratchet === 1, { what: 'the PR panel host' });
    expect(await counts()).toEqual({ start: 0, ratchet: 1, kanban: 0 });
    await page.click('#nav-issues');
    await waitFor(async () => (await counts()).kanban === 1, { what: 'the kanban host' });
    expect(await counts()).toEqual({ start: 0, ratchet: 0, kanban: 1 });
    await page.click('#nav-code');
    await waitFor(async () => (await counts()).kanban === 0, { what: 'the kanban to leave' });
    expect(await counts()).toEqual({ start: 0, ratchet: 0, kanban: 0 });
    await page.goBack();
    await page.goBack();
    await page.goBack();
    await waitFor(async () => (await counts()).start === 1, { what: 'the Start button back' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await counts()).toEqual({ start: 1, ratchet: 0, kanban: 0 });
  }, 60_000);
});

describe('the ratchet panel on a PR page', () => {
  it('shows CI failing, then READY when GitHub turns green — without a reload', async () => {
    await world.client.call('ratchet.settings.set', { patch: { fixCi: false } });
    const ws = await world.workspace(9001);
    const pr: FakePullRequest = github.addPullRequest('octo/app', {
      headRefName: ws.branch,
      title: 'Fix the thing',
    });
    github.setCheck(pr.number, 'test (ubuntu)', 'FAILURE');
    await world.client.call('ratchet.tick');
    const page = await open(`/octo/app/pull/${pr.number}`);
    await waitForShadowText(page, '[data-testid="ff-ratchet-state"]', /CI failing/);
    // The chip says "CI failing"; the checks line names the check (the reason would say both again).
    expect(await shadowText(page, '[data-testid="ff-ratchet-checks"]')).toContain('Failing: test (ubuntu)');
    await inGitHubThemes(page, async (theme) => {
      await screenshot(page, `ratchet-panel-${theme}`);
      expect(await seriousA11yViolations(page, '[data-ff-feature]')).toEqual([]);
    });
    github.setCheck(pr.number, 'test (ubuntu)', 'SUCCESS');
    await world.client.call('ratchet.tick');
    await waitForShadowText(page, '[data-testid="ff-ratchet-state"]', /Ready/);
    await world.client.call('ratchet.settings.set', { patch: { fixCi: true } });
  }, 60_000);
});

describe('the fixer in the ratchet panel', () => {
  it("shows what the fixer does, live, and Open fixer chat opens the workspace page on the fixer's session", async () => {
    const ws = await world.workspace(9002);
    const pr: FakePullRequest = github.addPullRequest('octo/app', {
      headRefName: ws.branch,
      title: 'Fix more',
    });
    github.setCheck(pr.number, 'lint', 'FAILURE', {
      annotations: [{ path: 'src/a.ts', line: 1, level: 'FAILURE', message: 'missing semicolon' }],
    });
    const page = await open(`/octo/app/pull/${pr.number}`);
    await world.client.call('ratchet.tick');
    const fixer = await waitFor(
      async () => (await world.client.call('workspace.get', { workspaceId: ws.id })).ratchet.fixerSessionId,
      { what: 'the fixer session' },
    );
    // The fake model answers "On it." to the fixer's prompt: the panel quotes it without a reload.
    await waitForShadowText(page, '[data-testid="ff-fixer-activity"]', /On it\./);
    // The fixer's walls, as the chat heads show them: the shield when sandboxed, the warning when not.
    const safety = sessionSafety(await world.client.call('session.get', { sessionId: fixer }));
    // Anchored: "sandboxed" must not pass for "unsandboxed".
    await waitForShadowText(page, '[data-testid="ff-session-safety"]', new RegExp(`^\\s*${safety.label}`));
    await screenshot(page, 'ratchet-panel-fixer');
    const opened = chrome.browser.waitForTarget((t) => t.url().includes('/workspace.html'));
    await (await page.$('pierce/[data-testid="ff-open-fixer"]'))!.click();
    const target = await opened;
    expect(target.url()).toContain(`/workspace.html?session=${fixer}#${ws.id}`);
    const workspacePage = await target.page();
    await workspacePage!.waitForSelector(`[data-testid="ff-chat"][data-session="${fixer}"]`);
    await workspacePage!.close();
  }, 60_000);
});

describe('the ratchet loops in the panel', () => {
  it('shows re-runs, review threads answered, spent / budget and what it waits for (light and dark)', async () => {
    const ws = await world.workspace(9003);
    const pr: FakePullRequest = github.addPullRequest('octo/app', { headRefName: ws.branch, title: 'Loops' });
    // A flaky Actions job: re-run once, then green.
    github.setCheck(pr.number, 'test', 'FAILURE', undefined, 8001);
    await world.client.call('ratchet.tick');
    github.setCheck(pr.number, 'test', 'SUCCESS', undefined, 8001);
    // A review thread: the fixer's turn ends (without a verdict line), and ff replies in the thread.
    github.addThread(pr.number, [
      { author: 'mona', body: 'Is this <b>safe</b>?', path: 'src/a.ts', line: 3 },
    ]);
    await world.client.call('ratchet.tick');
    const fixer = await waitFor(
      async () => (await world.client.call('workspace.get', { workspaceId: ws.id })).ratchet.fixerSessionId,
      { what: 'the fixer session' },
    );
    await waitFor(
      async () => {
        const s = await world.client.call('session.get', { sessionId: fixer });
        return s.turns >= 1 && s.status === 'idle';
      },
      { what: "the fixer's turn", timeoutMs: 30_000 },
    );
    await world.client.call('ratchet.tick');
    const page = await open(`/octo/app/pull/${pr.number}`);
    await waitForShadowText(page, '[data-testid="ff-ratchet-threads"]', /^1 review thread answered$/);
    expect(await shadowText(page, '[data-testid="ff-ratchet-reruns"]')).toBe('1 re-run');
    expect(await shadowText(page, '[data-testid="ff-ratchet-budget"]')).toMatch(
      /^spent \$\d+\.\d\d of \$5\.00$/,
    );
    expect(await shadowText(page, '[data-testid="ff-ratchet-next"]')).toMatch(
      /^(Next look at \d\d:\d\d UTC|No look scheduled)/,
    );
    // One line that reads as one: its parts set apart.
    expect(await shadowText(page, '[data-testid="ff-ratchet-loops"]')).toMatch(
      /^spent \$\d+\.\d\d of \$5\.00 · 1 re-run · 1 review thread answered$/,
    );
    await screenshot(page, 'ratchet-panel-loops-light');
    site.colorMode = 'dark';
    await page.reload();
    await waitForShadowText(page, '[data-testid="ff-ratchet-threads"]', /1 review thread answered/);
    await screenshot(page, 'ratchet-panel-loops-dark');
    site.colorMode = 'light';
  }, 90_000);
});

describe('adopting a PR ff did not open', () => {
  it("a teammate's PR shows Adopt with ff; a click turns it into the ratchet panel (light and dark)", async () => {
    const pr = github.addPullRequest('octo/app', { headRefName: 'mona/adopt-me', title: 'By a teammate' });
    pr.headRefOid = world.repo.pushPullRequest(pr.number, 'mona/adopt-me', 'mona.txt', 'by mona\n');
    const page = await open(`/octo/app/pull/${pr.number}`);
    await waitForShadowText(page, '[data-testid="ff-adopt-button"]', /Adopt with ff/);
    await inGitHubThemes(page, async (theme) => {
      await screenshot(page, `ratchet-panel-adopt-${theme}`);
      expect(await seriousA11yViolations(page, '[data-ff-feature]')).toEqual([]);
    });
    await (await page.$('pierce/[data-testid="ff-adopt-button"]'))!.click();
    await waitForShadow(page, '[data-testid="ff-ratchet"]');
    const adopted = (await world.client.call('workspace.list', { project: 'octo/app' })).filter(
      (w) => w.pr?.number === pr.number,
    );
    expect(adopted).toMatchObject([{ branch: 'mona/adopt-me', adopted: { fork: false } }]);
    expect(await page.$('pierce/[data-testid="ff-adopt-button"]')).toBeNull();
    await waitFor(
      async () =>
        (await world.client.call('workspace.get', { workspaceId: adopted[0]!.id })).status === 'ready',
      { what: 'the adopted workspace' },
    );
    await world.client.call('ratchet.tick');
    await waitForShadowText(page, '[data-testid="ff-ratchet-state"]', /Ready/);
    await screenshot(page, 'ratchet-panel-adopted');
  }, 60_000);
});

describe("adopting a fork's PR", () => {
  it('Adopt with ff on a fork PR: a worktree from pull/<n>/head, never pushed to, and a failing check starts no fixer', async () => {
    const pr = github.addPullRequest('octo/app', {
      headRefName: 'main',
      headRepository: 'stranger/app',
      author: 'stranger',
      title: 'From a fork',
    });
    pr.headRefOid = world.repo.pushPullRequest(pr.number, 'stranger-main', 'fork.txt', 'from a fork\n', true);
    const page = await open(`/octo/app/pull/${pr.number}`);
    await waitForShadowText(page, '[data-testid="ff-ratchet-adopt"]', /A fork's PR is never pushed to/);
    await (await page.$('pierce/[data-testid="ff-adopt-button"]'))!.click();
    await waitForShadow(page, '[data-testid="ff-ratchet"]');
    const [adopted] = (await world.client.call('workspace.list', { project: 'octo/app' })).filter(
      (w) => w.pr?.number === pr.number,
    );
    expect(adopted).toMatchObject({ branch: `pr/${pr.number}`, adopted: { fork: true } });
    await waitFor(
      async () => (await world.client.call('workspace.get', { workspaceId: adopted!.id })).status === 'ready',
      { what: 'the adopted fork workspace' },
    );
    expect(world.repo.git(adopted!.path, 'rev-parse', 'HEAD').trim()).toBe(pr.headRefOid);
    expect(() => world.repo.git(adopted!.path, 'push')).toThrow(/ff-does-not-push-to-a-fork-PR/);

    github.setCheck(pr.number, 'test', 'FAILURE');
    await world.client.call('ratchet.tick');
    await waitForShadowText(page, '[data-testid="ff-ratchet"]', /never pushes to a fork's branch/);
    // Said once where it is read: not again as the reason, the last decision or an open decision log.
    const shown = await page.$eval(
      'pierce/[data-testid="ff-ratchet"]',
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, so a closed <details> does not count
      (el) => (el as HTMLElement).innerText,
    );
    expect(shown.match(/never pushes to a fork's branch/g)).toHaveLength(1);
    expect(
      await page.$eval('pierce/[data-testid="ff-ratchet-state"]', (el) => el.getAttribute('data-state')),
    ).toBe('CI_FAILED');
    const sessions = await world.client.call('session.list', { workspaceId: adopted!.id });
    expect(sessions.filter((s) => s.kind === 'ratchet')).toEqual([]);
    expect(github.mutations.filter((m) => m.name === 'updatePullRequestBranch')).toEqual([]);
    await screenshot(page, 'ratchet-panel-adopted-fork');
  }, 60_000);
});

describe('the kanban on the issue list', () => {
  it('shows the same columns as board.get, and Start on an issue card creates its workspace', async () => {
    const todo = github.addIssue('octo/app', { title: 'Kanban candidate' });
    const page = await open('/octo/app/issues');
    await page.click('pierce/[data-testid="ff-kanban-toggle"]');
    await waitForShadow(page, `[data-testid="ff-issue-card"][data-issue="${todo.number}"]`);
    const board = await world.client.call('board.get', { project: 'octo/app' });
    const shown = await page.$$eval('pierce/[data-testid="ff-issue-card"]', (els) =>
      els.map((e) => Number(e.getAttribute('data-issue'))),
    );
    expect(shown.sort()).toEqual(board.columns.issues.map((i) => i.number).sort());
    await inGitHubThemes(page, async (theme) => {
      await screenshot(page, `kanban-${theme}`);
      expect(await seriousA11yViolations(page, '[data-ff-feature]')).toEqual([]);
    });
    await page.click(`pierce/[data-testid="ff-issue-card"][data-issue="${todo.number}"] button`);
    await waitFor(
      async () =>
        (await world.client.call('workspace.list', { project: 'octo/app' })).some(
          (w) => w.issue?.number === todo.number,
        ),
      {
        what: 'the workspace from the card',
        timeoutMs: 20_000,
      },
    );
    await waitFor(
      async () =>
        (await page.$(`pierce/[data-testid="ff-issue-card"][data-issue="${todo.number}"]`)) === null,
      {
        what: 'the card to leave the GitHub Issues column',
      },
    );
  }, 60_000);
});

describe('without the agent', () => {
  it('every surface says the agent is not running; when it is back they reconnect by themselves', async () => {
    const issue = github.addIssue('octo/app', { title: 'Agent comes and goes' });
    const port = world.agent.port;
    world.client.close();
    await world.agent.stop();
    const page = await open(`/octo/app/issues/${issue.number}`);
    await waitForShadowText(page, '[data-testid="ff-start"]', /ff-agent is not running/);
    const popup = await chrome.openPage('popup.html');
    pages.push(popup);
    await popup.waitForSelector('[data-testid="connection-state"][data-status="agent-not-running"]');
    world.agent = await spawnAgent(world.home, { env: world.env, args: ['--port', String(port)] });
    const { connectClient } = await import('../helpers/agent-process.js');
    world.client = await connectClient(world.agent);
    await waitForShadow(page, '[data-testid="ff-start-button"]', 40_000);
    await popup.waitForSelector('[data-testid="connection-state"][data-status="connected"]', {
      timeout: 40_000,
    });
  }, 90_000);

  it("a web page's own script cannot reach the agent", async () => {
    const page = await open('/octo/app');
    const outcome = await page.evaluate(
      (port) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}`);
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('refused');
          setTimeout(() => resolve('timeout'), 5000);
        }),
      world.agent.port,
    );
    expect(outcome).toBe('refused');
  });
});

describe('themes', () => {
  it('features follow GitHub dark mode (screenshots)', async () => {
    site.colorMode = 'dark';
    const issue = github.addIssue('octo/app', { title: 'Dark mode look' });
    const page = await open(`/octo/app/issues/${issue.number}`);
    await waitForShadow(page, '[data-testid="ff-start-button"]');
    const color = await page.$eval('pierce/.ff-box', (el) => getComputedStyle(el).backgroundColor);
    expect(color).toBe('rgb(13, 17, 23)'); // GitHub's dark --bgColor-default
    await screenshot(page, 'start-workspace-dark');
    site.colorMode = 'light';
  });
});
