import { git } from './git.js';

/** Branches of a project clone: where they point, making and configuring them. */

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
