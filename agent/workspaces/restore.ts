import { lstatSync, readdirSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { Workspace, WorkspaceSnapshot } from '../../shared/domain.js';
import { AgentError } from '../../shared/protocol.js';
import { branchTip, createBranch } from '../git/branches.js';
import { readSnapshot, snapshotRefsOf, snapshotSeq } from '../git/snapshot-refs.js';
import { restoreWorktree } from '../git/snapshot-restore.js';
import { addWorktree, addWorktreeOnBranch, baseRefFor, pruneWorktrees } from '../git/worktree.js';
import type { WorkspaceContext } from './context.js';
import { isInside } from './worktree-path.js';

export type RestoreContext = Pick<
  WorkspaceContext,
  'records' | 'log' | 'repoLock' | 'workspaceLock' | 'disk' | 'paths' | 'ports'
>;

/** How a worktree comes back, decided from what git still has (`restorePlan`). */
export type RestorePlan =
  /** No snapshot was ever taken (it had no worktree when archived): a worktree on its branch, from its base if the branch is gone. */
  | { kind: 'worktree' }
  /** Its snapshots are past their retention: the branch as committed, without the uncommitted files. */
  | { kind: 'branch only'; branch: string }
  /** Every file as snapshotted, on `branch` (created at the snapshot's HEAD when `createAt`) or detached. */
  | { kind: 'snapshot'; snapshot: WorkspaceSnapshot; branch: string | undefined; createAt?: string }
  | { kind: 'refused'; error: AgentError };

/**
 * Recreates an archived workspace's worktree as it was when archived (its
 * branch or detached HEAD, staged and unstaged changes, untracked and
 * ignored files, empty folders, nested repositories) from its newest
 * snapshot, or the one named by `snapshotRef`; the workspace is ready again.
 */
export async function restoreWorkspace(
  ctx: RestoreContext,
  id: string,
  snapshotRef?: string,
): Promise<Workspace> {
  return ctx.workspaceLock.run(id, () => restore(ctx, id, snapshotRef));
}

async function restore(ctx: RestoreContext, id: string, snapshotRef: string | undefined): Promise<Workspace> {
  const workspace = ctx.records.find(id);
  if (workspace.status !== 'archived') {
    throw new AgentError(
      'FAILED_PRECONDITION',
      `Workspace ${id} is ${workspace.status}; only archived workspaces can be restored.`,
    );
  }
  const project = ctx.records.projectOf(workspace);
  const taken = whyPathTaken(workspace.path, project.worktreeRoot);
  if (taken) throw new AgentError('FAILED_PRECONDITION', taken);
  if (workspace.issue) {
    const other = ctx.records.forIssue(project.id, workspace.issue.number);
    if (other) {
      throw new AgentError(
        'ALREADY_EXISTS',
        `Issue #${workspace.issue.number} already has workspace ${other.id}; archive it before restoring this one.`,
      );
    }
  }
  const { plan, problems } = await ctx.repoLock.run(project.path, async () => {
    await pruneWorktrees(project.path);
    const chosen = await chooseSnapshot(project.path, id, snapshotRef);
    const branch = chosen ? chosen.branch : workspace.branch;
    const sameBranch = branch && ctx.records.onBranch(project.id, branch, id);
    if (sameBranch) {
      throw new AgentError('ALREADY_EXISTS', `Branch ${branch} already has workspace ${sameBranch.id}.`);
    }
    const plan = restorePlan(workspace, chosen, {
      branchTip: branch ? await branchTip(project.path, branch) : undefined,
    });
    let problems: string[] = [];
    switch (plan.kind) {
      case 'refused':
        throw plan.error;
      case 'worktree':
        await addWorktree(
          project.path,
          workspace.path,
          workspace.branch,
          await baseRefFor(project.path, workspace.baseBranch),
        );
        break;
      case 'branch only':
        await addWorktreeOnBranch(project.path, workspace.path, plan.branch);
        break;
      case 'snapshot':
        if (plan.branch && plan.createAt) await createBranch(project.path, plan.branch, plan.createAt);
        problems = await restoreWorktree(
          project.path,
          workspace.path,
          plan.snapshot.commit,
          plan.branch,
          ctx.paths.scratch,
        );
        break;
    }
    return { plan, problems };
  });
  ctx.log.info(
    `Workspace ${id} restored at ${workspace.path}${plan.kind === 'snapshot' ? ` from ${plan.snapshot.ref}` : ` (${plan.kind})`}`,
  );
  // Its old block may be another workspace's now: a restored workspace gets a block chosen free again.
  await ctx.ports.claim((ports) =>
    ctx.records.patch(id, { status: 'ready', archived: undefined, failure: undefined, ports }),
  );
  if (plan.kind === 'branch only')
    await ctx.records.warn(
      id,
      `Restored from branch ${plan.branch} alone: the snapshot of its uncommitted and untracked files was deleted by gc (archiveRetentionDays).`,
    );
  if (plan.kind === 'worktree')
    await ctx.records.warn(
      id,
      `Restored from branch ${workspace.branch} as committed: there is no snapshot of this workspace (its worktree was gone when it was archived).`,
    );
  for (const problem of problems)
    await ctx.records.warn(
      id,
      `A nested repository did not come back: ${problem}. Its objects are kept on the snapshot ref.`,
    );
  ctx.disk.forget(id);
  return ctx.records.find(id);
}

/**
 * Why a worktree cannot be restored at `path`: anything there but an empty
 * folder, or a symbolic link on the way to it from the worktree root (the
 * files would land wherever it points). Undefined when it can.
 */
function whyPathTaken(path: string, worktreeRoot: string): string | undefined {
  if (isInside(worktreeRoot, path)) {
    const parts = relative(resolve(worktreeRoot), resolve(path)).split(sep).slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      const dir = join(resolve(worktreeRoot), ...parts.slice(0, i));
      const link = (() => {
        try {
          return lstatSync(dir).isSymbolicLink();
        } catch {
          return false;
        }
      })();
      if (link)
        return `${dir} is a symbolic link; ff restores only into real folders under its worktree root (a link would send the files elsewhere). Remove the link and restore again.`;
    }
  }
  let stats: ReturnType<typeof lstatSync>;
  try {
    stats = lstatSync(path);
  } catch {
    return undefined; // nothing there
  }
  if (stats.isSymbolicLink())
    return `${path} is a symbolic link; ff restores only into a real folder (a link would send the files elsewhere). Remove the link and restore again.`;
  if (!stats.isDirectory()) return `${path} is a file, not a folder; move it away and restore again.`;
  if (readdirSync(path).length > 0) return `${path} exists and is not empty; move it away and restore again.`;
  return undefined;
}

/**
 * The snapshot to restore: the one named (its full ref, or its name after
 * `refs/ff/archive/`), else the newest of the workspace's; undefined when it
 * has none (none taken, or all deleted by gc).
 */
async function chooseSnapshot(
  repo: string,
  id: string,
  named: string | undefined,
): Promise<WorkspaceSnapshot | undefined> {
  const refs = await snapshotRefsOf(repo, id);
  if (named !== undefined) {
    const ref = refs.find((r) => r === named || r === `refs/ff/archive/${named}`);
    if (!ref) {
      throw new AgentError(
        'NOT_FOUND',
        `Workspace ${id} has no snapshot ${named}. \`ff-agent workspace snapshots ${id}\` lists its snapshots.`,
      );
    }
    return readSnapshot(repo, ref);
  }
  const newest = refs.sort((a, b) => (snapshotSeq(b, id) ?? 0) - (snapshotSeq(a, id) ?? 0))[0];
  return newest ? readSnapshot(repo, newest) : undefined;
}

/**
 * How to bring an archived workspace's worktree back, given the snapshot
 * chosen (undefined when there is none) and where its branch points now. Pure.
 */
export function restorePlan(
  workspace: Pick<Workspace, 'id' | 'archived'>,
  snapshot: WorkspaceSnapshot | undefined,
  git: { branchTip: string | undefined },
): RestorePlan {
  if (!snapshot) {
    const recorded = workspace.archived?.snapshot;
    if (!recorded) return { kind: 'worktree' };
    // Past its retention: what was committed on the branch is still there.
    if (recorded.branch && git.branchTip !== undefined)
      return { kind: 'branch only', branch: recorded.branch };
    return {
      kind: 'refused',
      error: new AgentError(
        'FAILED_PRECONDITION',
        `The snapshot of workspace ${workspace.id} (${recorded.ref}) is gone; \`ff-agent gc\` deletes snapshots older than archiveRetentionDays.`,
      ),
    };
  }
  const branch = snapshot.branch;
  const tip = git.branchTip;
  if (branch && tip === undefined) return { kind: 'snapshot', snapshot, branch, createAt: snapshot.head };
  if (branch && tip !== undefined && tip !== snapshot.head) {
    return {
      kind: 'refused',
      error: new AgentError(
        'CONFLICT',
        `Branch ${branch} moved since workspace ${workspace.id} was archived (it was at ${snapshot.head.slice(0, 12)}, now ${tip.slice(0, 12)}); the snapshot is still on ${snapshot.ref}.`,
      ),
    };
  }
  return { kind: 'snapshot', snapshot, branch };
}
