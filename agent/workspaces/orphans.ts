import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Project } from '../../shared/domain.js';
import { errorText } from '../../shared/error-text.js';
import { AgentError } from '../../shared/protocol.js';
import { describeSkipped, inventoryWorktree, type WorktreeInventory, whyNotKept } from '../git/snapshot.js';
import { deleteTree, listWorktrees, moveAside, pruneWorktrees, trashPathFor } from '../git/worktree.js';
import type { WorkspaceContext } from './context.js';
import { isInside } from './worktree-path.js';
import { snapshotBeforeRemoval } from './worktree-snapshot.js';

/**
 * Worktrees ff made that no workspace knows: under a project's worktree
 * root, registered with git, in no workspace record (a crash between
 * `git worktree add` and the record, a state.json restored from a backup).
 */

/** Directories under worktree roots that git knows as worktrees but no workspace does (for `doctor` and `gc`). */
export async function orphanWorktrees(
  ctx: Pick<WorkspaceContext, 'records' | 'projects' | 'log'>,
): Promise<string[]> {
  const known = ctx.records.all().map((w) => w.path);
  const orphans: string[] = [];
  for (const project of ctx.projects.list()) {
    if (!existsSync(project.path) || !existsSync(project.worktreeRoot)) continue;
    let registered: string[];
    try {
      registered = (await listWorktrees(project.path)).map((e) => e.path);
    } catch (error) {
      // One unreadable clone does not hide the others' orphans; it is named in the log.
      ctx.log.warn(`Could not list the worktrees of ${project.path}: ${errorText(error)}`);
      continue;
    }
    orphans.push(...orphansAmong(project.worktreeRoot, registered, known));
  }
  return orphans;
}

/** The worktrees git has registered under `worktreeRoot` that are no known workspace's path. Pure. */
export function orphansAmong(worktreeRoot: string, registered: string[], known: string[]): string[] {
  const knownPaths = new Set(known.map((path) => resolve(path)));
  return registered
    .map((path) => resolve(path))
    .filter((path) => isInside(worktreeRoot, path) && !knownPaths.has(path));
}

/** The snapshot name of an orphan worktree: it has no workspace id, so a hash of its path. Pure. */
export function orphanSnapshotName(path: string): string {
  return `orphan-${createHash('sha1').update(path).digest('hex').slice(0, 12)}`;
}

/**
 * Removes a worktree ff made that no workspace knows (for `gc`), after a
 * snapshot on a new refs/ff/archive/orphan-<hash of its path>-<n>: moved
 * aside in one rename, then deleted. Refuses, removing nothing, when it
 * holds what a snapshot cannot (no one is there to name it). Returns the ref.
 */
export async function removeOrphan(
  ctx: Pick<WorkspaceContext, 'state' | 'log' | 'repoLock' | 'paths'>,
  project: Project,
  path: string,
): Promise<string> {
  const maxMb = ctx.state.data.settings.snapshotIgnoredMaxMb;
  const inventory = await inventoryWorktree(path, maxMb * 1024 * 1024);
  const refusal = orphanRefusalOf(inventory, maxMb);
  if (refusal) throw new AgentError('FAILED_PRECONDITION', refusal);
  const snapshot = await ctx.repoLock.run(project.path, () =>
    snapshotBeforeRemoval(
      path,
      { repo: project.path, base: orphanSnapshotName(path), scratchRoot: ctx.paths.scratch },
      inventory,
      `ff gc of the orphan worktree ${path}`,
      [],
    ),
  );
  const trash = trashPathFor(path, randomBytes(4).toString('hex'));
  if (await moveAside(path, trash)) await deleteTree(trash);
  else await deleteTree(path);
  await ctx.repoLock.run(project.path, () => pruneWorktrees(project.path));
  ctx.log.info(`Orphan worktree ${path} removed; snapshot on ${snapshot.ref}`);
  return snapshot.ref;
}

/** Why gc must leave an orphan worktree alone: it holds what a snapshot cannot keep (no one is there to name it). */
export async function orphanRefusal(
  ctx: Pick<WorkspaceContext, 'state'>,
  path: string,
): Promise<string | undefined> {
  const maxMb = ctx.state.data.settings.snapshotIgnoredMaxMb;
  return orphanRefusalOf(await inventoryWorktree(path, maxMb * 1024 * 1024), maxMb);
}

function orphanRefusalOf(inventory: WorktreeInventory, maxMb: number): string | undefined {
  return inventory.skipped.length > 0
    ? `it holds what a snapshot cannot keep: ${describeSkipped(inventory.skipped)} (${whyNotKept(inventory.skipped, maxMb)})`
    : undefined;
}
