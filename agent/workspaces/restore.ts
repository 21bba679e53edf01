import { existsSync, readdirSync } from 'node:fs';
import type { Workspace, WorkspaceSnapshot } from '../../shared/domain.js';
import { AgentError } from '../../shared/protocol.js';
import { branchTip, createBranch } from '../git/branches.js';
import { restoreWorktree } from '../git/snapshot.js';
import {
  addWorktree,
  addWorktreeOnBranch,
  baseRefFor,
  commitExists,
  pruneWorktrees,
  refExists,
} from '../git/worktree.js';
import type { WorkspaceContext } from './context.js';

export type RestoreContext = Pick<WorkspaceContext, 'records' | 'log' | 'repoLock' | 'disk'>;

/** How a worktree comes back, decided from what git still has (`restorePlan`). */
export type RestorePlan =
  /** No snapshot (it had no worktree when archived): a worktree on its branch, from its base if the branch is gone. */
  | { kind: 'worktree' }
  /** The snapshot is past its retention: the branch as committed, without the uncommitted files. */
  | { kind: 'branch only'; branch: string }
  /** Every file as snapshotted, on `branch` (created at the snapshot's HEAD when `createAt`) or detached. */
  | { kind: 'snapshot'; snapshot: WorkspaceSnapshot; branch: string | undefined; createAt?: string }
  | { kind: 'refused'; error: AgentError };

/**
 * Recreates an archived workspace's worktree as it was when archived (its
 * branch or detached HEAD, staged and unstaged changes, untracked and
 * ignored files); the workspace is ready again.
 */
export async function restoreWorkspace(ctx: RestoreContext, id: string): Promise<Workspace> {
  const workspace = ctx.records.find(id);
  if (workspace.status !== 'archived') {
    throw new AgentError(
      'FAILED_PRECONDITION',
      `Workspace ${id} is ${workspace.status}; only archived workspaces can be restored.`,
    );
  }
  const project = ctx.records.projectOf(workspace);
  if (existsSync(workspace.path) && readdirSync(workspace.path).length > 0) {
    throw new AgentError(
      'FAILED_PRECONDITION',
      `${workspace.path} exists and is not empty; move it away and restore again.`,
    );
  }
  if (workspace.issue) {
    const other = ctx.records.forIssue(project.id, workspace.issue.number);
    if (other) {
      throw new AgentError(
        'ALREADY_EXISTS',
        `Issue #${workspace.issue.number} already has workspace ${other.id}; archive it before restoring this one.`,
      );
    }
  }
  const snapshot = workspace.archived?.snapshot;
  const branch = snapshot ? snapshot.branch : workspace.branch;
  const sameBranch = branch && ctx.records.onBranch(project.id, branch, id);
  if (sameBranch) {
    throw new AgentError('ALREADY_EXISTS', `Branch ${branch} already has workspace ${sameBranch.id}.`);
  }
  const plan = await ctx.repoLock.run(project.path, async () => {
    await pruneWorktrees(project.path);
    const plan = restorePlan(
      workspace,
      snapshot && {
        snapshotKept:
          (await refExists(project.path, snapshot.ref)) &&
          (await commitExists(project.path, snapshot.commit)),
        branchTip: snapshot.branch ? await branchTip(project.path, snapshot.branch) : undefined,
      },
    );
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
        await restoreWorktree(project.path, workspace.path, plan.snapshot.commit, plan.branch);
        break;
    }
    return plan;
  });
  ctx.log.info(`Workspace ${id} restored at ${workspace.path}`);
  if (plan.kind === 'branch only')
    await ctx.records.warn(
      id,
      `Restored from branch ${plan.branch} alone: the snapshot of its uncommitted and untracked files was deleted by gc (archiveRetentionDays).`,
    );
  await ctx.records.patch(id, { status: 'ready', archived: undefined, failure: undefined });
  ctx.disk.forget(id);
  return ctx.records.find(id);
}

/**
 * How to bring an archived workspace's worktree back, given what git still
 * has: whether its snapshot ref and commit are still there (`gc` deletes old
 * ones) and where the snapshot's branch points now. Pure.
 */
export function restorePlan(
  workspace: Pick<Workspace, 'id' | 'archived'>,
  git: { snapshotKept: boolean; branchTip: string | undefined } | undefined,
): RestorePlan {
  const snapshot = workspace.archived?.snapshot;
  if (!snapshot || !git) return { kind: 'worktree' };
  const branch = snapshot.branch;
  if (!git.snapshotKept) {
    // Past its retention: what was committed on the branch is still there.
    if (branch && git.branchTip !== undefined) return { kind: 'branch only', branch };
    return {
      kind: 'refused',
      error: new AgentError(
        'FAILED_PRECONDITION',
        `The snapshot of workspace ${workspace.id} (${snapshot.ref}) is gone; \`ff-agent gc\` deletes snapshots older than archiveRetentionDays.`,
      ),
    };
  }
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
