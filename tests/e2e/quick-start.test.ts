import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../agent/store/instance-lock.js';
import { FakeAnthropicApi } from '../fakes/anthropic-api/server.js';
import { FakeGitHub } from '../fakes/github/server.js';
import { agentFileOf, repoRoot } from '../helpers/agent-process.js';
import {
  type ExtensionBrowser,
  extensionDir,
  launchWithExtension,
  screenshot,
  waitForShadow,
  waitForShadowText,
  waitForText,
} from '../helpers/browser.js';
import { createGitHubLikeRepo } from '../helpers/git-repos.js';
import { type UserMachine, userMachine } from '../helpers/login-env.js';
import { tempDir, waitFor } from '../helpers/temp.js';
import { GitHubSite } from './github-site.js';

/**
 * The README's Quick start, followed in order the way a new user follows it: each step's
 * commands are read from the README itself (a change there is a change here) and typed
 * into a shell in the checkout, with the user's own environment — a fresh HOME where
 * Claude Code is installed and logged in, their PATH, and the GitHub token their shell
 * exports. The fakes stand only at the network edge: GitHub's API and pages, and
 * Anthropic's API (which the user's Claude Code login points at).
 */
interface Step {
  title: string;
  text: string;
  commands: string[];
}

function quickStart(): Step[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = /^## Quick start\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
  return [...section.matchAll(/^\d\. \*\*(.+?)\*\* — ([\s\S]*?)(?=^\d\. |^\n)/gm)].map((m) => ({
    title: m[1]!,
    text: m[2]!.replace(/\s+/g, ' '),
    commands: [...m[2]!.replace(/\s+/g, ' ').matchAll(/`((?:npm|npx) [^`]+)`/g)].map((c) => c[1]!),
  }));
}

const dir = tempDir('ff-quick-start-');
let github: FakeGitHub;
let api: FakeAnthropicApi;
let site: GitHubSite;
let chrome: ExtensionBrowser;
let user: UserMachine;
let shellEnv: Record<string, string>;
let agent: ChildProcess | undefined;
const pages: Page[] = [];

/** A command typed into the user's shell, in the checkout. */
function typed(command: string, detached = false) {
  const child = spawn('/bin/sh', ['-c', command], {
    cwd: repoRoot,
    env: { HOME: user.home, PATH: user.shellPath, ...shellEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached,
  });
  let output = '';
  child.stdout!.on('data', (c) => {
    output += c;
  });
  child.stderr!.on('data', (c) => {
    output += c;
  });
  const done = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, output })),
  );
  return { child, output: () => output, done };
}

beforeAll(async () => {
  github = await new FakeGitHub().start();
  github.addRepo('octo/app');
  api = await new FakeAnthropicApi().start();
  const repo = createGitHubLikeRepo(dir.path);
  user = userMachine(dir.path, { apiEnv: api.env(), gitconfig: repo.env.GIT_CONFIG_GLOBAL });
  // The user's clone, where they keep their code.
  mkdirSync(join(user.home, 'code'));
  cpSync(repo.clone, join(user.home, 'code', 'my-app'), { recursive: true });
  // What the user's shell exports: their GitHub token (and, at the network edge, where GitHub is).
  shellEnv = github.env();
  site = await new GitHubSite(github).start();
  chrome = await launchWithExtension(site.chromeArgs());
}, 60_000);

afterAll(async () => {
  for (const page of pages) await page.close().catch(() => {});
  if (agent?.pid && agent.exitCode === null) {
    // Ctrl-C in the terminal where `npm start` runs: the whole foreground group.
    const exited = new Promise((resolve) => agent!.once('exit', resolve));
    process.kill(-agent.pid, 'SIGINT');
    await exited;
  }
  await chrome?.close();
  await site?.stop();
  await api?.stop();
  await github?.stop();
  dir.cleanup();
  expect(github.invalid).toEqual([]);
}, 30_000);

describe("the README's Quick start", () => {
  it('five steps, in order, take a new user from a checkout to a working session started on an issue page', async () => {
    const steps = quickStart();
    expect(steps.map((s) => s.title)).toEqual([
      'Build and start',
      'Load the extension',
      'Pair',
      'Add your repository',
      'Start',
    ]);
    const [build, load, pair, add, start] = steps as [Step, Step, Step, Step, Step];

    // 1. Build and start. `npm ci` is what made the node_modules this suite runs from; running it
    // again would replace them under the running tests, so the test starts from what it left.
    expect(build.commands).toEqual(['npm ci && npm start']);
    const npmStart = typed(build.commands[0]!.replace(/^npm ci && /, ''), true);
    agent = npmStart.child;
    await waitFor(() => npmStart.output().includes('Load the ff extension'), {
      what: '`npm start` to say where the extension is',
      timeoutMs: 120_000,
    });
    expect(npmStart.output()).toContain(join(repoRoot, '.output', 'chrome-mv3'));
    const info = await waitFor(
      () => {
        const file = agentFileOf(user.ffHome);
        return file?.pid && isProcessAlive(file.pid) ? file : undefined;
      },
      { what: 'the agent to listen', timeoutMs: 30_000 },
    );

    // 2. Load the extension: the folder the README names is the one this browser loaded.
    const folder = /`(\.output\/[^`]+)`/.exec(load.text)?.[1];
    expect(folder).toBe('.output/chrome-mv3');
    expect(extensionDir).toBe(join(repoRoot, folder!));

    // 3. Pair: the port and code are read off the terminal and typed into Options.
    expect(pair.commands).toEqual(['npx ff-agent pair']);
    const paired = await typed(pair.commands[0]!).done;
    expect(paired.code, paired.output).toBe(0);
    const port = /enter port (\d+)/.exec(paired.output)?.[1];
    const code = /Pairing code: ([A-Z2-9]{4}-[A-Z2-9]{4})/.exec(paired.output)?.[1];
    expect(port).toBe(String(info.port));
    const options = await chrome.openPage('options.html');
    pages.push(options);
    await options.waitForSelector('input[name="port"]');
    await options.click('input[name="port"]', { count: 3 });
    await options.keyboard.press('Backspace');
    await options.keyboard.type(port!);
    await options.click('input[name="token"]');
    await options.keyboard.type(code!);
    await options.keyboard.press('Enter');
    await waitForText(options, '[data-testid="connection-state"]', /Connected to ff-agent/);

    // 4. Add your repository: the README's own command, with the clone where it says.
    expect(add.commands).toEqual(['npx ff-agent project add ~/code/my-app']);
    const added = await typed(add.commands[0]!).done;
    expect(added.code, added.output).toBe(0);
    expect(added.output).toContain('octo/app');

    // 5. Start: an issue of that repository, one click.
    const issue = github.addIssue('octo/app', { title: 'Say hello in the README', body: 'A greeting.' });
    site.issueNumber = issue.number;
    const page = await chrome.browser.newPage();
    pages.push(page);
    expect(start.text).toContain('Start workspace');
    await page.goto(`https://github.com/octo/app/issues/${issue.number}`);
    await waitForShadow(page, '[data-testid="ff-start-button"]');
    await page.click('pierce/[data-testid="ff-start-button"]');
    await waitForShadowText(page, '[data-testid="ff-chip"]', /Working|Waiting/, 60_000);
    await screenshot(page, 'quick-start');
    // The session Claude ran answered: its first prompt was the issue.
    await waitFor(() => api.requests.some((r) => JSON.stringify(r).includes('Say hello in the README')), {
      what: "the issue to reach Claude as the session's first prompt",
      timeoutMs: 30_000,
    });
  }, 240_000);
});
