import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkspaceView } from '../../../shared/domain.js';
import { runCli } from '../../helpers/agent-process.js';
import { type AgentWithRepo, agentWithRepo } from '../../helpers/agent-with-repo.js';
import { waitFor } from '../../helpers/temp.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Fixture = AgentWithRepo;

async function fixture(): Promise<Fixture> {
  const f = await agentWithRepo(cleanups, (repo) => {
    // The project ignores .env, node_modules and logs, as real ones do.
    repo.pushToOrigin('.gitignore', '.env\nnode_modules/\n*.log\n');
    repo.git(repo.clone, 'pull', '-q');
  });
  await f.client.call('project.add', { path: f.repo.clone });
  return f;
}

async function readyWorkspace(f: Fixture, issue: number): Promise<WorkspaceView> {
  const { workspace } = await f.client.call('workspace.create', {
    project: 'octo/app',
    issue: { number: issue, title: `work ${issue}` },
    startSession: false,
  });
  return waitFor(
    async () => {
      const w = await f.client.call('workspace.get', { workspaceId: workspace.id });
      return w.status === 'ready' ? w : undefined;
    },
    { what: 'the workspace to be ready', timeoutMs: 20_000 },
  );
}

/** Every file under `dir` but .git (and `skip`): path → mode and bytes, symlinks as their target. */
function tree(dir: string, skip: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (current: string) => {
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      const rel = relative(dir, path);
      if (rel === '.git' || skip.includes(rel)) continue;
      const stats = lstatSync(path);
      if (stats.isDirectory()) walk(path);
      else out[rel] = `${(stats.mode & 0o777).toString(8)} ${readFileSync(path).toString('base64')}`;
    }
  };
  walk(dir);
  return out;
}

describe('archive never destroys work', () => {
  it('a plain archive names tracked, untracked and ignored files and removes nothing; --force snapshots; restore brings every byte back', async () => {
    const f = await fixture();
    const w = await readyWorkspace(f, 21);
    const git = (...args: string[]) => f.repo.git(w.path, ...args);
    // Committed but unpushed, staged, unstaged, deleted, untracked, ignored, binary, executable.
    writeFileSync(join(w.path, 'committed.txt'), 'committed, not pushed\n');
    git('add', 'committed.txt');
    git('commit', '-qm', 'unpushed');
    writeFileSync(join(w.path, 'README.md'), '# app\nstaged line\n');
    git('add', 'README.md');
    writeFileSync(join(w.path, 'README.md'), '# app\nstaged line\nunstaged line\n');
    git('rm', '-q', 'committed.txt');
    writeFileSync(join(w.path, 'notes.txt'), 'untracked notes\n');
    mkdirSync(join(w.path, 'deep', 'er'), { recursive: true });
    writeFileSync(join(w.path, 'deep', 'er', 'blob.bin'), Buffer.from([0, 1, 2, 255, 254, 0, 10]));
    writeFileSync(join(w.path, 'run.sh'), '#!/bin/sh\necho hi\n');
    chmodSync(join(w.path, 'run.sh'), 0o755);
    writeFileSync(join(w.path, '.env'), 'SECRET=only-here\n');
    writeFileSync(join(w.path, 'debug.log'), 'a log line\n');
    // An ignored folder over the limit: left out, and said so.
    await f.client.call('settings.set', { snapshotIgnoredMaxMb: 1 });
    mkdirSync(join(w.path, 'node_modules', 'big'), { recursive: true });
    writeFileSync(join(w.path, 'node_modules', 'big', 'index.js'), Buffer.alloc(2 * 1024 * 1024, 97));

    const before = tree(w.path, ['node_modules']);
    const statusBefore = git('status', '--porcelain', '--untracked-files=all', '--ignored');
    const stagedBefore = git('diff', '--cached');
    const headBefore = git('rev-parse', 'HEAD');

    const refused = await runCli(['workspace', 'archive', w.id], f.env);
    expect(refused.code).toBe(1);
    for (const name of ['README.md', 'committed.txt', 'notes.txt', '.env', 'debug.log', '1 unpushed commit'])
      expect(refused.stderr).toContain(name);
    expect(refused.stderr).toContain('--force');
    expect(refused.stderr).toMatch(/node_modules\/ \(2\.0 MB\) would not be kept/);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(tree(w.path, ['node_modules'])).toEqual(before);

    const archived = await runCli(['workspace', 'archive', w.id, '--force'], f.env);
    expect(archived.code).toBe(0);
    expect(archived.stdout).toContain(`on refs/ff/archive/${w.id}`);
    expect(archived.stdout).toContain('Not kept (over the snapshot size limit): node_modules/ (2.0 MB)');
    expect(archived.stdout).toContain(`ff-agent workspace restore ${w.id}`);
    expect(existsSync(w.path)).toBe(false);
    // The user's repository: the snapshot ref is there, nothing else moved.
    expect(f.repo.git(f.repo.clone, 'rev-parse', `refs/ff/archive/${w.id}^1`)).toBe(headBefore);
    expect(f.repo.git(f.repo.clone, 'rev-parse', 'refs/heads/ff/21-work-21')).toBe(headBefore);

    const restored = await runCli(['workspace', 'restore', w.id], f.env);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    const back = await f.client.call('workspace.get', { workspaceId: w.id });
    expect(back.status).toBe('ready');
    expect(tree(w.path)).toEqual(before);
    expect(git('rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('ff/21-work-21');
    expect(git('rev-parse', 'HEAD')).toBe(headBefore);
    expect(git('diff', '--cached')).toBe(stagedBefore);
    expect(git('status', '--porcelain', '--untracked-files=all', '--ignored')).toBe(
      statusBefore.replace(/^!! node_modules\/.*\n/m, ''),
    );
  }, 90_000);

  it('a gitignored .env alone stops a plain archive (it used to be deleted without asking)', async () => {
    const f = await fixture();
    const w = await readyWorkspace(f, 22);
    writeFileSync(join(w.path, '.env'), 'TOKEN=abc\n');
    await expect(f.client.call('workspace.archive', { workspaceId: w.id })).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
      message: expect.stringContaining('1 ignored file or folder (.env)'),
    });
    expect(readFileSync(join(w.path, '.env'), 'utf8')).toBe('TOKEN=abc\n');
    const archived = await f.client.call('workspace.archive', { workspaceId: w.id, force: true });
    expect(archived.archived?.snapshot).toMatchObject({ ignored: 1, tracked: 0, untracked: 0 });
    await f.client.call('workspace.restore', { workspaceId: w.id });
    expect(readFileSync(join(w.path, '.env'), 'utf8')).toBe('TOKEN=abc\n');
  }, 90_000);

  it('commits on a detached HEAD stay reachable and restore detached at the same commit', async () => {
    const f = await fixture();
    const w = await readyWorkspace(f, 23);
    const git = (...args: string[]) => f.repo.git(w.path, ...args);
    git('checkout', '-q', '--detach');
    writeFileSync(join(w.path, 'detached.txt'), 'made while detached\n');
    git('add', 'detached.txt');
    git('commit', '-qm', 'on a detached head');
    const detached = git('rev-parse', 'HEAD').trim();

    await expect(f.client.call('workspace.archive', { workspaceId: w.id })).rejects.toThrow(
      /1 commit on a detached HEAD that no branch holds/,
    );
    const archived = await runCli(['workspace', 'archive', w.id, '--force'], f.env);
    expect(archived.stdout).toContain(`HEAD was detached at ${detached.slice(0, 12)}`);
    expect(archived.stdout).not.toContain('is kept.\nGet'); // no claim that a branch holds it
    // Reachable from a ref even after git's own gc.
    f.repo.git(f.repo.clone, 'gc', '-q', '--prune=now');
    expect(f.repo.git(f.repo.clone, 'rev-parse', `refs/ff/archive-head/${w.id}`).trim()).toBe(detached);
    expect(f.repo.git(f.repo.clone, 'show', `${detached}:detached.txt`)).toBe('made while detached\n');

    await f.client.call('workspace.restore', { workspaceId: w.id });
    expect(git('rev-parse', 'HEAD').trim()).toBe(detached);
    expect(git('rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('HEAD');
    expect(git('status', '--porcelain')).toBe('');
  }, 90_000);

  it('restore refuses clearly when the folder is taken or the workspace is not archived', async () => {
    const f = await fixture();
    const w = await readyWorkspace(f, 24);
    await expect(f.client.call('workspace.restore', { workspaceId: w.id })).rejects.toThrow(
      `Workspace ${w.id} is ready; only archived workspaces can be restored.`,
    );
    await f.client.call('workspace.archive', { workspaceId: w.id });
    mkdirSync(w.path, { recursive: true });
    writeFileSync(join(w.path, 'mine.txt'), 'someone else put this here\n');
    await expect(f.client.call('workspace.restore', { workspaceId: w.id })).rejects.toThrow(
      /exists and is not empty; move it away/,
    );
    expect(readFileSync(join(w.path, 'mine.txt'), 'utf8')).toBe('someone else put this here\n');
    rmSync(w.path, { recursive: true });
    expect((await f.client.call('workspace.restore', { workspaceId: w.id })).status).toBe('ready');
  }, 90_000);
});
