import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/agent-process.js';
import { agentWithRepo } from '../../helpers/agent-with-repo.js';
import { waitFor } from '../../helpers/temp.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('--branch and --base are checked before anything is made', () => {
  it('refuses the default branch, a checked-out branch, other refs and a base that does not exist, in one line each, leaving no record; refs/heads/x means x', async () => {
    const { repo, client, env } = await agentWithRepo(cleanups, (repo, root) =>
      repo.git(repo.clone, 'worktree', 'add', '-q', '-b', 'elsewhere', join(root, 'elsewhere')),
    );
    await client.call('project.add', { path: repo.clone });
    const create = (...args: string[]) =>
      runCli(['workspace', 'create', '--project', 'octo/app', '--no-session', ...args], env);

    const refusals: Array<[string[], RegExp]> = [
      [
        ['--branch', 'main'],
        /^ff-agent: main is the default branch of octo\/app; a workspace works on a branch of its own/,
      ],
      [['--branch', 'refs/heads/main'], /^ff-agent: main is the default branch of octo\/app/],
      [
        ['--branch', 'elsewhere'],
        /^ff-agent: Branch elsewhere is checked out at .*elsewhere; a workspace needs a branch/,
      ],
      [['--branch', 'refs/tags/v1'], /^ff-agent: "refs\/tags\/v1" is not a branch/],
      [
        ['--base', 'nope'],
        /^ff-agent: No branch nope in .* or on origin \(.*\); --base must name an existing branch\.$/,
      ],
      [['--base', 'refs/heads/nope'], /^ff-agent: No branch nope in /],
    ];
    for (const [args, message] of refusals) {
      const result = await create(...args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr.trim()).toMatch(message);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    expect(await client.call('workspace.list', { includeArchived: true })).toEqual([]);
    expect(repo.git(repo.clone, 'for-each-ref', '--format=%(refname)', 'refs/heads/refs')).toBe('');

    const made = await create('--branch', 'refs/heads/feature/x', '--base', 'origin/main');
    expect(made.stderr).toContain('Creating workspace');
    expect(made.code).toBe(0);
    const [workspace] = await client.call('workspace.list');
    expect(workspace).toMatchObject({ branch: 'feature/x', baseBranch: 'main', status: 'ready' });
    expect(repo.git(repo.clone, 'for-each-ref', '--format=%(refname)', 'refs/heads/')).toContain(
      'refs/heads/feature/x',
    );
    expect(repo.git(repo.clone, 'for-each-ref', '--format=%(refname)', 'refs/heads/refs')).toBe('');

    // A base that exists only on origin (not fetched yet) is fetched, not refused.
    repo.git(repo.bare, 'branch', 'release', 'main');
    const fromRelease = await create('--base', 'release');
    expect(fromRelease.code).toBe(0);
    const views = await waitFor(async () => {
      const list = await client.call('workspace.list');
      return list.length === 2 && list.every((w) => w.status === 'ready') ? list : undefined;
    });
    expect(views.find((w) => w.baseBranch === 'release')).toBeDefined();
  }, 90_000);
});
