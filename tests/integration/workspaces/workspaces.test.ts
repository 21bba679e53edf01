import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentClient } from '../../../shared/agent-client.js';
import type { WorkspaceView } from '../../../shared/domain.js';
import { type AgentProcess, connectClient, runCli, spawnAgent } from '../../helpers/agent-process.js';
import { createGitHubLikeRepo, type GitHubLikeRepo } from '../../helpers/git-repos.js';
import { tempDir, waitFor } from '../../helpers/temp.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Fixture {
  root: string;
  home: string;
  /** The agent user's HOME (what `~` means to it). */
  userHome: string;
  repo: GitHubLikeRepo;
  agent: AgentProcess;
  client: AgentClient;
  restart(): Promise<void>;
  kill(): Promise<void>;
}

async function fixture(): Promise<Fixture> {
  const dir = tempDir();
  cleanups.push(dir.cleanup);
  const repo = createGitHubLikeRepo(dir.path);
  const home = join(dir.path, 'home');
  const userHome = join(dir.path, 'user-home');
  const f = { root: dir.path, home, userHome, repo } as Fixture;
  const start = async () => {
    f.agent = await spawnAgent(home, { env: { ...repo.env, HOME: userHome } });
    f.client = await connectClient(f.agent);
  };
  await start();
  f.restart = async () => {
    f.client.close();
    await f.agent.stop();
    await start();
  };
  f.kill = async () => {
    f.client.close();
    await f.agent.kill();
  };
  cleanups.push(async () => {
    f.client.close();
    await f.agent.stop();
  });
  return f;
}

async function settled(client: AgentClient, id: string): Promise<WorkspaceView> {
  return waitFor(
    async () => {
      const w = await client.call('workspace.get', { workspaceId: id });
      return w.status === 'provisioning' ? undefined : w;
    },
    { what: `workspace ${id} to finish provisioning`, timeoutMs: 20_000 },
  );
}

describe('projects', () => {
  it.each([
    ['https', 'https://github.com/octo/app.git', 'github.com'],
    ['ssh', 'git@github.com:octo/app.git', 'github.com'],
    ['ssh URL', 'ssh://git@github.com/octo/app', 'github.com'],
    ['GitHub Enterprise', 'https://ghe.example.com/octo/app.git', 'ghe.example.com'],
  ])('a clone with an %s origin is added as octo/app', async (_kind, url, host) => {
    const f = await fixture();
    f.repo.git(f.repo.clone, 'remote', 'set-url', 'origin', url);
    if (host !== 'github.com') await f.client.call('settings.set', { githubEnterpriseHosts: [host] });
    const project = await f.client.call('project.add', { path: join(f.repo.clone) });
    expect(project).toMatchObject({
      owner: 'octo',
      repo: 'app',
      host,
      defaultBranch: 'main',
      path: f.repo.clone,
    });
    // github.com's clones under owner/repo; another host's under its name first.
    expect(project.worktreeRoot).toBe(
      join(f.home, 'worktrees', ...(host === 'github.com' ? [] : [host]), 'octo', 'app'),
    );
  });

  it('refuses a clone whose origin is not GitHub, saying how to add an Enterprise host', async () => {
    const f = await fixture();
    f.repo.git(f.repo.clone, 'remote', 'set-url', 'origin', 'git@gitlab.com:me/proj.git');
    await expect(f.client.call('project.add', { path: f.repo.clone })).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
      message: expect.stringContaining(
        'gitlab.com is not GitHub: ff works with github.com and GitHub Enterprise Server. If gitlab.com is a GitHub Enterprise Server, add it with `ff-agent settings set githubEnterpriseHosts gitlab.com`',
      ),
    });
    expect(await f.client.call('project.list')).toEqual([]);
  });

  it('refuses a relative path (it would resolve in the agent folder) and expands ~ in the agent user home', async () => {
    const f = await fixture();
    await expect(f.client.call('project.add', { path: 'clones/app' })).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
      message: expect.stringMatching(/^clones\/app is a relative path to a clone: give an absolute one/),
    });
    await expect(
      f.client.call('project.add', { path: f.repo.clone, worktreeRoot: '~/wt' }),
    ).resolves.toMatchObject({ worktreeRoot: join(f.userHome, 'wt') });
  });

  it('`project add .` adds the clone the user is in, not the agent folder, and list shows its host', async () => {
    const f = await fixture();
    const env = { FF_HOME: f.home, ...f.repo.env };
    const sub = join(f.repo.clone, 'docs');
    mkdirSync(sub);
    const added = await runCli(['project', 'add', '..'], env, { cwd: sub });
    expect(added.stderr).toBe('');
    expect(added.stdout).toContain(`Added octo/app (${f.repo.clone}, default branch main)`);
    const listed = await runCli(['project', 'list'], env);
    expect(listed.stdout).toMatch(/octo\/app\n {2}host {7}github\.com\n/);
  });

  it('rejects a non-repo, a repo without origin and a duplicate, each with a clear message', async () => {
    const f = await fixture();
    const plain = join(f.root, 'plain');
    rmSync(plain, { recursive: true, force: true });
    writeFileSync(join(f.root, 'file'), '');
    await expect(f.client.call('project.add', { path: f.root })).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
      message: `${f.root} is not a git repository.`,
    });
    await expect(f.client.call('project.add', { path: join(f.root, 'nope') })).rejects.toThrow(
      /does not exist/,
    );
    const noOrigin = join(f.root, 'no-origin');
    f.repo.git(f.root, 'init', '-q', noOrigin);
    await expect(f.client.call('project.add', { path: noOrigin })).rejects.toThrow(/has no "origin" remote/);
    await f.client.call('project.add', { path: f.repo.clone });
    await expect(f.client.call('project.add', { path: f.repo.clone })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
      message: expect.stringContaining('octo/app is already registered'),
    });
  });

  it('the CLI adds, lists, sets and removes projects; remove refuses while workspaces are active', async () => {
    const f = await fixture();
    const env = { FF_HOME: f.home, ...f.repo.env };
    const added = await runCli(['project', 'add', f.repo.clone, '--setup', 'true'], env);
    expect(added.stdout).toContain('Added octo/app');
    const list = JSON.parse((await runCli(['project', 'list', '--json'], env)).stdout);
    expect(list).toMatchObject([{ owner: 'octo', repo: 'app', setupScript: 'true' }]);
    const during = await runCli(
      ['project', 'set', 'octo/app', '--setup', 'npm ci', '--session-during-setup'],
      env,
    );
    expect(during.stdout).toContain(
      'setup      npm ci\n             (the first session starts while it runs)',
    );
    const after = await runCli(['project', 'set', 'octo/app', '--no-session-during-setup', '--json'], env);
    expect(JSON.parse(after.stdout)).toMatchObject({ setupScript: 'npm ci' });
    expect(JSON.parse(after.stdout).sessionDuringSetup).toBeUndefined();
    const none = await runCli(['project', 'set', 'octo/app', '--setup', '', '--json'], env);
    expect(JSON.parse(none.stdout).setupScript).toBeUndefined();
    const unknown = await runCli(['project', 'set', 'octo/nope', '--setup', 'true'], env);
    expect(unknown.code).toBe(1);
    await runCli(['workspace', 'create', '--project', 'octo/app', '--issue', '1', '--title', 'one'], env);
    const refused = await runCli(['project', 'remove', 'octo/app'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('has 1 active workspace(s) (ff/1-one)');
    const forced = await runCli(['project', 'remove', 'OCTO/App', '--force'], env);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('worktree left on disk');
    const missing = await runCli(['workspace', 'create', '--project', 'octo/app'], env);
    expect(missing.stderr).toContain('No local clone of octo/app is registered. Run `ff-agent project add');
  });
});

describe('creating a workspace', () => {
  it('from an issue number with no GitHub token: asks for the title, saying why; with the title (as the Start button sends it) it works', async () => {
    const f = await fixture();
    await f.client.call('project.add', { path: f.repo.clone });
    await expect(
      f.client.call('workspace.create', { project: 'octo/app', issue: { number: 5 } }),
    ).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
      message: expect.stringMatching(
        /^ff cannot read issue #5 from GitHub \(No GitHub token: set GITHUB_TOKEN or run `gh auth login`, then `ff-agent restart`\)\. Give its title too \(--title\)\.$/,
      ),
    });
    const { workspace } = await f.client.call('workspace.create', {
      project: 'octo/app',
      issue: { number: 5, title: 'From the page', body: 'what the page shows' },
    });
    expect(workspace.branch).toBe('ff/5-from-the-page');
  });

  it('from an issue: a worktree on ff/<n>-<slug> from origin/<base>, with progress events', async () => {
    const f = await fixture();
    await f.client.call('project.add', { path: f.repo.clone });
    // origin moved on since the clone was made: the workspace must start from origin/main, not the stale local main.
    f.repo.pushToOrigin('NEW.md', 'from a teammate\n');
    const events: unknown[] = [];
    const { workspace, created } = await f.client.call('workspace.create', {
      project: 'octo/app',
      issue: { number: 12, title: 'Fix the login bug!' },
    });
    expect(created).toBe(true);
    expect(workspace).toMatchObject({ status: 'provisioning', branch: 'ff/12-fix-the-login-bug' });
    expect(workspace.issue?.url).toBe('https://github.com/octo/app/issues/12');
    await f.client.subscribe(`workspace:${workspace.id}`, (e) => events.push(e.data), 0);
    const ready = await settled(f.client, workspace.id);
    expect(ready.status).toBe('ready');
    expect(ready.path).toBe(join(f.home, 'worktrees', 'octo', 'app', 'ff', '12-fix-the-login-bug'));
    expect(f.repo.git(ready.path, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe(
      'ff/12-fix-the-login-bug',
    );
    expect(existsSync(join(ready.path, 'NEW.md'))).toBe(true);
    const changes = await waitFor(
      async () => (await f.client.call('workspace.get', { workspaceId: workspace.id })).changes ?? undefined,
      { what: 'its changes worked out' },
    );
    expect(changes).toMatchObject({ files: 0, ahead: 0, behind: 0, dirty: false });
    const steps = events
      .filter((e) => (e as { kind: string }).kind === 'progress')
      .map((e) => (e as { step: string }).step);
    expect(steps).toEqual(['fetching', 'creating worktree']);
  });

  it('asking twice, or ten times at once, for the same issue gives one workspace', async () => {
    const f = await fixture();
    await f.client.call('project.add', { path: f.repo.clone });
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        f.client.call('workspace.create', { project: 'octo/app', issue: { number: 5, title: 'Same issue' } }),
      ),
    );
    expect(new Set(results.map((r) => r.workspace.id)).size).toBe(1);
    expect(results.filter((r) => r.created).length).toBe(1);
    await settled(f.client, results[0]!.workspace.id);
    const again = await f.client.call('workspace.create', {
      project: 'octo/app',
      issue: { number: 5, title: 'Same issue' },
    });
    expect(again).toMatchObject({ created: false, workspace: { id: results[0]!.workspace.id } });
    expect(await f.client.call('workspace.list')).toHaveLength(1);
  });

  it('a taken branch name gets a numeric suffix', async () => {
    const f = await fixture();
    await f.client.call('project.add', { path: f.repo.clone });
    f.repo.git(f.repo.clone, 'branch', 'ff/3-dup');
    const { workspace } = await f.client.call('workspace.create', {
      project: 'octo/app',
      issue: { number: 3, title: 'dup' },
    });
    expect(workspace.branch).toBe('ff/3-dup-2');
    const plain = await f.client.call('workspace.create', { project: 'octo/app' });
    expect(plain.workspace.branch).toMatch(/^ff\/[0-9a-f]{8}$/);
    const named = await f.client.call('workspace.create', { project: 'octo/app', branch: 'feature/mine' });
    expect(named.workspace.branch).toBe('feature/mine');
    for (const w of [workspace, plain.workspace, named.workspace])
      expect((await settled(f.client, w.id)).status).toBe('ready');
    await expect(
      f.client.call('workspace.create', { project: 'octo/app', branch: 'bad..name' }),
    ).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
    });
  });

  it('hostile titles give safe branches and paths, and nothing in them runs', async () => {
    const f = await fixture();
    await f.client.call('project.add', { path: f.repo.clone });
    const marker = join(f.root, 'pwned');
    const titles = [
      `--upload-pack=touch ${marker}`,
      '../../etc/passwd',
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      '🚀'.repeat(300),
      '',
    ];
    const views: WorkspaceView[] = [];
    for (const [index, title] of titles.entries()) {
      const { workspace } = await f.client.call('workspace.create', {
        project: 'octo/app',
        issue: { number: 100 + index, title },
      });
      views.push(await settled(f.client, workspace.id));
    }
    const root = join(f.home, 'worktrees', 'octo', 'app');
    for (const view of views) {
      expect(view.status).toBe('ready');
      expect(view.branch).toMatch(/^ff\/\d+(-[a-z0-9-]+)?$/);
      expect(relative(root, view.path).startsWith('..')).toBe(false);
      expect(existsSync(join(view.path, 'README.md'))).toBe(true);
    }
    expect(views.map((v) => v.branch)).toEqual(
      [
        `ff/100-upload-pack-touch-${marker
          .slice(1)
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')}`.slice(0, 3 + 4 + 50),
        'ff/101-etc-passwd',
        `ff/102-touch-${marker
          .slice(1)
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')}`.slice(0, 3 + 4 + 50),
        `ff/103-touch-${marker
          .slice(1)
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')}`.slice(0, 3 + 4 + 50),
        'ff/104',
        'ff/105',
      ].map((b) => b.replace(/-+$/, '')),
    );
    expect(existsSync(marker)).toBe(false);
    // Nothing was written next to the test's own folders.
    expect(readdirSync(f.root).sort()).toEqual(['clones', 'gitconfig', 'home', 'remotes', 'seed']);
  });
});

describe('setup command', () => {
  it('runs in the worktree and its output streams to subscribers and the workspace log', async () => {
    const f = await fixture();
    await f.client.call('project.add', {
      path: f.repo.clone,
      // A line that would set the terminal's title: `ff-agent logs` shows it inert.
      setupScript:
        'echo "setting up in $(basename "$PWD")"; echo "to stderr" >&2; printf "title \\033]0;owned\\007set\\n"; touch .setup-done',
    });
    const { workspace } = await f.client.call('workspace.create', {
      project: 'octo/app',
      issue: { number: 8, title: 'setup' },
    });
    const output: string[] = [];
    await f.client.subscribe(
      `workspace:${workspace.id}`,
      (e) => {
        const data = e.data as { kind: string; text?: string };
        if (data.kind === 'output') output.push(data.text ?? '');
      },
      0,
    );
    const ready = await settled(f.client, workspace.id);
    expect(ready.status).toBe('ready');
    expect(existsSync(join(ready.path, '.setup-done'))).toBe(true);
    expect(output.join('')).toContain('setting up in 8-setup');
    expect(output.join('')).toContain('to stderr');
    const log = readFileSync(join(f.home, 'logs', 'workspaces', `${workspace.id}.log`), 'utf8');
    expect(log).toMatch(/--- running setup[\s\S]*setting up in 8-setup[\s\S]*--- ready/);
    const shown = await runCli(['logs', '--workspace', workspace.id], { FF_HOME: f.home });
    expect(shown.stdout).toContain('setting up in 8-setup');
    expect(shown.stdout).toContain('title set\n');
    expect(shown.stdout).not.toContain('\x1b');
  });

  it('a failing setup marks the workspace failed with the step, exit code and stderr tail; retry finishes it', async () => {
    const f = await fixture();
    await f.client.call('project.add', {
      path: f.repo.clone,
      setupScript:
        'if [ -f .second ]; then echo fine; else touch .second; echo "npm ERR! missing thing" >&2; exit 3; fi',
    });
    const { workspace } = await f.client.call('workspace.create', {
      project: 'octo/app',
      issue: { number: 9, title: 'fails' },
    });
    const failed = await settled(f.client, workspace.id);
    expect(failed).toMatchObject({
      status: 'failed',
      failure: { step: 'running setup', exitCode: 3, stderrTail: 'npm ERR! missing thing' },
    });
    const cli = await runCli(['workspace', 'list'], { FF_HOME: f.home });
    expect(cli.stdout).toContain('failed   while running setup: The setup command exited with code 3.');
    expect(cli.stdout).toContain(`ff-agent workspace retry ${workspace.id}`);
    const retried = await runCli(['workspace', 'retry', workspace.id], { FF_HOME: f.home, ...f.repo.env });
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain('fine');
    expect((await f.client.call('workspace.get', { workspaceId: workspace.id })).status).toBe('ready');
  });

  it('the CLI create prints progress and setup output, then the workspace', async () => {
    const f = await fixture();
    await f.client.call('project.add', { path: f.repo.clone, setupScript: 'echo hello-from-setup' });
    const result = await runCli(
      ['workspace', 'create', '--project', 'octo/app', '--issue', '4', '--title', 'From the CLI'],
      { FF_HOME: f.home, ...f.repo.env },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/… fetching[\s\S]*… creating worktree[\s\S]*… running setup/);
    expect(result.stdout).toContain('hello-from-setup');
    expect(result.stdout).toMatch(/ready\s+octo\/app {2}ff\/4-from-the-cli/);
  });
});

describe('fetch failures', () => {
  it('an unreachable origin is a warning: the worktree starts from the local branch', async () => {
    const f = await fixture();
    await f.client.call('project.add', { path: f.repo.clone });
    f.repo.git(f.repo.clone, 'remote', 'set-url', 'origin', join(f.root, 'gone.git'));
    const { workspace } = await f.client.call('workspace.create', {
      project: 'octo/app',
      issue: { number: 2, title: 'offline' },
    });
    const ready = await settled(f.client, workspace.id);
    expect(ready.status).toBe('ready');
    expect(ready.warnings.join(' ')).toMatch(/Could not fetch main from origin .*started from main instead/);
  });
});

describe('diff and archive', () => {
  it('diff shows committed and untracked changes; archive refuses dirty work, --force removes the worktree and keeps the branch', async () => {
    const f = await fixture();
    await f.client.call('project.add', { path: f.repo.clone });
    const { workspace } = await f.client.call('workspace.create', {
      project: 'octo/app',
      issue: { number: 6, title: 'work' },
    });
    const ready = await settled(f.client, workspace.id);
    writeFileSync(join(ready.path, 'README.md'), '# app\nmore\n');
    f.repo.git(ready.path, 'commit', '-qam', 'edit readme');
    writeFileSync(join(ready.path, 'new-file.txt'), 'brand new\n');
    const diff = await f.client.call('workspace.diff', { workspaceId: workspace.id });
    expect(diff.truncated).toBe(false);
    expect(diff.diff).toContain('+more');
    expect(diff.diff).toContain('+++ b/new-file.txt');
    const changes = await waitFor(
      async () => {
        const { changes } = await f.client.call('workspace.get', { workspaceId: workspace.id });
        return changes?.ahead === 1 && changes.dirty ? changes : undefined;
      },
      { what: 'the commit and the new file in its changes' },
    );
    expect(changes).toMatchObject({ files: 2, additions: 1, ahead: 1, dirty: true, unpushed: 1 });

    await expect(f.client.call('workspace.archive', { workspaceId: workspace.id })).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
      message: expect.stringContaining('1 untracked file (new-file.txt) and 1 unpushed commit'),
    });
    expect(existsSync(ready.path)).toBe(true);
    const archived = await runCli(['workspace', 'archive', workspace.id, '--force'], {
      FF_HOME: f.home,
      ...f.repo.env,
    });
    expect(archived.stdout).toContain('Branch ff/6-work is kept');
    expect(existsSync(ready.path)).toBe(false);
    expect(f.repo.git(f.repo.clone, 'branch', '--list', 'ff/6-work')).toContain('ff/6-work');
    expect(f.repo.git(f.repo.clone, 'worktree', 'list')).not.toContain(ready.path);
    expect(await f.client.call('workspace.list')).toEqual([]);
    expect(await f.client.call('workspace.list', { includeArchived: true })).toMatchObject([
      { status: 'archived' },
    ]);
    const diffCapped = f.client.call('workspace.diff', { workspaceId: workspace.id });
    await expect(diffCapped).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
  });

  it('a clean, pushed workspace archives without --force', async () => {
    const f = await fixture();
    await f.client.call('project.add', { path: f.repo.clone });
    const { workspace } = await f.client.call('workspace.create', {
      project: 'octo/app',
      issue: { number: 7, title: 'clean' },
    });
    await settled(f.client, workspace.id);
    expect((await f.client.call('workspace.archive', { workspaceId: workspace.id })).status).toBe('archived');
  });

  it('a large diff is capped and flagged', async () => {
    const f = await fixture();
    await f.client.call('project.add', { path: f.repo.clone });
    const { workspace } = await f.client.call('workspace.create', { project: 'octo/app' });
    const ready = await settled(f.client, workspace.id);
    writeFileSync(join(ready.path, 'big.txt'), 'line\n'.repeat(10_000));
    const diff = await f.client.call('workspace.diff', { workspaceId: workspace.id, maxBytes: 4096 });
    expect(diff.truncated).toBe(true);
    expect(Buffer.byteLength(diff.diff)).toBeLessThanOrEqual(4096);
  });
});

describe('recovery', () => {
  it('kill -9 during provisioning → failed after restart, and retry finishes it', async () => {
    const f = await fixture();
    await f.client.call('project.add', {
      path: f.repo.clone,
      setupScript: 'if [ -f .resumed ]; then exit 0; fi; touch .resumed; sleep 30',
    });
    const { workspace } = await f.client.call('workspace.create', {
      project: 'octo/app',
      issue: { number: 11, title: 'slow' },
    });
    // The setup script itself is running (it made its marker): the agent dies in the middle of it.
    await waitFor(() => existsSync(join(workspace.path, '.resumed')), { what: 'setup to start' });
    await f.kill();
    await f.restart();
    const failed = await f.client.call('workspace.get', { workspaceId: workspace.id });
    expect(failed).toMatchObject({ status: 'failed', failure: { step: 'running setup' } });
    expect(failed.failure?.message).toMatch(/stopped while this workspace was running setup/);
    await f.client.call('workspace.retry', { workspaceId: workspace.id });
    expect((await settled(f.client, workspace.id)).status).toBe('ready');
  });

  it('a worktree deleted by hand is missing after restart, and retry recreates it on its branch', async () => {
    const f = await fixture();
    await f.client.call('project.add', { path: f.repo.clone });
    const { workspace } = await f.client.call('workspace.create', {
      project: 'octo/app',
      issue: { number: 13, title: 'gone' },
    });
    const ready = await settled(f.client, workspace.id);
    rmSync(ready.path, { recursive: true, force: true });
    await f.restart();
    const missing = await f.client.call('workspace.get', { workspaceId: workspace.id });
    expect(missing.status).toBe('missing');
    expect(missing.warnings.at(-1)).toContain('is gone from disk');
    await f.client.call('workspace.retry', { workspaceId: workspace.id });
    const back = await settled(f.client, workspace.id);
    expect(back.status).toBe('ready');
    expect(f.repo.git(back.path, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('ff/13-gone');
  });
});

describe('concurrency', () => {
  it('20 workspaces created at once in one repo all become ready', async () => {
    const f = await fixture();
    await f.client.call('project.add', { path: f.repo.clone });
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        f.client.call('workspace.create', {
          project: 'octo/app',
          issue: { number: 200 + i, title: `parallel ${i}` },
          startSession: false,
        }),
      ),
    );
    const settledAll = await Promise.all(created.map(({ workspace }) => settled(f.client, workspace.id)));
    expect(settledAll.map((w) => w.status)).toEqual(Array(20).fill('ready'));
    expect(f.repo.git(f.repo.clone, 'worktree', 'list').trim().split('\n')).toHaveLength(21);
  });
});
