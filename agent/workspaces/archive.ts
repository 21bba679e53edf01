import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Workspace, WorkspaceSnapshot } from '../../shared/domain.js';
import { errorText } from '../../shared/error-text.js';
import { AgentError } from '../../shared/protocol.js';
import {
  describeInventory,
  describeSkipped,
  inventoryHasWork,
  inventoryWorktree,
  type WorktreeInventory,
} from '../git/snapshot.js';
import { removeWorktree } from '../git/worktree.js';
import type { WorkspaceContext } from './context.js';
import { snapshotBeforeRemoval } from './worktree-snapshot.js';

export type ArchiveContext = Pick<WorkspaceContext, 'records' | 'state' | 'log' | 'repoLock' | 'disk'>;

/**
 * Stops the workspace's sessions and terminals, snapshots everything in its
 * worktree on `refs/ff/archive/<id>` (see git/snapshot.ts), and only then
 * removes the worktree; the branch is kept. Without `force` it refuses, naming
 * them, when there is anything only the snapshot would keep: tracked changes,
 * untracked or ignored files, unpushed or detached commits.
 */
export async function archiveWorkspace(ctx: ArchiveContext, id: string, force = false): Promise<Workspace> {
  const workspace = ctx.records.find(id);
  if (workspace.status === 'archived') return workspace;
  if (workspace.status === 'provisioning') {
    throw new AgentError('CONFLICT', `Workspace ${id} is still provisioning; wait for it to finish.`);
  }
  const project = ctx.records.projectOf(workspace);
  const maxMb = ctx.state.data.settings.snapshotIgnoredMaxMb;
  const isWorktree = existsSync(join(workspace.path, '.git'));
  if (isWorktree && !force) {
    const refusal = archiveRefusal(workspace, await inventoryOf(workspace, maxMb), maxMb);
    if (refusal) throw new AgentError('FAILED_PRECONDITION', refusal);
  }
  for (const hook of ctx.records.archiveHooks) await hook(workspace);
  let snapshot: WorkspaceSnapshot | undefined;
  if (isWorktree) {
    // Sessions are stopped now: nothing writes to the worktree while it is snapshotted.
    const inventory = await inventoryOf(workspace, maxMb);
    snapshot = await ctx.repoLock.run(project.path, () =>
      snapshotBeforeRemoval(
        workspace.path,
        workspace.id,
        inventory,
        `ff archive of workspace ${id} (${workspace.branch})`,
      ),
    );
    ctx.log.info(`Workspace ${id} snapshotted on ${snapshot.ref} (${snapshot.commit})`);
  }
  if (existsSync(workspace.path)) {
    await ctx.repoLock.run(project.path, () => removeWorktree(project.path, workspace.path, force));
    if (existsSync(workspace.path)) {
      throw new AgentError(
        'FAILED_PRECONDITION',
        `git could not remove ${workspace.path}; see the agent log.${snapshot ? ` Its snapshot is on ${snapshot.ref}.` : ''}`,
      );
    }
  } else {
    // Already gone from disk: only git's registration of it is left to drop.
    await ctx.repoLock.run(project.path, () => removeWorktree(project.path, workspace.path, true));
  }
  ctx.log.info(`Workspace ${id} archived (branch ${workspace.branch} kept)`);
  const at = new Date().toISOString();
  await ctx.records.patch(id, { status: 'archived', archived: { at, ...(snapshot ? { snapshot } : {}) } });
  ctx.disk.forget(id);
  return ctx.records.find(id);
}

/**
 * Why archiving without --force is refused — what only the snapshot would
 * keep, and what would not be kept even there — or undefined when nothing
 * would be lost. Pure.
 */
export function archiveRefusal(
  workspace: Pick<Workspace, 'id' | 'branch'>,
  inventory: WorktreeInventory,
  snapshotIgnoredMaxMb: number,
): string | undefined {
  if (!inventoryHasWork(inventory)) return undefined;
  const skipped = inventory.skipped.length
    ? ` (${describeSkipped(inventory.skipped)} would not be kept: over the ${snapshotIgnoredMaxMb} MB snapshot limit)`
    : '';
  return `Workspace ${workspace.branch} has ${describeInventory(inventory)}. Archive with --force to keep them in a snapshot and remove the worktree${skipped}; \`ff-agent workspace restore ${workspace.id}\` brings them back.`;
}

async function inventoryOf(workspace: Workspace, snapshotIgnoredMaxMb: number): Promise<WorktreeInventory> {
  try {
    return await inventoryWorktree(workspace.path, snapshotIgnoredMaxMb * 1024 * 1024);
  } catch (error) {
    throw new AgentError(
      'FAILED_PRECONDITION',
      `Could not read the worktree ${workspace.path} (${errorText(error)}); nothing was removed.`,
    );
  }
}
