import type { WorkspaceSnapshot } from '../../shared/domain.js';
import { errorText } from '../../shared/error-text.js';
import { AgentError } from '../../shared/protocol.js';
import { type Snapshot, snapshotWorktree, type WorktreeInventory } from '../git/snapshot.js';

/**
 * The snapshot ff takes before it removes a worktree (archive, gc of an
 * orphan), on refs/ff/archive/<name> (see git/snapshot.ts), as the record
 * keeps it. Either it is written whole or the removal does not happen.
 */
export async function snapshotBeforeRemoval(
  path: string,
  name: string,
  inventory: WorktreeInventory,
  message: string,
): Promise<WorkspaceSnapshot> {
  try {
    return snapshotRecord(await snapshotWorktree(path, name, inventory, message), inventory, new Date());
  } catch (error) {
    throw new AgentError(
      'FAILED_PRECONDITION',
      `Could not snapshot ${path} (${errorText(error)}); nothing was removed.`,
    );
  }
}

/** A written snapshot and the inventory it holds, as the workspace record keeps them. Pure. */
export function snapshotRecord(written: Snapshot, inventory: WorktreeInventory, at: Date): WorkspaceSnapshot {
  return {
    ref: written.ref,
    commit: written.commit,
    head: inventory.head,
    ...(inventory.branch ? { branch: inventory.branch } : {}),
    ...(written.headRef ? { headRef: written.headRef } : {}),
    tracked: inventory.tracked.length,
    untracked: inventory.untracked.length,
    ignored: inventory.ignored.length,
    skipped: inventory.skipped,
    at: at.toISOString(),
  };
}
