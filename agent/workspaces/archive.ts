import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { ArchiveJournal, Workspace, WorkspaceSnapshot } from '../../shared/domain.js';
import { errorText } from '../../shared/error-text.js';
import { AgentError } from '../../shared/protocol.js';
import { faultPoint } from '../fault-point.js';
import {
  describeInventory,
  describeSkipped,
  inventoryHasWork,
  inventoryWorktree,
  type SkippedEntry,
  type WorktreeInventory,
  whyNotKept,
} from '../git/snapshot.js';
import { nextSnapshotRef, snapshotRefsOf } from '../git/snapshot-refs.js';
import { commitExists, deleteTree, moveAside, pruneWorktrees, trashPathFor } from '../git/worktree.js';
import { runArchiveScript } from './archive-script.js';
import type { WorkspaceContext } from './context.js';
import { stopWorkspaceProcesses } from './stop-processes.js';
import { snapshotBeforeRemoval } from './worktree-snapshot.js';

export type ArchiveContext = Pick<
  WorkspaceContext,
  'records' | 'state' | 'log' | 'repoLock' | 'workspaceLock' | 'disk' | 'paths'
>;

export interface ArchiveOptions {
  /** Snapshot and remove even when it holds work (uncommitted, untracked, ignored, unpushed). */
  force?: boolean;
  /** What the snapshot cannot hold (over the size bound) that the user names to be deleted with the worktree. */
  discard?: readonly string[];
}

/**
 * Archives a workspace, as one journaled operation: stops what it started,
 * snapshots everything in its worktree on a new ref (see git/snapshot-write.ts),
 * writes the journal (the snapshot, and where the worktree goes), moves the
 * worktree aside in one rename and only then deletes it; the branch is kept.
 * A crash at any point leaves it not started (the worktree where it was) or
 * finished with its snapshot: `resumeArchive` at the next start decides which.
 * Refusals (`archiveRefusal`) come before anything is stopped or removed.
 */
export async function archiveWorkspace(
  ctx: ArchiveContext,
  id: string,
  options: ArchiveOptions = {},
): Promise<Workspace> {
  return ctx.workspaceLock.run(id, () => archive(ctx, id, options));
}

async function archive(ctx: ArchiveContext, id: string, options: ArchiveOptions): Promise<Workspace> {
  let workspace = ctx.records.find(id);
  if (workspace.status === 'archived') return workspace;
  if (workspace.archiving) {
    // One that stopped in the middle is settled first: finished, or not started and so archived now.
    workspace = await resumeArchive(ctx, workspace, { archivingAgain: true });
    if (workspace.status === 'archived') return workspace;
  }
  if (workspace.status === 'provisioning') {
    throw new AgentError('CONFLICT', `Workspace ${id} is still provisioning; wait for it to finish.`);
  }
  const project = ctx.records.projectOf(workspace);
  const maxMb = ctx.state.data.settings.snapshotIgnoredMaxMb;
  const onDisk = lexists(workspace.path);
  const isWorktree = existsSync(join(workspace.path, '.git'));
  if (onDisk && !isWorktree) {
    throw new AgentError(
      'FAILED_PRECONDITION',
      `${workspace.path} is not a git worktree any more (it has no .git), so ff cannot snapshot it; nothing was removed. Move it away, then archive again.`,
    );
  }
  let checked: WorktreeInventory | undefined;
  if (isWorktree) {
    checked = await inventoryOf(workspace, maxMb);
    const refusal = archiveRefusal(workspace, checked, maxMb, options);
    if (refusal) throw new AgentError('FAILED_PRECONDITION', refusal);
  }
  // The archive script first, while its app may still be up; what it leaves running is stopped with the rest.
  const scriptRan = await runArchiveScript(ctx, workspace);
  const anythingRan = (await stopWorkspaceProcesses(ctx, workspace)) || scriptRan;
  let snapshot: WorkspaceSnapshot | undefined;
  if (isWorktree) {
    // Its processes are stopped now: nothing of ff's writes to the worktree while it is snapshotted.
    // What they wrote until then is read again; when none ran, the first reading stands.
    const inventory = anythingRan || !checked ? await inventoryOf(workspace, maxMb) : checked;
    const refusal = archiveRefusal(workspace, inventory, maxMb, options);
    if (refusal) throw new AgentError('FAILED_PRECONDITION', refusal);
    snapshot = await ctx.repoLock.run(project.path, () =>
      snapshotBeforeRemoval(
        workspace.path,
        { repo: project.path, base: id, scratchRoot: ctx.paths.scratch },
        inventory,
        `ff archive of workspace ${id} (${workspace.branch})`,
        discardedOf(inventory, options.discard ?? []),
      ),
    );
    ctx.log.info(`Workspace ${id} snapshotted on ${snapshot.ref} (${snapshot.commit})`);
    faultPoint('archive:snapshot-written');
  }
  if (snapshot && lexists(workspace.path)) {
    const journal: ArchiveJournal = {
      snapshot,
      trash: trashPathFor(workspace.path, randomBytes(4).toString('hex')),
      at: new Date().toISOString(),
    };
    await ctx.records.patch(id, { archiving: journal });
    faultPoint('archive:journaled');
    return removeJournaled(ctx, ctx.records.find(id), journal);
  }
  return finish(ctx, workspace, snapshot);
}

/**
 * Removes the worktree of a journaled archive and records it archived. Moved
 * aside in one rename, it is either still where it was or at `trash`, never
 * half deleted at its path; only a worktree that cannot be renamed (another
 * file system) is deleted where it is, which the journal says first.
 */
async function removeJournaled(
  ctx: ArchiveContext,
  workspace: Workspace,
  journal: ArchiveJournal,
): Promise<Workspace> {
  let moved: boolean;
  try {
    moved = await moveAside(workspace.path, journal.trash);
  } catch (error) {
    await ctx.records.patch(workspace.id, { archiving: undefined });
    throw new AgentError(
      'FAILED_PRECONDITION',
      `Could not remove ${workspace.path} (${errorText(error)}); it is as it was. Its snapshot is on ${journal.snapshot.ref}.`,
    );
  }
  if (moved) {
    faultPoint('archive:moved-aside');
    await deleteTree(journal.trash);
  } else {
    await ctx.records.patch(workspace.id, { archiving: { ...journal, inPlace: true } });
    faultPoint('archive:deleting-in-place');
    await deleteTree(workspace.path);
  }
  faultPoint('archive:deleted');
  return finish(ctx, workspace, journal.snapshot);
}

/** Drops git's registration of the removed worktree and records the workspace archived (the branch stays). */
async function finish(
  ctx: ArchiveContext,
  workspace: Workspace,
  snapshot: WorkspaceSnapshot | undefined,
): Promise<Workspace> {
  const project = ctx.records.projectOf(workspace);
  await ctx.repoLock.run(project.path, () => pruneWorktrees(project.path));
  ctx.log.info(`Workspace ${workspace.id} archived (branch ${workspace.branch} kept)`);
  const at = new Date().toISOString();
  await ctx.records.patch(workspace.id, {
    status: 'archived',
    archived: { at, ...(snapshot ? { snapshot } : {}) },
    archiving: undefined,
    // Its ports are released: another workspace may take them now, a restore chooses again.
    ports: undefined,
  });
  ctx.disk.forget(workspace.id);
  return ctx.records.find(workspace.id);
}

/** What to do with an archive the agent stopped in the middle of. Pure. */
export function journalOutcome(disk: {
  trashExists: boolean;
  pathExists: boolean;
  inPlace: boolean;
  snapshotKept: boolean;
}): 'finish' | 'keep worktree' | 'move back' {
  // Its snapshot gone (deleted by hand): nothing may be deleted; what was moved aside goes back.
  if (!disk.snapshotKept) return disk.trashExists && !disk.pathExists ? 'move back' : 'keep worktree';
  if (disk.trashExists || !disk.pathExists || disk.inPlace) return 'finish';
  // Still whole where it was: the archive had not started removing it.
  return 'keep worktree';
}

/**
 * Start-up (and a new archive of the same workspace): settles an archive the
 * agent stopped in the middle of, from its journal. Either it is finished —
 * its worktree, already moved aside or being deleted, is deleted and the
 * workspace archived with the journal's snapshot — or, when the worktree is
 * still where it was, not started: the workspace stays with its worktree, and
 * the snapshot already taken stays listed (`workspace snapshots`).
 */
export async function resumeArchive(
  ctx: ArchiveContext,
  workspace: Workspace,
  { archivingAgain = false } = {},
): Promise<Workspace> {
  const journal = workspace.archiving;
  if (!journal) return workspace;
  const project = ctx.records.projectOf(workspace);
  const outcome = journalOutcome({
    trashExists: lexists(journal.trash),
    pathExists: lexists(workspace.path),
    inPlace: journal.inPlace === true,
    snapshotKept: await commitExists(project.path, journal.snapshot.commit),
  });
  ctx.log.warn(`Workspace ${workspace.id}: an archive was interrupted; ${outcome}`);
  if (outcome === 'finish') {
    if (lexists(journal.trash)) await deleteTree(journal.trash);
    if (journal.inPlace && lexists(workspace.path)) await deleteTree(workspace.path);
    return finish(ctx, workspace, journal.snapshot);
  }
  if (outcome === 'move back') await moveAside(journal.trash, workspace.path);
  await ctx.records.patch(workspace.id, { archiving: undefined });
  // Archived again right now, the hint to archive again would only be stale on the archived record.
  if (archivingAgain) return ctx.records.find(workspace.id);
  await ctx.records.warn(
    workspace.id,
    `ff-agent stopped while archiving this workspace, before removing anything: its worktree is as it was. Archive it again; the snapshot taken then is kept on ${journal.snapshot.ref}.`,
  );
  return ctx.records.find(workspace.id);
}

/**
 * Why archiving is refused — or undefined when it may go ahead. Whatever a
 * snapshot cannot hold (`skipped`) refuses even with `force`, until each is
 * named in `discard`; without `force`, anything only the snapshot would keep
 * refuses too (naming it). A name in `discard` that is none of those is a
 * mistake, said so. Pure.
 */
export function archiveRefusal(
  workspace: Pick<Workspace, 'id' | 'branch'>,
  inventory: WorktreeInventory,
  snapshotIgnoredMaxMb: number,
  options: ArchiveOptions = {},
): string | undefined {
  const discard = options.discard ?? [];
  const unknown = discard.filter((name) => !inventory.skipped.some((s) => samePath(s.path, name)));
  if (unknown.length > 0) {
    return `--discard ${unknown.join(', ')}: not among what a snapshot of ${workspace.branch} cannot hold (${inventory.skipped.length ? describeSkipped(inventory.skipped) : 'nothing'}); nothing was removed.`;
  }
  const unkept = inventory.skipped.filter((s) => !discard.some((name) => samePath(s.path, name)));
  const naming = unkept.map((s) => `--discard ${s.path}`).join(' ');
  const cannot = unkept.length
    ? `${describeSkipped(unkept)} cannot be kept in a snapshot (${whyNotKept(unkept, snapshotIgnoredMaxMb)})`
    : '';
  if (!options.force && inventoryHasWork(inventory)) {
    return `Workspace ${workspace.branch} has ${describeInventory(inventory)}. Archive with --force to keep them in a snapshot and remove the worktree; \`ff-agent workspace restore ${workspace.id}\` brings them back.${cannot ? ` Even then, ${cannot}: name each to delete it with the worktree (${naming}).` : ''}`;
  }
  if (unkept.length > 0) {
    return `Workspace ${workspace.branch}: ${cannot}; nothing was removed. Commit and push what you want to keep, raise snapshotIgnoredMaxMb, or name each to delete it with the worktree: \`ff-agent workspace archive ${workspace.id}${options.force ? ' --force' : ''} ${naming}\`.`;
  }
  return undefined;
}

/** What the user named to be deleted with the worktree, as the inventory found it. Pure. */
export function discardedOf(inventory: WorktreeInventory, discard: readonly string[]): SkippedEntry[] {
  return inventory.skipped.filter((s) => discard.some((name) => samePath(s.path, name)));
}

/** `node_modules`, `./node_modules/` and `node_modules/` name the same folder. */
function samePath(a: string, b: string): boolean {
  const norm = (p: string) => p.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  return norm(a) === norm(b);
}

/** What `gc` will say of archiving this workspace: the ref its snapshot will get, or why it cannot (no --discard). */
export async function archivePreview(
  ctx: Pick<WorkspaceContext, 'records' | 'state'>,
  workspace: Workspace,
): Promise<{ ref?: string; refusal?: string }> {
  const project = ctx.records.projectOf(workspace);
  const ref = nextSnapshotRef(await snapshotRefsOf(project.path, workspace.id), workspace.id);
  if (!existsSync(join(workspace.path, '.git'))) return {};
  const maxMb = ctx.state.data.settings.snapshotIgnoredMaxMb;
  const refusal = archiveRefusal(workspace, await inventoryOf(workspace, maxMb), maxMb, { force: true });
  return refusal ? { refusal } : { ref };
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

/** Something is at `path` (a dangling symlink counts). */
function lexists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
