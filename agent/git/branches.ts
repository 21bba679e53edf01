import { type GitResult, git, gitText } from './git.js';

/** Branches of a project clone: where they point, making, configuring, pushing and deleting them. */

/** The commit `branch` points at, or undefined when there is no such branch. */
export async function branchTip(repo: string, branch: string): Promise<string | undefined> {
  const tip = await git(repo, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], {
    allowFailure: true,
  });
  return tip.code === 0 ? tip.stdout.trim() : undefined;
}

/** Creates `branch` at `commit`, tracking nothing (it pushes to its own name). */
export async function createBranch(repo: string, branch: string, commit: string): Promise<void> {
  await git(repo, ['branch', '--no-track', '--', branch, commit]);
}

/** Deletes `branch` whatever it holds: the caller has made sure nothing is lost. */
export async function deleteBranch(repo: string, branch: string): Promise<void> {
  await git(repo, ['branch', '-D', '--', branch]);
}

/** Sets `branch.<branch>.<key>` for each entry (remote, merge, pushRemote, …). */
export async function setBranchConfig(
  repo: string,
  branch: string,
  config: Readonly<Record<string, string>>,
): Promise<void> {
  for (const [key, value] of Object.entries(config)) {
    await git(repo, ['config', `branch.${branch}.${key}`, value]);
  }
}

/**
 * The commit of every ref `remote` has now, asked of the remote itself
 * (`ls-remote`), so a branch deleted there is not taken as still holding its
 * commits, as a stale `origin/*` ref would be. Throws when it cannot be reached.
 */
export async function remoteTips(repo: string, remote = 'origin'): Promise<string[]> {
  const out = await gitText(repo, ['ls-remote', '--', remote], { timeoutMs: 60_000 });
  return [
    ...new Set(
      out
        .split('\n')
        .map((line) => line.split('\t')[0] ?? '')
        .filter((oid) => /^[0-9a-f]{40,64}$/.test(oid)),
    ),
  ];
}

/** How many commits reachable from `rev` none of `tips` holds (tips this clone lacks hold nothing it can prove). */
export async function commitsNotIn(repo: string, rev: string, tips: readonly string[]): Promise<number> {
  const input = tips.map((tip) => `^${tip}\n`).join('');
  return Number(await gitText(repo, ['rev-list', '--count', '--ignore-missing', '--stdin', rev], { input }));
}

/** Pushes the worktree's `branch` to origin's branch of the same name and tracks it; the caller reads the result. */
export function pushBranch(worktree: string, branch: string): Promise<GitResult> {
  const ref = `refs/heads/${branch}`;
  return git(worktree, ['push', '--set-upstream', 'origin', `${ref}:${ref}`], {
    allowFailure: true,
    timeoutMs: 120_000,
  });
}

/** The subject line of HEAD's commit. */
export function headSubject(worktree: string): Promise<string> {
  return gitText(worktree, ['log', '-1', '--format=%s']);
}
