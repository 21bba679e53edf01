import { existsSync, rmSync } from 'node:fs';
import type { Workspace } from '../../shared/domain.js';
import { errorText } from '../../shared/error-text.js';
import { snapshotRefsOf } from '../git/snapshot-refs.js';
import { type ArchiveContext, resumeArchive } from './archive.js';
import type { WorkspaceContext } from './context.js';
import { MAX_WARNINGS } from './records.js';

/**
 * Start-up: state meets disk. Scratch files of the last run go; an archive
 * it stopped in the middle of is settled from its journal (finished with its
 * snapshot, or not started: archive.ts `resumeArchive`); a workspace stuck
 * provisioning (the agent died mid-way) becomes failed and retryable; a
 * worktree that vanished becomes missing (never dropped), and says so with
 * its newest snapshot when it has one; one that came back is ready again.
 */
export async function reconcileWorkspaces(
  ctx: ArchiveContext & Pick<WorkspaceContext, 'projects'>,
): Promise<void> {
  rmSync(ctx.paths.scratch, { recursive: true, force: true });
  for (const workspace of ctx.state.data.workspaces.filter((w) => w.archiving)) {
    try {
      await resumeArchive(ctx, workspace);
    } catch (error) {
      ctx.log.warn(
        `Workspace ${workspace.id}: could not settle its interrupted archive: ${errorText(error)}`,
      );
    }
  }
  const now = new Date().toISOString();
  const gone = ctx.state.data.workspaces.filter(
    (w) => w.status === 'ready' && !w.archiving && !existsSync(w.path),
  );
  const snapshots = new Map<string, string>();
  for (const workspace of gone) {
    const project = ctx.projects.get(workspace.projectId);
    if (!project || !existsSync(project.path)) continue;
    const refs = await snapshotRefsOf(project.path, workspace.id).catch(() => []);
    if (refs.length > 0) snapshots.set(workspace.id, refs.at(-1) as string);
  }
  await ctx.state.update((state) => {
    for (const workspace of state.workspaces) {
      if (workspace.archiving) continue;
      const change = changeAfterRestart(
        workspace,
        existsSync(workspace.path),
        now,
        snapshots.get(workspace.id),
      );
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
 * What start-up changes in a record, given whether its worktree is on disk
 * (and its newest snapshot ref, if it has one); undefined when nothing.
 * Pure. (`step: undefined` clears the field.)
 */
export function changeAfterRestart(
  workspace: Workspace,
  worktreeOnDisk: boolean,
  now: string,
  newestSnapshot?: string,
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
    const hint = newestSnapshot
      ? ` Its newest snapshot is ${newestSnapshot}: archive the workspace, then \`ff-agent workspace restore ${workspace.id}\` brings it back; or retry to recreate it on branch ${workspace.branch}.`
      : ` Retry to recreate it on branch ${workspace.branch}, or archive the workspace.`;
    return {
      status: 'missing',
      warnings: [...workspace.warnings, `The worktree ${workspace.path} is gone from disk.${hint}`].slice(
        -MAX_WARNINGS,
      ),
      updatedAt: now,
    };
  }
  if (workspace.status === 'missing' && worktreeOnDisk) return { status: 'ready', updatedAt: now };
  return undefined;
}
