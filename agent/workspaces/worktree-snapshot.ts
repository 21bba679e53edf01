import type { WorkspaceSnapshot } from '../../shared/domain.js';
import { errorText } from '../../shared/error-text.js';
import { AgentError } from '../../shared/protocol.js';
import type { SkippedEntry, WorktreeInventory } from '../git/snapshot.js';
import { type Snapshot, type SnapshotTarget, snapshotWorktree } from '../git/snapshot-write.js';

/**
 * The snapshot ff takes before it removes a worktree (archive, gc of an
 * orphan), on a new ref of its own (see git/snapshot-write.ts), as the record
 * keeps it. Either it is written whole or the removal does not happen.
 * `discarded`: what it cannot hold, each named by the user.
 */
export async function snapshotBeforeRemoval(
  path: string,
  target: SnapshotTarget,
  inventory: WorktreeInventory,
  message: string,
  discarded: readonly SkippedEntry[],
): Promise<WorkspaceSnapshot> {
  try {
    const written = await snapshotWorktree(path, target, inventory, message, [...discarded]);
    return snapshotRecord(written, inventory, discarded, new Date());
  } catch (error) {
    throw new AgentError(
      'FAILED_PRECONDITION',
      `Could not snapshot ${path} (${errorText(error)}); nothing was removed.`,
    );
  }
}

/** A written snapshot and the inventory it holds, as the workspace record keeps it. Pure. */
export function snapshotRecord(
  written: Snapshot,
  inventory: WorktreeInventory,
  discarded: readonly SkippedEntry[],
  at: Date,
): WorkspaceSnapshot {
  return {
    ref: written.ref,
    commit: written.commit,
    head: inventory.head,
    ...(inventory.branch ? { branch: inventory.branch } : {}),
    ...(written.headRef ? { headRef: written.headRef } : {}),
    tracked: inventory.tracked.length,
    untracked: inventory.untracked.length,
    ignored: inventory.ignored.length,
    skipped: [...discarded],
    nested: written.nested,
    emptyDirs: inventory.emptyDirs.length,
    at: at.toISOString(),
  };
}
