import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentClient } from '../../../shared/agent-client.js';
import type { WorkspaceView } from '../../../shared/domain.js';
import { lastUserText } from '../../fakes/anthropic-api/server.js';
import { FakeGitHub } from '../../fakes/github/server.js';
import { connectClient, runCli, spawnAgent } from '../../helpers/agent-process.js';
import { type ClaudeWorld, claudeWorld } from '../../helpers/claude-fixture.js';
import { createGitHubLikeRepo, type GitHubLikeRepo } from '../../helpers/git-repos.js';
import { tempDir, waitFor } from '../../helpers/temp.js';

/**
 * A project whose clone lives on a GitHub Enterprise host (ghe.example.com)
 * next to one on github.com: two fake GitHubs, each with its own token, and
 * the agent must ask each project's questions of its own host.
 */
const GHE = 'ghe.example.com';

interface World extends ClaudeWorld {
  github: FakeGitHub;
  ghe: FakeGitHub;
  gheRepo: GitHubLikeRepo;
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Env that keeps a gh CLI, if installed, from finding a login of the developer's. */
function noGhLogin(root: string): Record<string, string> {
  const dir = join(root, 'gh-config');
  mkdirSync(dir, { recursive: true });
  return { GH_CONFIG_DIR: dir };
}

async function fakes(): Promise<{ github: FakeGitHub; ghe: FakeGitHub }> {
  const github = await new FakeGitHub().start();
  const ghe = await new FakeGitHub({ host: GHE }).start();
  cleanups.push(async () => {
    // Every document the agent sent, to either host, must be valid against GitHub's schema.
    expect(github.invalid).toEqual([]);
    expect(ghe.invalid).toEqual([]);
    await github.stop();
    await ghe.stop();
  });
  github.addRepo('octo/app');
  ghe.addRepo('corp/tool');
  return { github, ghe };
}

/** octo/app on github.com (from claudeWorld) and corp/tool on ghe.example.com, both registered. */
async function world(): Promise<World> {
  const { github, ghe } = await fakes();
  const gheRoot = tempDir('ff-ghe-');
  cleanups.push(gheRoot.cleanup);
  const w = (await claudeWorld(() => ({ text: 'on it' }), {
    ...github.env(),
    ...ghe.env(),
    ...noGhLogin(gheRoot.path),
  })) as World;
  cleanups.push(() => w.close());
  // The world's git config already serves https://github.com/; this adds https://ghe.example.com/ to it.
  w.gheRepo = createGitHubLikeRepo(w.root, 'corp', 'tool', GHE);
  const project = await w.client.call('project.add', { path: w.gheRepo.clone });
  expect(project).toMatchObject({ host: GHE, owner: 'corp', repo: 'tool' });
  Object.assign(w, { github, ghe });
  return w;
}

async function ready(client: AgentClient, workspace: WorkspaceView): Promise<WorkspaceView> {
  const settled = await waitFor(
    async () => {
      const w = await client.call('workspace.get', { workspaceId: workspace.id });
      return w.status === 'provisioning' ? undefined : w;
    },
    { what: 'workspace provisioning', timeoutMs: 60_000 },
  );
  expect(settled.status).toBe('ready');
  return settled;
}

describe('a project on GitHub Enterprise', () => {
  it('Start from an issue number reads the issue from the Enterprise host', async () => {
    const w = await world();
    const issue = w.ghe.addIssue('corp/tool', {
      title: 'Export breaks on the enterprise server',
      body: 'Only our server has this: exports time out.',
      labels: ['bug'],
    });
    const { workspace } = await w.client.call('workspace.create', {
      project: 'corp/tool',
      issue: { number: issue.number },
    });
    expect(workspace.issue).toEqual({
      number: issue.number,
      title: 'Export breaks on the enterprise server',
      url: `https://${GHE}/corp/tool/issues/${issue.number}`,
    });
    await ready(w.client, workspace);
    await waitFor(() => w.api.conversationRequests.length > 0, {
      what: 'the first prompt',
      timeoutMs: 30_000,
    });
    const prompt = lastUserText(w.api.conversationRequests[0]!);
    expect(prompt).toMatch(/Title: <<<ff-data-[0-9a-f]{16} title: /);
    expect(prompt).toContain('title: Export breaks on the enterprise server ff-data-');
    expect(prompt).toContain('Only our server has this: exports time out.');
    expect(prompt).toContain(`https://${GHE}/corp/tool/issues/${issue.number}`);
    expect(w.ghe.operations()).toContain('Issue');
    expect(w.github.requests).toEqual([]);
  }, 90_000);

  it("the board's GitHub Issues column comes from the Enterprise host", async () => {
    const w = await world();
    const mine = w.ghe.addIssue('corp/tool', { title: 'Assigned to me on GHE' });
    w.ghe.addIssue('corp/tool', { title: 'Assigned to someone else', assignees: ['mona'] });
    w.github.addIssue('octo/app', { title: 'A github.com issue' });
    const board = await w.client.call('board.get', { project: 'corp/tool' });
    expect(board.issuesError).toBeUndefined();
    expect(board.columns.issues.map((i) => [i.number, i.title, i.url])).toEqual([
      [mine.number, 'Assigned to me on GHE', `https://${GHE}/corp/tool/issues/${mine.number}`],
    ]);
    expect(w.github.requests).toEqual([]);
  });

  it('a ratchet tick finds, classifies and merges its PR on the Enterprise host, even while github.com fails', async () => {
    const w = await world();
    await w.client.call('ratchet.settings.set', {
      project: 'corp/tool',
      patch: { fixCi: false, autoMerge: true },
    });
    const { workspace } = await w.client.call('workspace.create', {
      project: 'corp/tool',
      issue: { number: 5, title: 'Enterprise task' },
      startSession: false,
    });
    await ready(w.client, workspace);
    const pr = w.ghe.addPullRequest('corp/tool', {
      headRefName: workspace.branch,
      headRefOid: 'a'.repeat(40),
    });
    w.ghe.setCheck(pr.number, 'test', 'FAILURE');
    w.github.failures.push({ status: 500 });

    const first = await w.client.call('ratchet.tick');
    expect(first.ran).toBe(true);
    expect(first.error).toBe('GitHub is having trouble (500).');
    expect(first.decisions).toMatchObject([
      { workspaceId: workspace.id, decision: { state: 'CI_FAILED', action: 'none' } },
    ]);
    expect((await w.client.call('workspace.get', { workspaceId: workspace.id })).pr).toEqual({
      number: pr.number,
      url: `https://${GHE}/corp/tool/pull/${pr.number}`,
      nodeId: pr.id,
    });

    w.ghe.setCheck(pr.number, 'test', 'SUCCESS');
    const second = await w.client.call('ratchet.tick');
    // github.com is still backing off; the Enterprise host is not held up by it.
    expect(second.error).toMatch(/^Waiting until .* before calling GitHub again/);
    expect(second.decisions).toMatchObject([
      { workspaceId: workspace.id, decision: { state: 'READY', action: 'merge' } },
    ]);
    expect(w.ghe.mutations).toEqual([
      {
        name: 'enablePullRequestAutoMerge',
        input: { pullRequestId: pr.id, expectedHeadOid: 'a'.repeat(40), mergeMethod: 'SQUASH' },
      },
    ]);
    expect(w.ghe.operations()).toEqual(
      expect.arrayContaining(['Viewer', 'PullRequestsForBranches', 'PullRequests']),
    );
    // github.com was only asked who we are (its project has no workspaces), never about corp/tool.
    expect(w.github.operations()).toEqual(['Viewer']);
    expect(w.github.mutations).toEqual([]);

    const status = await w.client.call('ratchet.status');
    expect(status.github).toMatchObject({ connected: true, tokenSource: 'GITHUB_TOKEN' });
    expect(status.hosts).toMatchObject([
      { host: GHE, connected: true, tokenSource: 'GH_ENTERPRISE_TOKEN', login: 'ff-bot' },
    ]);
    const cli = await runCli(['ratchet', 'status'], { FF_HOME: w.home });
    expect(cli.stdout).toContain(`${GHE}: connected (token from GH_ENTERPRISE_TOKEN, as @ff-bot`);
  }, 90_000);

  it('open-pr pushes to the Enterprise origin and opens the PR there', async () => {
    const w = await world();
    const { workspace } = await w.client.call('workspace.create', {
      project: 'corp/tool',
      issue: { number: 9, title: 'Enterprise change' },
      startSession: false,
    });
    const settled = await ready(w.client, workspace);
    w.gheRepo.git(settled.path, 'commit', '-q', '--allow-empty', '-m', 'work');
    const result = await runCli(['workspace', 'open-pr', workspace.id], { FF_HOME: w.home });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(new RegExp(`Pull request #\\d+: https://${GHE}/corp/tool/pull/\\d+`));
    expect(w.ghe.mutations).toMatchObject([
      {
        name: 'createPullRequest',
        input: {
          headRefName: workspace.branch,
          title: 'Enterprise change',
          body: expect.stringContaining('Closes #9'),
        },
      },
    ]);
    expect(w.gheRepo.git(w.gheRepo.bare, 'rev-parse', `refs/heads/${workspace.branch}`).trim()).toBe(
      w.gheRepo.git(settled.path, 'rev-parse', 'HEAD').trim(),
    );
    expect(w.github.requests).toEqual([]);
  }, 60_000);
});

describe('the same owner/repo on github.com and on an Enterprise host', () => {
  it('is named with its host where it would be ambiguous; their worktrees live apart', async () => {
    const w = await world();
    const mirror = createGitHubLikeRepo(join(w.root, 'mirror'), 'octo', 'app', GHE);
    const gheApp = await w.client.call('project.add', { path: mirror.clone });
    const projects = await w.client.call('project.list');
    const comApp = projects.find((p) => p.host === 'github.com' && p.repo === 'app')!;
    expect(gheApp.worktreeRoot).toContain(join(GHE, 'octo', 'app'));
    expect(comApp.worktreeRoot).not.toContain(GHE);

    await expect(w.client.call('workspace.list', { project: 'octo/app' })).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
      message: `octo/app is on more than one host (github.com, ${GHE}): say which, e.g. ${GHE}/octo/app.`,
    });
    const { workspace } = await w.client.call('workspace.create', {
      project: `${GHE}/octo/app`,
      issue: { number: 7, title: 'on the enterprise copy' },
      startSession: false,
    });
    expect(workspace.projectId).toBe(gheApp.id);
    expect(workspace.path.startsWith(gheApp.worktreeRoot!)).toBe(true);
    expect(
      (await w.client.call('workspace.list', { project: 'github.com/octo/app' })).map((x) => x.id),
    ).not.toContain(workspace.id);
    await ready(w.client, workspace);
    // How a github.com page names it (the extension always says the host): github.com's clone.
    const { workspace: onCom } = await w.client.call('workspace.create', {
      project: 'github.com/octo/app',
      issue: { number: 7, title: 'on the github.com copy' },
      startSession: false,
    });
    expect(onCom.projectId).toBe(comApp.id);
    expect(onCom.path.startsWith(comApp.worktreeRoot!)).toBe(true);
    expect((await w.client.call('workspace.list', { project: `${GHE}/octo/app` })).map((x) => x.id)).toEqual([
      workspace.id,
    ]);
    await ready(w.client, onCom);
  });
});

describe('an Enterprise host without a token', () => {
  it('every GitHub feature of its projects says which host lacks a token and how to give one', async () => {
    const { github, ghe } = await fakes();
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const repo = createGitHubLikeRepo(dir.path, 'corp', 'tool', GHE);
    // github.com has a token; the Enterprise host has its API configured but no token.
    const agent = await spawnAgent(join(dir.path, 'home'), {
      env: {
        ...repo.env,
        ...github.env(),
        FF_GITHUB_API_URLS: JSON.stringify({ [GHE]: ghe.url }),
        ...noGhLogin(dir.path),
      },
    });
    const client = await connectClient(agent);
    cleanups.push(async () => {
      client.close();
      await agent.stop();
    });
    await client.call('project.add', { path: repo.clone });
    const fix = new RegExp(
      `No GitHub token for ${GHE}: set GH_ENTERPRISE_TOKEN or run \`gh auth login --hostname ${GHE}\``,
    );

    await expect(
      client.call('workspace.create', { project: 'corp/tool', issue: { number: 3 } }),
    ).rejects.toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(fix) });
    expect((await client.call('board.get', { project: 'corp/tool' })).issuesError).toMatch(fix);
    const tick = await client.call('ratchet.tick');
    expect(tick).toMatchObject({ ran: false, error: expect.stringMatching(fix) });
    expect((await client.call('ratchet.status')).hosts).toMatchObject([
      { host: GHE, connected: false, message: expect.stringMatching(fix) },
    ]);
    // github.com's token went nowhere: no request reached either host.
    expect(ghe.requests).toEqual([]);
    expect(github.requests).toEqual([]);
  });
});
