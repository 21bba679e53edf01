import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/agent-process.js';
import { type AgentWithRepo, agentWithRepo, readyWorkspace } from '../../helpers/agent-with-repo.js';

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
    const w = await readyWorkspace(f.client, 21);
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
    expect(refused.stderr).toMatch(/node_modules\/ \(2\.0 MB\) cannot be kept in a snapshot/);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(tree(w.path, ['node_modules'])).toEqual(before);
    // --force alone does not delete what a snapshot cannot hold: it must be named.
    const forced = await runCli(['workspace', 'archive', w.id, '--force'], f.env);
    expect(forced.code).toBe(1);
    expect(forced.stderr).toContain(`ff-agent workspace archive ${w.id} --force --discard node_modules/`);
    expect(existsSync(join(w.path, 'node_modules', 'big', 'index.js'))).toBe(true);

    const archived = await runCli(
      ['workspace', 'archive', w.id, '--force', '--discard', 'node_modules/'],
      f.env,
    );
    expect(archived.stderr).toBe('');
    expect(archived.code).toBe(0);
    expect(archived.stdout).toContain(`on refs/ff/archive/${w.id}-1`);
    expect(archived.stdout).toContain('Not kept (you named them): node_modules/ (2.0 MB)');
    expect(archived.stdout).toContain(`ff-agent workspace restore ${w.id}`);
    expect(existsSync(w.path)).toBe(false);
    // The user's repository: the snapshot ref is there, nothing else moved.
    expect(f.repo.git(f.repo.clone, 'rev-parse', `refs/ff/archive/${w.id}-1^1`)).toBe(headBefore);
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
    const w = await readyWorkspace(f.client, 22);
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
    const w = await readyWorkspace(f.client, 23);
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
    expect(f.repo.git(f.repo.clone, 'rev-parse', `refs/ff/archive-head/${w.id}-1`).trim()).toBe(detached);
    expect(f.repo.git(f.repo.clone, 'show', `${detached}:detached.txt`)).toBe('made while detached\n');

    await f.client.call('workspace.restore', { workspaceId: w.id });
    expect(git('rev-parse', 'HEAD').trim()).toBe(detached);
    expect(git('rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('HEAD');
    expect(git('status', '--porcelain')).toBe('');
  }, 90_000);

  it('restore refuses clearly when the folder is taken or the workspace is not archived', async () => {
    const f = await fixture();
    const w = await readyWorkspace(f.client, 24);
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

  it('a plain archive never deletes an ignored folder too big for a snapshot: it names it, and the flag that would', async () => {
    const f = await fixture();
    await f.client.call('settings.set', { snapshotIgnoredMaxMb: 1 });
    const w = await readyWorkspace(f.client, 25);
    // Nothing else in it: before, a plain archive deleted this and warned afterwards.
    mkdirSync(join(w.path, 'node_modules', 'data'), { recursive: true });
    writeFileSync(join(w.path, 'node_modules', 'data', 'set.bin'), Buffer.alloc(2 * 1024 * 1024, 1));
    await expect(f.client.call('workspace.archive', { workspaceId: w.id })).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
      message: expect.stringMatching(
        /node_modules\/ \(2\.0 MB\) cannot be kept in a snapshot .*nothing was removed.*--discard node_modules\//,
      ),
    });
    expect(existsSync(join(w.path, 'node_modules', 'data', 'set.bin'))).toBe(true);
    // A name that is not among them is a mistake, said so, and nothing is removed.
    await expect(
      f.client.call('workspace.archive', { workspaceId: w.id, discard: ['src/'] }),
    ).rejects.toThrow(/--discard src\/: not among what a snapshot of .* cannot hold/);
    const archived = await f.client.call('workspace.archive', {
      workspaceId: w.id,
      discard: ['node_modules'],
    });
    expect(archived.archived?.snapshot?.skipped).toEqual([
      { path: 'node_modules/', bytes: 2 * 1024 * 1024, kind: 'ignored' },
    ]);
    expect(existsSync(w.path)).toBe(false);
  }, 90_000);

  it('every archive is a snapshot of its own, never overwritten: listed newest first, restore takes the newest or the one named', async () => {
    const f = await fixture();
    const w = await readyWorkspace(f.client, 26);
    const refs = () =>
      f.repo.git(
        f.repo.clone,
        'for-each-ref',
        '--format=%(refname) %(objectname)',
        `refs/ff/archive/${w.id}*`,
      );
    writeFileSync(join(w.path, 'draft.txt'), 'first draft\n');
    await f.client.call('workspace.archive', { workspaceId: w.id, force: true });
    const first = refs();
    await f.client.call('workspace.restore', { workspaceId: w.id });
    writeFileSync(join(w.path, 'draft.txt'), 'second draft\n');
    await f.client.call('workspace.archive', { workspaceId: w.id, force: true });
    // The first snapshot's ref is exactly as it was.
    expect(refs().startsWith(first)).toBe(true);
    expect(refs().trim().split('\n')).toHaveLength(2);

    const listed = await runCli(['workspace', 'snapshots', w.id], f.env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      new RegExp(
        `^refs/ff/archive/${w.id}-2  \\(newest: restore uses it\\)\n  taken .*\n  commit .* on branch ff/26-work-26\n  holds    1 untracked file\\(s\\)\n`,
      ),
    );
    expect(listed.stdout).toContain(`refs/ff/archive/${w.id}-1\n`);
    const json = JSON.parse((await runCli(['workspace', 'snapshots', w.id, '--json'], f.env)).stdout);
    expect(json.map((s: { ref: string }) => s.ref)).toEqual([
      `refs/ff/archive/${w.id}-2`,
      `refs/ff/archive/${w.id}-1`,
    ]);

    await f.client.call('workspace.restore', { workspaceId: w.id });
    expect(readFileSync(join(w.path, 'draft.txt'), 'utf8')).toBe('second draft\n');
    rmSync(join(w.path, 'draft.txt'));
    await f.client.call('workspace.archive', { workspaceId: w.id });
    const older = await runCli(['workspace', 'restore', w.id, '--snapshot', `${w.id}-1`], f.env);
    expect(older.code).toBe(0);
    expect(readFileSync(join(w.path, 'draft.txt'), 'utf8')).toBe('first draft\n');
    await f.client.call('workspace.archive', { workspaceId: w.id, force: true });
    await expect(
      f.client.call('workspace.restore', { workspaceId: w.id, snapshot: 'someone-else-1' }),
    ).rejects.toThrow(
      `Workspace ${w.id} has no snapshot someone-else-1. \`ff-agent workspace snapshots ${w.id}\` lists its snapshots.`,
    );
  }, 120_000);

  it('a snapshot ff took before one ref per snapshot (refs/ff/archive/<id>) is listed and restores', async () => {
    const f = await fixture();
    const w = await readyWorkspace(f.client, 27);
    writeFileSync(join(w.path, 'old.txt'), 'kept by an older ff\n');
    writeFileSync(join(w.path, '.env'), 'OLD=1\n');
    await f.client.call('workspace.archive', { workspaceId: w.id, force: true });
    // Rewrite it as the older ff wrote it: two parents, no manifest, on refs/ff/archive/<id>.
    const git = (...args: string[]) => f.repo.git(f.repo.clone, ...args).trim();
    const ref = `refs/ff/archive/${w.id}-1`;
    const legacy = git(
      'commit-tree',
      `${ref}^{tree}`,
      '-p',
      `${ref}^1`,
      '-p',
      `${ref}^2`,
      '-m',
      `ff archive of workspace ${w.id} (ff/27-work-27)\n\nbranch: ff/27-work-27\ntracked changes: 0, untracked: 1, ignored: 1\n`,
    );
    git('update-ref', `refs/ff/archive/${w.id}`, legacy);
    git('update-ref', '-d', ref);
    const [listed] = await f.client.call('workspace.snapshots', { workspaceId: w.id });
    expect(listed).toMatchObject({
      ref: `refs/ff/archive/${w.id}`,
      branch: 'ff/27-work-27',
      untracked: 1,
      ignored: 1,
    });
    await f.client.call('workspace.restore', { workspaceId: w.id });
    expect(readFileSync(join(w.path, 'old.txt'), 'utf8')).toBe('kept by an older ff\n');
    expect(readFileSync(join(w.path, '.env'), 'utf8')).toBe('OLD=1\n');
    // The next snapshot is a new ref beside it; the old one stays.
    await f.client.call('workspace.archive', { workspaceId: w.id, force: true });
    expect(git('rev-parse', `refs/ff/archive/${w.id}`)).toBe(legacy);
    expect(git('rev-parse', '--verify', `refs/ff/archive/${w.id}-1`)).toMatch(/^[0-9a-f]{40}$/);
  }, 120_000);

  it('empty folders come back; restore refuses a file or a symbolic link where the worktree goes, saying so', async () => {
    const f = await fixture();
    const w = await readyWorkspace(f.client, 28);
    mkdirSync(join(w.path, 'uploads', 'tmp'), { recursive: true });
    mkdirSync(join(w.path, 'node_modules', '.cache'), { recursive: true });
    await f.client.call('workspace.archive', { workspaceId: w.id, force: true });

    writeFileSync(w.path, 'a file where the worktree was\n');
    await expect(f.client.call('workspace.restore', { workspaceId: w.id })).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
      message: `${w.path} is a file, not a folder; move it away and restore again.`,
    });
    rmSync(w.path);
    const elsewhere = join(f.root, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, w.path);
    await expect(f.client.call('workspace.restore', { workspaceId: w.id })).rejects.toThrow(
      `${w.path} is a symbolic link; ff restores only into a real folder`,
    );
    expect(readdirSync(elsewhere)).toEqual([]);
    rmSync(w.path);
    // A link on the way there from the worktree root would send the files elsewhere just as well.
    const parent = dirname(w.path);
    renameSync(parent, `${parent}-real`);
    symlinkSync(elsewhere, parent);
    await expect(f.client.call('workspace.restore', { workspaceId: w.id })).rejects.toThrow(
      `${parent} is a symbolic link; ff restores only into real folders under its worktree root`,
    );
    expect(readdirSync(elsewhere)).toEqual([]);
    rmSync(parent);
    renameSync(`${parent}-real`, parent);

    await f.client.call('workspace.restore', { workspaceId: w.id });
    expect(lstatSync(join(w.path, 'uploads', 'tmp')).isDirectory()).toBe(true);
    expect(lstatSync(join(w.path, 'node_modules', '.cache')).isDirectory()).toBe(true);
  }, 90_000);

  it('an edit that keeps a file’s size and time is in the snapshot, as git status sees it (the index’s racy-clean rule)', async () => {
    const f = await fixture();
    const w = await readyWorkspace(f.client, 29);
    const git = (...args: string[]) => f.repo.git(w.path, ...args);
    // A file staged a minute ago, then rewritten with as many bytes and its time set back: only git's
    // racy-clean rule (an entry no older than the index is read again) tells it changed.
    const file = join(w.path, 'README.md');
    const then = new Date(Date.now() - 60_000);
    git('config', 'core.trustctime', 'false');
    writeFileSync(file, 'aaaa\n');
    utimesSync(file, then, then);
    git('add', 'README.md');
    writeFileSync(file, 'bbbb\n');
    utimesSync(file, then, then);
    utimesSync(git('rev-parse', '--git-path', 'index').trim(), then, then);
    // (No `git status` here: it would mark the entry in the index to be read again, hiding the case.)
    await f.client.call('workspace.archive', { workspaceId: w.id, force: true });
    await f.client.call('workspace.restore', { workspaceId: w.id });
    expect(readFileSync(file, 'utf8')).toBe('bbbb\n');
    expect(git('show', ':README.md')).toBe('aaaa\n');
  }, 90_000);
});
