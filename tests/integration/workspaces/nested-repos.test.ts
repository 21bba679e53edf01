import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/agent-process.js';
import { type AgentWithRepo, agentWithRepo, readyWorkspace } from '../../helpers/agent-with-repo.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A library with its own bare origin (`remotes/lib.git`), as a vendored checkout or a submodule has. */
function libraryOrigin(f: AgentWithRepo): string {
  const bare = join(f.root, 'remotes', 'lib.git');
  const seed = join(f.root, 'lib-seed');
  mkdirSync(seed);
  f.repo.git(f.root, 'init', '-q', '--bare', '-b', 'main', bare);
  f.repo.git(seed, 'init', '-q', '-b', 'main');
  writeFileSync(join(seed, 'lib.js'), 'export const lib = 1;\n');
  f.repo.git(seed, 'add', '.');
  f.repo.git(seed, 'commit', '-qm', 'lib: first');
  f.repo.git(seed, 'push', '-q', bare, 'main');
  return bare;
}

/** What a user would check in a repository: HEAD, branch, every ref, status, stash, and files. */
function repoState(git: (...args: string[]) => string, dir: string) {
  return {
    head: git('rev-parse', 'HEAD').trim(),
    branch: git('rev-parse', '--abbrev-ref', 'HEAD').trim(),
    refs: git('for-each-ref', '--format=%(refname) %(objectname)').trim(),
    status: git('status', '--porcelain', '--untracked-files=all', '--ignored'),
    staged: git('diff', '--cached'),
    stash: git('stash', 'list', '--format=%H %gs'),
    remote: git('config', '--get', 'remote.origin.url').trim(),
    files: execFileSync('find', ['.', '-path', './.git', '-prune', '-o', '-type', 'f', '-print'], {
      cwd: dir,
      encoding: 'utf8',
    })
      .split('\n')
      .sort()
      .map((path) => (path ? `${path} ${readFileSync(join(dir, path), 'utf8')}` : ''))
      .join(''),
  };
}

describe('nested repositories in a worktree', () => {
  it('a nested clone’s unpushed commit, staged and unstaged edits, untracked and ignored files and stash come back with restore', async () => {
    const f = await agentWithRepo(cleanups);
    await f.client.call('project.add', { path: f.repo.clone });
    const w = await readyWorkspace(f.client, 1, 'nested 1');
    const bare = libraryOrigin(f);
    f.repo.git(w.path, 'clone', '-q', bare, 'vendor/lib');
    const lib = join(w.path, 'vendor', 'lib');
    const git = (...args: string[]) => f.repo.git(lib, ...args);
    writeFileSync(join(lib, 'fix.js'), 'a local fix, never pushed\n');
    git('add', 'fix.js');
    git('commit', '-qm', 'local fix');
    git('branch', 'experiment');
    git('tag', '-a', 'v-local', '-m', 'a local tag');
    writeFileSync(join(lib, 'stashed.js'), 'put aside\n');
    git('add', 'stashed.js');
    git('stash', 'push', '-q', '-m', 'put aside');
    writeFileSync(join(lib, 'lib.js'), 'export const lib = 2;\n');
    git('add', 'lib.js');
    writeFileSync(join(lib, 'lib.js'), 'export const lib = 3;\n');
    writeFileSync(join(lib, 'notes.txt'), 'untracked in the nested repo\n');
    writeFileSync(join(lib, '.gitignore'), '.env\n');
    writeFileSync(join(lib, '.env'), 'NESTED_SECRET=1\n');
    const before = repoState(git, lib);
    const unpushed = git('rev-parse', 'HEAD').trim();

    // A plain archive names the nested repository (it holds work) and removes nothing.
    const refused = await runCli(['workspace', 'archive', w.id], f.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('vendor/lib');
    expect(repoState(git, lib)).toEqual(before);

    const archived = await runCli(['workspace', 'archive', w.id, '--force'], f.env);
    expect(archived.stderr).toBe('');
    expect(archived.stdout).toContain('nested repository vendor/lib');
    // Its objects live in the project's clone now, reachable from the snapshot ref, through git's own gc.
    f.repo.git(f.repo.clone, 'gc', '-q', '--prune=now');
    const [snapshot] = JSON.parse((await runCli(['workspace', 'snapshots', w.id, '--json'], f.env)).stdout);
    expect(snapshot.nested).toEqual(['vendor/lib']);
    expect(f.repo.git(f.repo.clone, 'cat-file', '-t', unpushed).trim()).toBe('commit');

    const restored = await runCli(['workspace', 'restore', w.id], f.env);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(repoState(git, lib)).toEqual(before);
    expect(git('cat-file', '-t', 'v-local').trim()).toBe('tag');
    expect(git('log', '-1', '--format=%s', 'experiment').trim()).toBe('local fix');
  }, 120_000);

  it('a submodule’s unpushed commit and dirty file come back with restore, as a submodule', async () => {
    const f = await agentWithRepo(cleanups, (repo, root) => {
      // The project has a submodule, as its origin has it.
      const seed = join(root, 'sub-seed');
      mkdirSync(seed);
      const bare = join(root, 'remotes', 'sub.git');
      repo.git(root, 'init', '-q', '--bare', '-b', 'main', bare);
      repo.git(seed, 'init', '-q', '-b', 'main');
      writeFileSync(join(seed, 'sub.txt'), 'sub\n');
      repo.git(seed, 'add', '.');
      repo.git(seed, 'commit', '-qm', 'sub: first');
      repo.git(seed, 'push', '-q', bare, 'main');
      repo.git(repo.clone, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', bare, 'sub');
      repo.git(repo.clone, 'commit', '-qm', 'add sub');
      repo.git(repo.clone, 'push', '-q', 'origin', 'main');
    });
    await f.client.call('project.add', { path: f.repo.clone });
    const w = await readyWorkspace(f.client, 2, 'nested 2');
    f.repo.git(w.path, '-c', 'protocol.file.allow=always', 'submodule', 'update', '--init', '-q');
    const sub = join(w.path, 'sub');
    const git = (...args: string[]) => f.repo.git(sub, ...args);
    writeFileSync(join(sub, 'work.txt'), 'committed in the submodule, not pushed\n');
    git('add', 'work.txt');
    git('commit', '-qm', 'sub: local work');
    writeFileSync(join(sub, 'sub.txt'), 'dirty\n');
    const before = repoState(git, sub);
    const subCommit = git('rev-parse', 'HEAD').trim();

    const archived = await f.client.call('workspace.archive', { workspaceId: w.id, force: true });
    expect(archived.archived?.snapshot?.nested).toEqual(['sub']);
    f.repo.git(f.repo.clone, 'gc', '-q', '--prune=now');
    expect(f.repo.git(f.repo.clone, 'cat-file', '-t', subCommit).trim()).toBe('commit');

    await f.client.call('workspace.restore', { workspaceId: w.id });
    expect(repoState(git, sub)).toEqual(before);
    // Still a submodule: its git folder is in the worktree's, and git knows it as one.
    expect(readFileSync(join(sub, '.git'), 'utf8')).toMatch(/^gitdir: .*modules\/sub/);
    expect(f.repo.git(w.path, 'submodule', 'status')).toContain(`+${subCommit} sub`);
  }, 120_000);

  it('a nested repository too big for a snapshot is refused by name, even with --force, until --discard names it', async () => {
    const f = await agentWithRepo(cleanups);
    await f.client.call('project.add', { path: f.repo.clone });
    await f.client.call('settings.set', { snapshotIgnoredMaxMb: 1 });
    const w = await readyWorkspace(f.client, 3, 'nested 3');
    const big = join(w.path, 'big');
    mkdirSync(big);
    f.repo.git(big, 'init', '-q', '-b', 'main');
    writeFileSync(join(big, 'blob.bin'), randomBytes(3 * 1024 * 1024));
    f.repo.git(big, 'add', '.');
    f.repo.git(big, 'commit', '-qm', 'big');

    const refused = await runCli(['workspace', 'archive', w.id, '--force'], f.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/big\/ \(nested repository, 3(\.\d)? MB\)/);
    expect(refused.stderr).toContain('--discard big/');
    expect(f.repo.git(big, 'log', '--format=%s').trim()).toBe('big');

    const archived = await runCli(['workspace', 'archive', w.id, '--force', '--discard', 'big/'], f.env);
    expect(archived.code).toBe(0);
    expect(archived.stdout).toMatch(/Not kept \(you named them\): big\/ \(nested repository/);
  }, 120_000);

  it('a shallow clone is refused by name (its commits would lack their parents in the project’s clone, breaking its git gc)', async () => {
    const f = await agentWithRepo(cleanups);
    await f.client.call('project.add', { path: f.repo.clone });
    const w = await readyWorkspace(f.client, 4, 'nested 4');
    const bare = libraryOrigin(f);
    // A history deeper than the one commit the shallow clone takes.
    const seed = join(f.root, 'lib-seed');
    writeFileSync(join(seed, 'lib.js'), 'export const lib = 2;\n');
    f.repo.git(seed, 'commit', '-qam', 'lib: second');
    f.repo.git(seed, 'push', '-q', bare, 'main');
    f.repo.git(w.path, 'clone', '-q', '--depth', '1', `file://${bare}`, 'vendor/shallow');
    const lib = join(w.path, 'vendor', 'shallow');
    writeFileSync(join(lib, 'fix.js'), 'local\n');
    f.repo.git(lib, 'add', '.');
    f.repo.git(lib, 'commit', '-qm', 'local fix on a shallow clone');

    await expect(f.client.call('workspace.archive', { workspaceId: w.id, force: true })).rejects.toThrow(
      /vendor\/shallow\/ \(shallow repository, .*\) cannot be kept in a snapshot \(a shallow clone has commits whose parents are not there \(`git fetch --unshallow` in it makes it whole\)\)/,
    );
    expect(f.repo.git(lib, 'log', '-1', '--format=%s').trim()).toBe('local fix on a shallow clone');
    // Made whole, it is kept like any nested repository, and the clone's own gc still works.
    f.repo.git(lib, 'fetch', '-q', '--unshallow');
    await f.client.call('workspace.archive', { workspaceId: w.id, force: true });
    f.repo.git(f.repo.clone, 'gc', '-q', '--prune=now');
    await f.client.call('workspace.restore', { workspaceId: w.id });
    expect(f.repo.git(lib, 'log', '-1', '--format=%s').trim()).toBe('local fix on a shallow clone');
  }, 120_000);
  it('a partial clone is refused by name (objects only its remote has), and goes only when --discard names it', async () => {
    const f = await agentWithRepo(cleanups);
    await f.client.call('project.add', { path: f.repo.clone });
    const w = await readyWorkspace(f.client, 5, 'nested 5');
    const bare = libraryOrigin(f);
    f.repo.git(bare, 'config', 'uploadpack.allowFilter', 'true');
    f.repo.git(w.path, 'clone', '-q', '--filter=blob:none', `file://${bare}`, 'vendor/partial');
    const lib = join(w.path, 'vendor', 'partial');
    writeFileSync(join(lib, 'fix.js'), 'local\n');
    f.repo.git(lib, 'add', '.');
    f.repo.git(lib, 'commit', '-qm', 'local fix on a partial clone');

    const refused = await runCli(['workspace', 'archive', w.id, '--force'], f.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /vendor\/partial\/ \(partial clone, .*\) cannot be kept in a snapshot \(a partial clone has objects that are only on its remote\)/,
    );
    expect(refused.stderr).toContain('--discard vendor/partial/');
    expect(f.repo.git(lib, 'log', '-1', '--format=%s').trim()).toBe('local fix on a partial clone');

    const archived = await runCli(
      ['workspace', 'archive', w.id, '--force', '--discard', 'vendor/partial/'],
      f.env,
    );
    expect(archived.code).toBe(0);
    expect(archived.stdout).toMatch(/Not kept \(you named them\): vendor\/partial\/ \(partial clone/);
  }, 120_000);
});
