import { existsSync } from 'node:fs';
import type { DiskUse, Project, Workspace } from '../../shared/domain.js';
import { bytesOnlyIn } from '../git/disk-usage.js';
import { measure } from '../git/snapshot.js';
import { snapshotRefPatterns } from '../git/snapshot-refs.js';

/** A walk of a worktree stops here (a node_modules of a million files): the figure is then "at least". */
const MAX_ENTRIES = 200_000;

/** The refs that are a workspace's own: its branch and its snapshots (patterns: one ref per snapshot). */
export function ownRefsOf(workspace: Workspace): string[] {
  return [`refs/heads/${workspace.branch}`, ...snapshotRefPatterns(workspace.id)];
}

export async function measureWorkspace(workspace: Workspace, project: Project): Promise<DiskUse> {
  const hasWorktree = workspace.status !== 'archived' && existsSync(workspace.path);
  const walk = hasWorktree
    ? await measure(workspace.path, Number.POSITIVE_INFINITY, MAX_ENTRIES)
    : { bytes: 0, complete: true };
  const own = ownRefsOf(workspace);
  const onlyHereBytes = await bytesOnlyIn(
    hasWorktree ? workspace.path : project.path,
    hasWorktree ? ['HEAD', ...own] : own,
    own,
  );
  return {
    worktreeBytes: walk.bytes,
    onlyHereBytes,
    complete: walk.complete,
    at: new Date().toISOString(),
  };
}

/**
 * How long a figure stands when nothing reported a change in its workspace. Sessions report
 * their changes (`changed`), so this only bounds what a terminal or an editor did unseen:
 * with 200 worktrees a minute-long TTL kept the agent walking and spawning git non-stop.
 */
export const DISK_USE_FRESH_MS = 15 * 60_000;
/** After a change, wait this long before measuring again: a busy session changes every second. */
export const DISK_USE_CHANGED_MIN_MS = 60_000;

type Entry = { value?: DiskUse; at: number; changed: boolean; queued: boolean; running?: Promise<void> };

/**
 * Disk use per workspace, measured in the background one at a time (a queue, never two
 * walks at once) and kept until its workspace changes or `DISK_USE_FRESH_MS` passes: a list
 * never waits on a walk of every worktree, and listing again measures nothing new.
 */
export class DiskUseCache {
  readonly #entries = new Map<string, Entry>();
  readonly #measure: (workspace: Workspace) => Promise<DiskUse>;
  readonly #now: () => number;
  #queue: Promise<void> = Promise.resolve();

  constructor(measureOne: (workspace: Workspace) => Promise<DiskUse>, now: () => number = Date.now) {
    this.#measure = measureOne;
    this.#now = now;
  }

  /** The last figure (if any); queues a new measurement when it is stale. */
  peek(workspace: Workspace): DiskUse | undefined {
    const entry = this.#entries.get(workspace.id);
    // A worktree being made is not worth measuring yet.
    if (workspace.status !== 'provisioning' && (!entry || this.#stale(entry))) this.#refresh(workspace);
    return this.#entries.get(workspace.id)?.value;
  }

  /** Waits up to `waitMs` for the measurements of these workspaces that are under way. */
  async settle(workspaces: Workspace[], waitMs: number): Promise<void> {
    for (const w of workspaces) this.peek(w);
    const running = workspaces.map((w) => this.#entries.get(w.id)?.running).filter(Boolean);
    if (running.length === 0) return;
    await Promise.race([Promise.all(running), new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
  }

  /** Something in the workspace changed (a session's turn): its figure is measured again when next shown. */
  changed(id: string): void {
    const entry = this.#entries.get(id);
    if (entry) entry.changed = true;
  }

  /** The workspace changed on disk (archived, restored, removed): measure again next time. */
  forget(id: string): void {
    this.#entries.delete(id);
  }

  #stale(entry: Entry): boolean {
    if (entry.queued) return false;
    const age = this.#now() - entry.at;
    return age > DISK_USE_FRESH_MS || (entry.changed && age > DISK_USE_CHANGED_MIN_MS);
  }

  #refresh(workspace: Workspace): void {
    const entry: Entry = this.#entries.get(workspace.id) ?? { at: 0, changed: false, queued: false };
    entry.queued = true;
    entry.changed = false;
    const running = this.#queue.then(async () => {
      try {
        // Forgotten while it waited (archived, removed): nothing to measure.
        if (this.#entries.get(workspace.id) === entry) entry.value = await this.#measure(workspace);
      } catch {
        // unmeasurable now (a worktree half gone): keep the last figure
      }
      entry.at = this.#now();
      entry.queued = false;
      entry.running = undefined;
    });
    entry.running = running;
    this.#queue = running;
    this.#entries.set(workspace.id, entry);
  }
}
