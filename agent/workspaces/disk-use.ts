import { existsSync } from 'node:fs';
import type { DiskUse, Project, Workspace } from '../../shared/domain.js';
import { bytesOnlyIn } from '../git/disk-usage.js';
import { walkFolder } from '../git/folder-walk.js';
import { snapshotRefPatterns } from '../git/snapshot-refs.js';

/** A walk of a worktree stops here (a node_modules of a million files): the figure is then "at least". */
const MAX_ENTRIES = 200_000;
/** A background figure: its walk takes at most this share of a core. */
const CPU_SHARE = 0.25;

/** The refs that are a workspace's own: its branch and its snapshots (patterns: one ref per snapshot). */
export function ownRefsOf(workspace: Workspace): string[] {
  return [`refs/heads/${workspace.branch}`, ...snapshotRefPatterns(workspace.id)];
}

export async function measureWorkspace(workspace: Workspace, project: Project): Promise<DiskUse> {
  const hasWorktree = workspace.status !== 'archived' && existsSync(workspace.path);
  const walk = hasWorktree
    ? await walkFolder(workspace.path, { maxEntries: MAX_ENTRIES, cpuShare: CPU_SHARE })
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
 * How long a figure stands when nothing reported a change in its workspace. Sessions,
 * terminals and the change summaries' file checks report changes (`changed`), so this only
 * bounds what a program outside ff did unseen: with 500 worktrees of 30k files, a
 * 15-minute TTL kept a core walking them.
 */
export const DISK_USE_FRESH_MS = 6 * 60 * 60_000;
/** After a change, wait this long before measuring again: a busy session changes every second. */
export const DISK_USE_CHANGED_MIN_MS = 60_000;

/** A figure kept across a restart, and whether its workspace changed since it was measured. */
export interface SavedDiskUse {
  value: DiskUse;
  changed: boolean;
}

type Entry = { value?: DiskUse; at: number; changed: boolean; queued: boolean };

export interface DiskUseDeps {
  measure: (workspace: Workspace) => Promise<DiskUse>;
  /** A new figure (to publish). */
  measured?: (workspace: Workspace, value: DiskUse) => void;
  /** Something to keep across a restart changed (`saved()` says what). */
  unsaved?: () => void;
  /** What was known before a restart (`workspace-cache.json`). */
  saved?: Readonly<Record<string, SavedDiskUse>>;
  now?: () => number;
}

/**
 * Disk use per workspace, measured in the background one at a time (a queue,
 * never two walks at once; each walk takes at most a quarter of a core) and
 * kept until its workspace changes or `DISK_USE_FRESH_MS` passes: a list
 * never waits on a walk, and listing again measures nothing new.
 */
export class DiskUseCache {
  readonly #entries = new Map<string, Entry>();
  readonly #deps: DiskUseDeps;
  readonly #now: () => number;
  #queue: Promise<void> = Promise.resolve();
  #pending = 0;

  constructor(deps: DiskUseDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    for (const [id, saved] of Object.entries(deps.saved ?? {})) {
      const at = Date.parse(saved.value.at);
      this.#entries.set(id, {
        value: saved.value,
        at: Number.isFinite(at) ? at : 0,
        changed: saved.changed,
        queued: false,
      });
    }
  }

  /** The last figure (if any); queues a new measurement when it is stale. */
  peek(workspace: Workspace): DiskUse | undefined {
    const entry = this.#entries.get(workspace.id);
    // A worktree being made is not worth measuring yet.
    if (workspace.status !== 'provisioning' && (!entry || this.#stale(entry))) this.#refresh(workspace);
    return this.#entries.get(workspace.id)?.value;
  }

  /** Resolves once no measurement is queued or running (tests, benches). */
  async idle(): Promise<void> {
    while (this.#pending > 0) await this.#queue;
  }

  /** Something in the workspace changed: its figure is measured again when next shown. */
  changed(id: string): void {
    const entry = this.#entries.get(id);
    if (entry && !entry.changed) {
      entry.changed = true;
      this.#deps.unsaved?.();
    }
  }

  /** The workspace changed on disk (archived, restored, removed): measure again next time. */
  forget(id: string): void {
    if (this.#entries.delete(id)) this.#deps.unsaved?.();
  }

  /** What to keep across a restart: every figure, and whether its workspace changed since. */
  saved(): Record<string, SavedDiskUse> {
    const saved: Record<string, SavedDiskUse> = {};
    for (const [id, entry] of this.#entries)
      if (entry.value) saved[id] = { value: entry.value, changed: entry.changed };
    return saved;
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
    this.#pending++;
    const running = this.#queue.then(async () => {
      try {
        // Forgotten while it waited (archived, removed): nothing to measure.
        if (this.#entries.get(workspace.id) === entry) {
          entry.value = await this.#deps.measure(workspace);
          if (this.#entries.get(workspace.id) === entry) {
            this.#deps.measured?.(workspace, entry.value);
            this.#deps.unsaved?.();
          }
        }
      } catch {
        // unmeasurable now (a worktree half gone): keep the last figure
      }
      entry.at = this.#now();
      entry.queued = false;
      this.#pending--;
    });
    this.#queue = running;
    this.#entries.set(workspace.id, entry);
  }
}
