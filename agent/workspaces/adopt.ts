import type { Workspace } from '../../shared/domain.js';

/**
 * Adopting a PR ff did not open — pure parts. A PR whose head lives in this
 * repository is worked on in its own branch (fetched from origin, pushed
 * back to it). A fork's PR is fetched from `refs/pull/<n>/head` into a local
 * branch `pr/<n>` and never pushed to by ff: the fork is not ours to write
 * to, and its code and text are someone else's.
 */

/** The local branch an adopted PR is worked on. */
export function adoptedBranch(pr: { number: number; headRefName: string; fork: boolean }): string {
  return pr.fork ? `pr/${pr.number}` : pr.headRefName;
}

/** The ref to fetch from origin for an adopted PR, and where it lands. */
export function adoptedFetchRefspec(pr: { number: number; headRefName: string; fork: boolean }): {
  refspec: string;
  startPoint: string;
} {
  return pr.fork
    ? {
        refspec: `+refs/pull/${pr.number}/head:refs/ff/pull/${pr.number}`,
        startPoint: `refs/ff/pull/${pr.number}`,
      }
    : {
        refspec: `+refs/heads/${pr.headRefName}:refs/remotes/origin/${pr.headRefName}`,
        startPoint: `refs/remotes/origin/${pr.headRefName}`,
      };
}

/**
 * The adopted branch's git config: one in this repo tracks origin's (plain
 * `git pull` / `git push` work); a fork's pushes to a remote that does not
 * exist, so a plain `git push` fails saying why instead of writing anywhere.
 */
export function adoptedBranchConfig(
  adopted: Pick<NonNullable<Workspace['adopted']>, 'fork' | 'headRefName'>,
): Record<string, string> {
  return adopted.fork
    ? { pushRemote: 'ff-does-not-push-to-a-fork-PR' }
    : { remote: 'origin', merge: `refs/heads/${adopted.headRefName}` };
}

/** Why ff does not push to this workspace's PR (a fork's), in one sentence without a final period. */
export function noPushReason(workspace: Pick<Workspace, 'pr' | 'adopted'>): string {
  const from = workspace.adopted?.headRepository ?? 'a deleted fork';
  return `PR #${workspace.pr?.number ?? '?'} comes from the fork ${from}: ff never pushes to a fork's branch, so it starts no fixer and opens nothing — commit in the workspace and push to the fork yourself`;
}
