import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AgentClient } from '../../../shared/agent-client.js';
import { type AgentProcess, connectClient, runCli, spawnAgent } from '../../helpers/agent-process.js';
import { readyWorkspace } from '../../helpers/agent-with-repo.js';
import { createGitHubLikeRepo } from '../../helpers/git-repos.js';
import { tempDir } from '../../helpers/temp.js';

/**
 * kill -9 at each step of the journaled archive (agent/fault-point.ts names
 * them), of a worktree holding everything a user could lose there: tracked
 * and untracked changes, an ignored .env, an empty folder, a nested
 * repository with an unpushed commit and a stash, and an ignored folder too
 * big for a snapshot that the user named (--discard). After each restart the
 * archive is either not started (the worktree whole, ready; a new archive
 * writes a new ref, never over the first) or finished with its snapshot
 * (archived) — never `missing` without one — and following ff's own hints
 * brings every byte back. No scratch is left in the temp folder or ff's home.
 */
const POINTS = [
  { point: 'snapshot:scratch-written', outcome: 'not started' },
  { point: 'archive:snapshot-written', outcome: 'not started' },
  { point: 'archive:journaled', outcome: 'not started' },
  { point: 'archive:moved-aside', outcome: 'finished' },
  { point: 'archive:deleted', outcome: 'finished' },
] as const;

/** Every file and folder under `dir` (a nested repository's .git as its HEAD, refs and stash): path → what it is. */
function tree(dir: string, skip: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (current: string) => {
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      const rel = relative(dir, path);
      if (skip.includes(rel)) continue;
      if (name === '.git') {
        if (current !== dir) out[rel] = repoFacts(current);
        continue;
      }
      const stats = lstatSync(path);
      if (stats.isSymbolicLink()) out[rel] = `link ${readlinkSync(path)}`;
      else if (stats.isDirectory()) {
        out[`${rel}/`] = 'folder';
        walk(path);
      } else out[rel] = `${(stats.mode & 0o777).toString(8)} ${readFileSync(path).toString('base64')}`;
    }
  };
  walk(dir);
  return out;
}

function repoFacts(dir: string): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  return [
    git('rev-parse', 'HEAD', '--abbrev-ref', 'HEAD'),
    git('for-each-ref', '--format=%(refname) %(objectname)'),
    git('stash', 'list', '--format=%H %gs'),
    git('diff', '--cached'),
  ].join('|');
}

describe('kill -9 at each step of an archive', () => {
  const dir = tempDir('ff-kill9-archive-');
  afterAll(() => dir.cleanup());

  it('leaves it not started or finished with its snapshot, and ff’s own hints bring every byte back', async () => {
    const repo = createGitHubLikeRepo(dir.path);
    repo.pushToOrigin('.gitignore', '.env\nbig/\n');
    repo.git(repo.clone, 'pull', '-q');
    const home = join(dir.path, 'home');
    // The agent's temp folder, so what it leaves there is seen.
    const tmp = join(dir.path, 'tmp');
    mkdirSync(tmp);
    const env = { ...repo.env, TMPDIR: tmp };
    let agent: AgentProcess = await spawnAgent(home, { env });
    let client: AgentClient = await connectClient(agent);
    const restart = async (faultPoint?: string) => {
      client.close();
      await agent.stop();
      agent = await spawnAgent(home, {
        env: { ...env, ...(faultPoint ? { FF_FAULT_POINT: faultPoint } : {}) },
      });
      client = await connectClient(agent);
    };
    const cli = (...args: string[]) => runCli(args, { FF_HOME: home, ...repo.env });
    const problems: string[] = [];
    try {
      await client.call('project.add', { path: repo.clone });
      await client.call('settings.set', { snapshotIgnoredMaxMb: 1 });
      for (const [i, { point, outcome }] of POINTS.entries()) {
        const where = `kill at ${point}`;
        const w = await readyWorkspace(client, 50 + i, `kill ${50 + i}`, 30_000);
        const skip = ['.git', 'big'];
        fill(repo.git, w.path);
        const before = tree(w.path, skip);
        const firstRef = `refs/ff/archive/${w.id}-1`;

        await restart(point);
        const archiving = client.call('workspace.archive', {
          workspaceId: w.id,
          force: true,
          discard: ['big/'],
        });
        await expect(archiving, where).rejects.toThrow();
        const { signal } = await agent.exited;
        expect(signal, `${where}: the agent was killed there`).toBe('SIGKILL');
        client.close();
        agent = await spawnAgent(home, { env });
        client = await connectClient(agent);

        const after = await client.call('workspace.get', { workspaceId: w.id });
        if (outcome === 'not started') {
          if (after.status !== 'ready') problems.push(`${where}: ${after.status}, not ready`);
          // Not started: every byte where it was, the big folder too.
          expect(tree(w.path, skip), where).toEqual(before);
          expect(existsSync(join(w.path, 'big', 'blob.bin')), where).toBe(true);
          // ff's hint: archive again. The snapshot it takes is a new ref, never over one taken before.
          const refBefore = refOf(repo.git, repo.clone, firstRef);
          const again = await client.call('workspace.archive', {
            workspaceId: w.id,
            force: true,
            discard: ['big/'],
          });
          expect(again.archived?.snapshot?.ref, where).toBe(
            refBefore ? `refs/ff/archive/${w.id}-2` : firstRef,
          );
          if (refBefore) expect(refOf(repo.git, repo.clone, firstRef), where).toBe(refBefore);
        } else {
          if (after.status !== 'archived') problems.push(`${where}: ${after.status}, not archived`);
          expect(after.archived?.snapshot?.ref, where).toBe(firstRef);
          expect(existsSync(w.path), where).toBe(false);
        }
        expect(after.archiving, where).toBeUndefined();
        // Nothing half-removed beside it, nothing left in scratch.
        expect(
          readdirSync(dirname(w.path)).filter((n) => n.startsWith('.ff-removing-')),
          where,
        ).toEqual([]);
        expect(existsSync(join(home, 'scratch')) ? readdirSync(join(home, 'scratch')) : [], where).toEqual(
          [],
        );
        expect(
          readdirSync(tmp).filter((n) => n.startsWith('ff-')),
          where,
        ).toEqual([]);

        // ff's hint: restore. Every byte comes back (the big folder was named to go).
        const restored = await cli('workspace', 'restore', w.id);
        expect(restored.stderr, where).toBe('');
        expect(tree(w.path, skip), where).toEqual(before);
      }

      // gc after all that: a branch is deleted only when origin has every commit now, asked then.
      await client.call('settings.set', { gcAfterDays: 0 });
      const pushed = await readyWorkspace(client, 70, 'kill 70', 30_000);
      const deletedThere = await readyWorkspace(client, 71, 'kill 71', 30_000);
      for (const w of [pushed, deletedThere]) {
        writeFileSync(join(w.path, 'done.txt'), `${w.id}\n`);
        repo.git(w.path, 'add', 'done.txt');
        repo.git(w.path, 'commit', '-qm', 'done');
        repo.git(w.path, 'push', '-q', 'origin', w.branch);
        await client.call('workspace.archive', { workspaceId: w.id });
      }
      repo.git(repo.bare, 'branch', '-D', deletedThere.branch);
      const report = await client.call('gc.run', { dryRun: false });
      const branches = report.removed.filter((r) => r.kind === 'branch').map((r) => r.what);
      expect(branches).toContain(pushed.branch);
      expect(branches).not.toContain(deletedThere.branch);
      expect(report.kept).toContainEqual({
        what: `octo/app branch ${deletedThere.branch}`,
        reason: 'it has 1 commit(s) that are not on origin',
      });
    } finally {
      client.close();
      await agent.stop();
    }
    expect(problems).toEqual([]);
  }, 300_000);
});

/** Everything a user could lose in a worktree, and a folder too big for a snapshot. */
function fill(git: (cwd: string, ...args: string[]) => string, path: string): void {
  writeFileSync(join(path, 'README.md'), '# changed, not committed\n');
  writeFileSync(join(path, 'notes.txt'), 'untracked\n');
  writeFileSync(join(path, '.env'), 'SECRET=1\n');
  mkdirSync(join(path, 'logs', 'empty'), { recursive: true });
  const lib = join(path, 'vendor', 'lib');
  mkdirSync(lib, { recursive: true });
  git(lib, 'init', '-q', '-b', 'main');
  writeFileSync(join(lib, 'lib.js'), 'export const x = 1;\n');
  git(lib, 'add', '.');
  git(lib, 'commit', '-qm', 'only here');
  writeFileSync(join(lib, 'lib.js'), 'export const x = 2;\n');
  git(lib, 'stash', '-q');
  writeFileSync(join(lib, 'lib.js'), 'export const x = 3;\n');
  mkdirSync(join(path, 'big'));
  writeFileSync(join(path, 'big', 'blob.bin'), Buffer.alloc(2 * 1024 * 1024, 3));
}

function refOf(
  git: (cwd: string, ...args: string[]) => string,
  repo: string,
  ref: string,
): string | undefined {
  try {
    return git(repo, 'rev-parse', '--verify', '--quiet', ref).trim();
  } catch {
    return undefined;
  }
}
