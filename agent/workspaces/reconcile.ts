import { existsSync } from 'node:fs';
import type { Workspace } from '../../shared/domain.js';
import type { WorkspaceContext } from './context.js';
import { MAX_WARNINGS } from './records.js';

/**
 * Start-up: state meets disk. A workspace stuck provisioning (the agent
 * died mid-way) becomes failed and retryable; a worktree that vanished
 * becomes missing (never dropped); one that came back is ready again.
 */
export async function reconcileWorkspaces(ctx: Pick<WorkspaceContext, 'state' | 'log'>): Promise<void> {
  const now = new Date().toISOString();
  await ctx.state.update((state) => {
    for (const workspace of state.workspaces) {
      const change = changeAfterRestart(workspace, existsSync(workspace.path), now);
      if (change) Object.assign(workspace, change);
    }
  });
  for (const workspace of ctx.state.data.workspaces) {
    if (workspace.status === 'failed' || workspace.status === 'missing') {
      ctx.log.warn(`Workspace ${workspace.id} (${workspace.branch}) is ${workspace.status} after start-up`);
    }
  }
}

/**
 * What start-up changes in a record, given whether its worktree is on disk;
 * undefined when nothing. Pure. (`step: undefined` clears the field.)
 */
export function changeAfterRestart(
  workspace: Workspace,
  worktreeOnDisk: boolean,
  now: string,
): Partial<Workspace> | undefined {
  if (workspace.status === 'provisioning') {
    return {
      status: 'failed',
      failure: {
        step: workspace.step ?? 'creating worktree',
        message: `ff-agent stopped while this workspace was ${workspace.step ?? 'provisioning'}. Retry to finish it.`,
        at: now,
      },
      step: undefined,
      updatedAt: now,
    };
  }
  if (workspace.status === 'ready' && !worktreeOnDisk) {
    return {
      status: 'missing',
      warnings: [
        ...workspace.warnings,
        `The worktree ${workspace.path} is gone from disk. Retry to recreate it on branch ${workspace.branch}, or archive the workspace.`,
      ].slice(-MAX_WARNINGS),
      updatedAt: now,
    };
  }
  if (workspace.status === 'missing' && worktreeOnDisk) return { status: 'ready', updatedAt: now };
  return undefined;
}
