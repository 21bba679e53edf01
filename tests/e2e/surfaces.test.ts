import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceView } from '../../shared/domain.js';
import { isToolResultTurn, lastUserText } from '../fakes/anthropic-api/server.js';
import { FakeGitHub } from '../fakes/github/server.js';
import { repoRoot } from '../helpers/agent-process.js';
import { seriousA11yViolations } from '../helpers/axe.js';
import {
  type ExtensionBrowser,
  launchWithExtension,
  pairExtension,
  screenshot,
  shadowText,
  waitForShadow,
  waitForShadowText,
  waitForText,
} from '../helpers/browser.js';
import { type ClaudeWorld, claudeWorld, waitForSession } from '../helpers/claude-fixture.js';
import { waitFor } from '../helpers/temp.js';
import { GitHubSite } from './github-site.js';

/**
 * Every surface as a user sees it on a day's work — the popup, the workspace
 * page, the fleet, Options, the PR panel and the board — in light and dark,
 * with the agent up and then down: what each shows at a glance (issue #25's
 * list: state labels, links, times, paths, no raw diff headers, a light
 * terminal in light mode) and what each keeps when the agent goes away (one
 * banner with the next step, the last known content, nothing to send).
 *
 * `npm run screenshots` (or FF_DOCS_SCREENSHOTS=1) writes the pictures to
 * docs/screenshots/ as well, the set the README shows; every run writes
 * them to tests/e2e/screenshots/.
 */
const DOCS = process.env.FF_DOCS_SCREENSHOTS === '1' || process.env.npm_lifecycle_event === 'screenshots';
const THEMES = ['light', 'dark'] as const;
type Theme = (typeof THEMES)[number];

let github: FakeGitHub;
let world: ClaudeWorld;
let site: GitHubSite;
let chrome: ExtensionBrowser;
/** The file Claude writes when asked for the toggle: in the first workspace's worktree. */
let themeFile = '';
/** Ends the turn kept running so one workspace shows as Working. */
let release: (() => void) | undefined;
/** The toggle's app, listening: its Open link shows on every surface. */
let app: ChildProcess | undefined;

const ws: Record<'toggle' | 'speed' | 'typo' | 'profile', WorkspaceView> = {} as never;
const prs: Record<'toggle' | 'speed' | 'typo', number> = {} as never;

const SETTINGS = `${Array.from({ length: 10 }, (_, i) => `// settings line ${i + 1}`).join('\n')}
export function applyTheme(theme: string): void {
  document.documentElement.dataset.theme = theme;
  localStorage.setItem('theme', theme);
  console.info('theme', theme);
  return;
}
`;

beforeAll(async () => {
  github = await new FakeGitHub().start();
  github.addRepo('octo/app');
  world = await claudeWorld(
    (request) => {
      if (isToolResultTurn(request))
        return {
          text: 'Added the toggle: **Settings → Appearance** switches between light and dark, and remembers it.',
        };
      const text = lastUserText(request);
      if (text.startsWith('Add a dark mode toggle') && themeFile)
        return {
          toolUse: {
            name: 'Write',
            input: { file_path: themeFile, content: 'export const themes = ["light", "dark"] as const;\n' },
          },
        };
      if (text.startsWith('Speed up'))
        return { text: 'The browser tests now share one Chromium: the suite takes 40 s instead of 2 min.' };
      if (text.startsWith('Profile the test suite'))
        return new Promise((resolve) => {
          release = () => resolve({ text: 'The slowest file is tests/e2e; it starts a browser per test.' });
        });
      return { text: 'Looking at the failing lint check: a missing semicolon in `theme.ts`. Pushing a fix.' };
    },
    {
      ...github.env(),
      // Hourly: the panel and board name the next look's time as a user's agent (every minute) would.
      FF_RATCHET_CRON: '0 0 * * * *',
    },
  );
  world.repo.pushToOrigin('settings.ts', SETTINGS);
  world.repo.git(world.repo.clone, 'pull', '-q', 'origin', 'main');
  site = await new GitHubSite(github).start();
  chrome = await launchWithExtension(site.chromeArgs());
  await pairExtension(chrome, world.agent);

  const issues = {
    toggle: github.addIssue('octo/app', { title: 'Add a dark mode toggle' }),
    speed: github.addIssue('octo/app', { title: 'Speed up the test suite' }),
    typo: github.addIssue('octo/app', { title: 'Fix the typo in the README' }),
    profile: github.addIssue('octo/app', { title: 'Profile the slow tests' }),
  };
  github.addIssue('octo/app', { title: 'Document the CLI flags' });
  github.addIssue('octo/app', { title: 'Support Windows paths in setup scripts' });
  for (const [key, issue] of Object.entries(issues) as [keyof typeof ws, (typeof issues)['toggle']][]) {
    const { workspace } = await world.client.call('workspace.create', {
      project: 'octo/app',
      issue: { number: issue.number },
      startSession: false,
    });
    ws[key] = await waitFor(
      async () => {
        const w = await world.client.call('workspace.get', { workspaceId: workspace.id });
        return w.status === 'ready' ? w : undefined;
      },
      { what: `workspace ${key}`, timeoutMs: 60_000 },
    );
  }
  // PRs: the toggle's lint fails (a fixer starts); the speed-up is green; the typo fix is merged. The
  // fixer comes before the toggle's chat, so the chat is the newest session, the one the popup opens.
  prs.toggle = github.addPullRequest('octo/app', {
    headRefName: ws.toggle.branch,
    title: 'Add a dark mode toggle',
  }).number;
  github.setCheck(prs.toggle, 'test (ubuntu)', 'SUCCESS');
  github.setCheck(prs.toggle, 'lint', 'FAILURE');
  prs.speed = github.addPullRequest('octo/app', {
    headRefName: ws.speed.branch,
    title: 'Speed up the test suite',
  }).number;
  github.setCheck(prs.speed, 'test (ubuntu)', 'SUCCESS');
  const typo = github.addPullRequest('octo/app', { headRefName: ws.typo.branch, title: 'Fix the typo' });
  typo.state = 'MERGED';
  prs.typo = typo.number;
  const speedChat = await world.client.call('session.start', {
    workspaceId: ws.speed.id,
    prompt: 'Speed up the test suite',
  });
  await waitForSession(world.client, speedChat.id, (s) => s.status === 'idle', 'the speed-up chat');
  await world.client.call('ratchet.tick');
  await waitFor(
    async () =>
      (await world.client.call('workspace.get', { workspaceId: ws.toggle.id })).ratchet.fixerSessionId,
    { what: 'the fixer', timeoutMs: 30_000 },
  );
  // The toggle: a chat that wrote a file, and an edit inside a function (a hunk with a section).
  themeFile = join(ws.toggle.path, 'theme.ts');
  const chat = await world.client.call('session.start', {
    workspaceId: ws.toggle.id,
    prompt: 'Add a dark mode toggle to the settings page',
  });
  await waitForSession(world.client, chat.id, (s) => s.turns === 1 && s.status === 'idle', 'the toggle chat');
  writeFileSync(
    join(ws.toggle.path, 'settings.ts'),
    SETTINGS.replace(
      "console.info('theme', theme);",
      "console.info('theme', theme, 'saved');\n  dispatchEvent(new Event('themechange'));",
    ),
  );
  // One still at work: its turn waits until the end of the file.
  await world.client.call('session.start', { workspaceId: ws.profile.id, prompt: 'Profile the test suite' });
  await waitFor(
    async () =>
      (await world.client.call('workspace.get', { workspaceId: ws.profile.id })).sessions.running > 0,
    { what: 'a working session' },
  );
  // The toggle's dev server, as a session's `npm run dev &` leaves it: it carries the workspace's mark.
  app = spawn(
    process.execPath,
    [
      '-e',
      "require('http').createServer((q, s) => s.end('app')).listen(Number(process.env.FF_PORT), '127.0.0.1')",
    ],
    {
      env: { ...process.env, FF_WORKSPACE_ID: ws.toggle.id, FF_PORT: String(ws.toggle.ports!.first) },
      stdio: 'ignore',
    },
  );
  await waitFor(
    async () =>
      (await world.client.call('workspace.list')).find((w) => w.id === ws.toggle.id)?.previews?.length === 1,
    { what: "the toggle's app as its preview", timeoutMs: 20_000 },
  );
}, 240_000);

afterEach(async (context) => {
  if (context.task.result?.state !== 'fail') return;
  for (const [i, page] of (await chrome.browser.pages()).entries())
    await screenshot(page, `surfaces-${context.task.name}-${i}`).catch(() => {});
});

afterAll(async () => {
  release?.();
  app?.kill();
  await chrome?.close();
  await site?.stop();
  await world?.close();
  await github?.stop();
});

/** A picture of a surface: always under tests/e2e/screenshots/, and under docs/screenshots/ for `npm run screenshots`. */
async function picture(page: Page, name: string, selector?: string): Promise<void> {
  // A tab in the background paints no frames: the one pictured comes to the front.
  await page.bringToFront();
  await screenshot(page, name);
  if (!DOCS) return;
  mkdirSync(join(repoRoot, 'docs', 'screenshots'), { recursive: true });
  const path = join(repoRoot, 'docs', 'screenshots', `${name}.png`) as `${string}.png`;
  if (!selector) {
    await page.screenshot({ path, fullPage: true });
    return;
  }
  const box = await (await page.$(selector))!.boundingBox();
  const pad = 12;
  await page.screenshot({
    path,
    clip: {
      x: Math.max(0, box!.x - pad),
      y: Math.max(0, box!.y - pad),
      width: box!.width + 2 * pad,
      height: box!.height + 2 * pad,
    },
  });
}

/** Extension pages follow the browser's scheme; GitHub's pages their own data-color-mode. */
async function inTheme(page: Page, theme: Theme, github = false): Promise<void> {
  if (github)
    await page.evaluate((mode) => {
      document.documentElement.dataset.colorMode = mode;
    }, theme);
  else await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: theme }]);
}

async function openExtensionPage(path: string, width: number, height: number): Promise<Page> {
  const page = await chrome.browser.newPage();
  await page.setViewport({ width, height });
  await page.goto(`chrome-extension://${chrome.extensionId}/${path}`);
  return page;
}

async function openGitHub(path: string): Promise<Page> {
  const page = await chrome.browser.newPage();
  await page.setViewport({ width: 1100, height: 760 });
  await page.goto(`https://github.com${path}`);
  return page;
}

/** The text a user sees: what a folded <details> holds is not on screen. */
const text = (page: Page, selector = 'body') =>
  // biome-ignore lint/performance/useDomNodeTextContent: rendered text is the point, folded parts left out.
  page.$eval(selector, (el) => (el as HTMLElement).innerText);

describe('every surface, the agent up', () => {
  it('the popup: state chips, the file a tool wrote by its name, no byte counts, a quick-action menu inside the window', async () => {
    const page = await openExtensionPage(`popup.html#${ws.toggle.id}`, 520, 600);
    await page.waitForSelector('[data-testid="ff-chat"] [data-testid="ff-tool"]', { timeout: 20_000 });
    await page.waitForSelector('[data-testid="ff-msg-assistant"] strong');
    await page.waitForSelector(`[data-testid="ff-preview-open"][data-port="${ws.toggle.ports!.first}"]`);
    const shown = await text(page);
    // The Write names theme.ts relative to the worktree, not a temp path cut before the file name.
    expect(await page.$eval('[data-testid="ff-tool"] .ff-tool-summary', (el) => el.textContent)).toBe(
      'theme.ts',
    );
    expect(shown).not.toMatch(/\b\d+(\.\d)? (B|KB|MB)\b/);
    expect(shown).not.toContain('`');
    for (const theme of THEMES) {
      await inTheme(page, theme);
      await picture(page, `popup-${theme}`);
      expect(await seriousA11yViolations(page)).toEqual([]);
    }
    await page.emulateMediaFeatures([]);
    await page.click('[data-testid="ff-quick"]');
    await page.waitForSelector('[data-testid="ff-quick-menu"] .ff-menu-desc');
    const menu = await page.$eval('[data-testid="ff-quick-menu"]', (el) => {
      const box = el.getBoundingClientRect();
      return { top: box.top, bottom: box.bottom, height: innerHeight };
    });
    expect(menu.bottom).toBeLessThanOrEqual(menu.height - 8);
    expect(menu.top).toBeGreaterThanOrEqual(8);
    await picture(page, 'popup-quick-actions-light');
    await page.keyboard.press('Escape');
    // A session that has said nothing yet: a line says so, not an empty box.
    const quiet = await world.client.call('session.start', { workspaceId: ws.typo.id });
    await waitForSession(world.client, quiet.id, (s) => s.status === 'idle', 'the quiet session');
    await page.click(`[data-testid="ff-workspace"][data-workspace="${ws.typo.id}"]`);
    await page.waitForSelector(
      `[data-testid="ff-chat"][data-session="${quiet.id}"] [data-testid="ff-chat-empty"]`,
    );
    expect(await page.$eval('[data-testid="ff-transcript"]', (el) => (el as HTMLElement).offsetHeight)).toBe(
      0,
    );
    await page.click(`[data-testid="ff-workspace"][data-workspace="${ws.toggle.id}"]`);
    await page.close();
  }, 90_000);

  it('the workspace page: chat, a light terminal in light mode, the diff without git header lines', async () => {
    const page = await openExtensionPage(`workspace.html#${ws.toggle.id}`, 1280, 860);
    await page.waitForSelector('[data-testid="ff-diff-file"][data-path="settings.ts"]', { timeout: 20_000 });
    await page.waitForSelector('[data-testid="ff-app"] [data-testid="ff-preview-open"]');
    await page.click('[data-testid="ff-new-terminal"]');
    await page.waitForSelector('[data-testid="ff-terminal"] .xterm-rows');
    await page.click('[data-testid="ff-terminal"]');
    // A short prompt, as in the README's pictures: not this machine's user, host and temp folder.
    await page.keyboard.type("PS1='app$ '; clear");
    await page.keyboard.press('Enter');
    // Typed only once the cleared screen shows the new prompt alone: keys typed ahead would echo into it.
    await waitFor(
      async () => (await page.$eval('.xterm-rows', (el) => el.textContent ?? '')).trim() === 'app$',
      { what: 'the short prompt on a cleared terminal' },
    );
    await page.keyboard.type('git status --short');
    await page.keyboard.press('Enter');
    await waitFor(
      async () => (await page.$eval('.xterm-rows', (el) => el.textContent ?? '')).includes('theme.ts'),
      { what: 'git status in the terminal' },
    );
    const rows = await page.$$eval('[data-testid="ff-diff"] tr', (trs) =>
      trs.map((tr) => tr.textContent ?? ''),
    );
    expect(rows.filter((row) => /^(index |@@|diff --git|--- |\+\+\+ )/.test(row.trim()))).toEqual([]);
    expect(rows.some((row) => row.includes('export function applyTheme'))).toBe(true);
    expect(await text(page, '[data-testid="ff-diff-file"][data-path="theme.ts"] summary')).toContain(
      'new file',
    );
    for (const theme of THEMES) {
      await inTheme(page, theme);
      // xterm paints with the theme's colors: the page's own background, light in light mode.
      const background = await waitFor(
        async () => {
          const color = await page.$eval(
            '[data-testid="ff-terminal"] .xterm-viewport',
            (el) => getComputedStyle(el).backgroundColor,
          );
          const [r = 0, g = 0, b = 0] = (color.match(/\d+/g) ?? []).map(Number);
          const light = r + g + b > 600;
          return light === (theme === 'light') ? color : undefined;
        },
        { what: `a ${theme} terminal` },
      );
      expect(background).toBeTruthy();
      await picture(page, `workspace-${theme}`);
      expect(await seriousA11yViolations(page)).toEqual([]);
    }
    await page.emulateMediaFeatures([]);
    await page.close();
  }, 90_000);

  it('the fleet: every session, and its cost', async () => {
    const page = await openExtensionPage('fleet.html', 1100, 820);
    await waitFor(async () => (await page.$$('[data-testid="ff-fleet-row"]')).length >= 4, {
      what: 'the sessions',
    });
    await page.waitForSelector('[data-testid="ff-costs"]');
    for (const theme of THEMES) {
      await inTheme(page, theme);
      await picture(page, `fleet-${theme}`);
      expect(await seriousA11yViolations(page)).toEqual([]);
    }
    await page.emulateMediaFeatures([]);
    await page.close();
  }, 60_000);

  it('Options: two columns, no pairing form while paired, the ratchet budgets, each project sandboxed and the hosts it reaches', async () => {
    await world.client.call('project.set', { project: 'octo/app', allowHosts: ['npm.example.com'] });
    const page = await openExtensionPage('options.html', 1200, 900);
    await page.waitForSelector('[data-testid="ratchet-maxCostUsdPerPr"]');
    // Read-only: the project's walls as `project list` says them; `project set --allow-host` edits them.
    await waitForText(
      page,
      '[data-testid="project-sandbox"]',
      /sandboxed · reaches the API, .*npm\.example\.com/,
    );
    expect(await page.$eval('[data-testid="project-sandbox"]', (el) => el.getAttribute('data-tone'))).toBe(
      'safe',
    );
    expect(
      await page.$eval('[data-testid="ratchet-maxCostUsdPerPr"]', (el) => (el as HTMLInputElement).value),
    ).toBe('5');
    expect(
      await page.$eval('[data-testid="ratchet-maxCostUsdPerDay"]', (el) => (el as HTMLInputElement).value),
    ).toBe('50');
    // Paired: the form is folded away under "Pair with another agent".
    expect(await page.$eval('[data-testid="pair-form"]', (el) => el.checkVisibility())).toBe(false);
    expect(await page.$eval('[data-testid="pair-form"]', (el) => el.closest('details')?.open)).toBe(false);
    const columns = await page.$$eval(
      'main.options > section',
      (sections) => new Set(sections.map((s) => Math.round(s.getBoundingClientRect().left))).size,
    );
    expect(columns).toBeGreaterThanOrEqual(2);
    // A budget typed here is the agent's setting.
    await page.$eval('[data-testid="ratchet-maxCostUsdPerPr"]', (el) => {
      (el as HTMLInputElement).value = '7.5';
      el.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await waitFor(
      async () => (await world.client.call('ratchet.settings.get')).settings.maxCostUsdPerPr === 7.5,
      {
        what: 'the budget saved',
      },
    );
    await world.client.call('ratchet.settings.set', { patch: { maxCostUsdPerPr: 5 } });
    await page.reload();
    await page.waitForSelector('[data-testid="ratchet-maxCostUsdPerPr"]');
    for (const theme of THEMES) {
      await inTheme(page, theme);
      await picture(page, `options-${theme}`);
      expect(await seriousA11yViolations(page)).toEqual([]);
    }
    await page.emulateMediaFeatures([]);
    await page.close();
    await world.client.call('project.set', { project: 'octo/app', disallowHosts: ['npm.example.com'] });
  }, 60_000);

  it('the PR panel: the state once, the failing check linked, when it looks next', async () => {
    site.prNumber = prs.toggle;
    const page = await openGitHub(`/octo/app/pull/${prs.toggle}`);
    await waitForShadowText(page, '[data-testid="ff-ratchet-checks"]', /Failing: lint/);
    await waitForShadow(page, '[data-testid="ff-fixer-activity"]');
    await waitForShadow(page, '[data-testid="ff-ratchet-app"] [data-testid="ff-preview-open"]');
    const panel = await text(page, 'pierce/[data-testid="ff-ratchet"]');
    expect(panel.match(/CI failing/g)).toHaveLength(1);
    expect(panel).not.toContain('next tick');
    expect(panel).toMatch(/No look scheduled|Next look at \d\d:\d\d UTC/);
    expect(await page.$eval('pierce/[data-testid="ff-check-link"]', (el) => el.getAttribute('href'))).toMatch(
      /^https:\/\//,
    );
    for (const theme of THEMES) {
      await inTheme(page, theme, true);
      await picture(page, `pr-panel-${theme}`, '[data-ff-feature="ratchet-panel"]');
      expect(await seriousA11yViolations(page, '[data-ff-feature]')).toEqual([]);
    }
    await page.close();
  }, 60_000);

  it('the board: state labels as the PR panel names them, every card linked, on label pages and saved views too', async () => {
    const page = await openGitHub('/octo/app/labels/enhancement');
    await page.click('pierce/[data-testid="ff-kanban-toggle"]');
    await waitForShadow(
      page,
      `[data-testid="ff-card"][data-workspace="${ws.speed.id}"] [data-testid="ff-card-state"]`,
    );
    await waitForShadow(
      page,
      `[data-testid="ff-card"][data-workspace="${ws.toggle.id}"] [data-testid="ff-preview-open"]`,
    );
    const board = await shadowText(page, '[data-testid="ff-kanban"]');
    expect(board).not.toMatch(/\b(READY|CI_FAILED|CI_RUNNING|MERGED)\b/);
    expect(board).toContain('Ready');
    expect(board).toContain('CI failing');
    expect(board).not.toContain('next tick');
    const cards = await page.$$eval('pierce/[data-testid="ff-card"]', (els) =>
      els.map((el) => ({
        issue: el.querySelector('[data-testid="ff-card-issue"]') !== null,
        open: el.querySelector('[data-testid="ff-card-open"]') !== null,
      })),
    );
    expect(cards.length).toBeGreaterThanOrEqual(4);
    expect(cards.every((c) => c.issue && c.open)).toBe(true);
    // Open chat on a Waiting card opens its workspace page.
    const opened = chrome.browser.waitForTarget((t) => t.url().includes(`/workspace.html#${ws.speed.id}`));
    await (await page.$(
      `pierce/[data-testid="ff-card"][data-workspace="${ws.speed.id}"] [data-testid="ff-card-open"]`,
    ))!.click();
    await (await (await opened).page())?.close();
    for (const theme of THEMES) {
      await inTheme(page, theme, true);
      await picture(page, `board-${theme}`, '[data-ff-feature="kanban-panel"]');
      expect(await seriousA11yViolations(page, '[data-ff-feature]')).toEqual([]);
    }
    await page.goto('https://github.com/octo/app/issues/views/2');
    await waitForShadow(page, '[data-testid="ff-kanban-toggle"]');
    await page.close();
  }, 60_000);
});

describe('every surface, the agent down', () => {
  let popup: Page;
  let workspacePage: Page;
  let fleet: Page;
  let options: Page;
  let pull: Page;
  let issues: Page;

  beforeAll(async () => {
    popup = await openExtensionPage(`popup.html#${ws.toggle.id}`, 520, 600);
    await popup.waitForSelector('[data-testid="ff-chat"] [data-testid="ff-msg-assistant"]', {
      timeout: 20_000,
    });
    workspacePage = await openExtensionPage(`workspace.html#${ws.toggle.id}`, 1280, 860);
    await workspacePage.waitForSelector('[data-testid="ff-diff-file"]', { timeout: 20_000 });
    // The terminal's scrollback (git status, typed earlier) is on screen before the agent goes.
    await waitFor(
      async () =>
        (await workspacePage.$eval('.xterm-rows', (el) => el.textContent ?? '').catch(() => '')).includes(
          'theme.ts',
        ),
      { what: "the terminal's scrollback" },
    );
    fleet = await openExtensionPage('fleet.html', 1100, 820);
    await fleet.waitForSelector('[data-testid="ff-fleet-row"]');
    options = await openExtensionPage('options.html', 1200, 900);
    await options.waitForSelector('[data-testid="ratchet-settings"]');
    pull = await openGitHub(`/octo/app/pull/${prs.toggle}`);
    await waitForShadow(pull, '[data-testid="ff-ratchet-checks"]');
    issues = await openGitHub('/octo/app/issues');
    await issues.click('pierce/[data-testid="ff-kanban-toggle"]');
    await waitForShadow(issues, '[data-testid="ff-card-state"]');
    release?.();
    world.client.close();
    await world.agent.stop();
  }, 120_000);

  it('the popup keeps the list and the chat under one banner with the next step as code, and sends nothing', async () => {
    await popup.waitForSelector('[data-testid="ff-connection"][data-status="agent-not-running"]', {
      timeout: 20_000,
    });
    expect(await popup.$$('[data-testid="ff-connection"]')).toHaveLength(1);
    const shown = await text(popup);
    expect(shown.match(/ff-agent is not running/g)).toHaveLength(1);
    expect(shown).not.toContain('`');
    expect(await popup.$eval('[data-testid="ff-next-command"]', (el) => el.textContent)).toBe(
      'ff-agent install',
    );
    expect(await popup.$$('[data-testid="ff-workspace"]')).not.toHaveLength(0);
    expect(await popup.$$('[data-testid="ff-msg-assistant"]')).not.toHaveLength(0);
    expect(await popup.$eval('[data-testid="ff-send"]', (el) => (el as HTMLButtonElement).disabled)).toBe(
      true,
    );
    expect(await popup.$eval('[data-testid="ff-new-chat"]', (el) => (el as HTMLButtonElement).disabled)).toBe(
      true,
    );
    for (const theme of THEMES) {
      await inTheme(popup, theme);
      await picture(popup, `popup-agent-down-${theme}`);
      expect(await seriousA11yViolations(popup)).toEqual([]);
    }
  });

  it('the workspace page keeps its chat, terminal and diff, read-only', async () => {
    await workspacePage.waitForSelector('[data-testid="ff-connection"][data-status="agent-not-running"]', {
      timeout: 20_000,
    });
    expect(await workspacePage.$$('[data-testid="ff-connection"]')).toHaveLength(1);
    expect(await workspacePage.$$('[data-testid="ff-msg-assistant"]')).not.toHaveLength(0);
    expect(await workspacePage.$eval('.xterm-rows', (el) => el.textContent)).toContain('theme.ts');
    expect(await workspacePage.$$('[data-testid="ff-diff-file"]')).toHaveLength(2);
    expect(
      await workspacePage.$eval('[data-testid="ff-send"]', (el) => (el as HTMLButtonElement).disabled),
    ).toBe(true);
    expect(
      await workspacePage.$eval('[data-testid="ff-archive"]', (el) => (el as HTMLButtonElement).disabled),
    ).toBe(true);
    // Opened afresh while the agent is away, it still shows what it knew.
    await workspacePage.reload();
    await workspacePage.waitForSelector('[data-testid="ff-diff-file"][data-path="settings.ts"]');
    await workspacePage.waitForSelector('[data-testid="ff-msg-assistant"]');
    await waitForText(workspacePage, '[data-testid="ff-session-figures"]', /1 turn/);
    await waitFor(
      async () =>
        (await workspacePage.$eval('.xterm-rows', (el) => el.textContent ?? '').catch(() => '')).includes(
          'theme.ts',
        ),
      { what: "the terminal's kept output after a reload" },
    );
    for (const theme of THEMES) {
      await inTheme(workspacePage, theme);
      await picture(workspacePage, `workspace-agent-down-${theme}`);
      expect(await seriousA11yViolations(workspacePage)).toEqual([]);
    }
  });

  it('the fleet keeps its sessions; Options says what to do', async () => {
    await fleet.waitForSelector('[data-testid="ff-connection"]', { timeout: 20_000 });
    expect(await fleet.$$('[data-testid="ff-fleet-row"]')).not.toHaveLength(0);
    await fleet.reload();
    await fleet.waitForSelector('[data-testid="ff-fleet-row"]');
    // A kept row says what its session was when last seen, and counts no time in a state it may have left.
    const states = await fleet.$$eval('[data-testid="ff-fleet-state"]', (els) =>
      els.map((e) => e.textContent),
    );
    expect(states.length).toBeGreaterThan(0);
    for (const state of states) expect(state).toMatch(/^was /);
    const inState = await fleet.$$eval('[data-testid="ff-fleet-in-state"]', (els) =>
      els.map((e) => e.textContent),
    );
    expect(new Set(inState)).toEqual(new Set(['—']));
    await options.waitForSelector('[data-testid="ff-connection"]', { timeout: 20_000 });
    await waitForText(options, '[data-testid="ff-next-command"]', /^ff-agent install$/);
    expect((await text(options)).match(/ff-agent is not running/g)).toHaveLength(1);
    for (const theme of THEMES) {
      await inTheme(fleet, theme);
      await picture(fleet, `fleet-agent-down-${theme}`);
      expect(await seriousA11yViolations(fleet)).toEqual([]);
      await inTheme(options, theme);
      await picture(options, `options-agent-down-${theme}`);
      expect(await seriousA11yViolations(options)).toEqual([]);
    }
  });

  it('the PR panel and the board keep what they showed, under the banner', async () => {
    await waitForShadow(pull, '[data-testid="ff-connection"]', 20_000);
    expect(await shadowText(pull, '[data-testid="ff-ratchet-checks"]')).toMatch(/Failing: lint/);
    await waitForShadow(issues, '[data-testid="ff-connection"]', 20_000);
    expect(await issues.$$('pierce/[data-testid="ff-card"]')).not.toHaveLength(0);
    for (const theme of THEMES) {
      await inTheme(pull, theme, true);
      await picture(pull, `pr-panel-agent-down-${theme}`, '[data-ff-feature="ratchet-panel"]');
      expect(await seriousA11yViolations(pull, '[data-ff-feature]')).toEqual([]);
      await inTheme(issues, theme, true);
      await picture(issues, `board-agent-down-${theme}`, '[data-ff-feature="kanban-panel"]');
      expect(await seriousA11yViolations(issues, '[data-ff-feature]')).toEqual([]);
    }
  });
});
