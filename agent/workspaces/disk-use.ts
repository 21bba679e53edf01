import { existsSync } from 'node:fs';
import type { DiskUse, Project, Workspace } from '../../shared/domain.js';
import { git } from '../git/git.js';
import { archiveHeadRef, archiveRef, measure } from '../git/snapshot.js';

/** A walk of a worktree stops here (a node_modules of a million files): the figure is then "at least". */
const MAX_ENTRIES = 200_000;
const FRESH_MS = 60_000;

/**
 * Bytes of git objects reachable from `positives` (evaluated in `cwd`) and
 * from no ref but `ownRefs`: what deleting those refs lets git's own gc free.
 * 0 when git cannot tell (git older than 2.38 has no --disk-usage).
 */
export async function bytesOnlyIn(cwd: string, positives: string[], ownRefs: string[]): Promise<number> {
  const existing: string[] = [];
  for (const ref of positives) {
    const found = await git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
      allowFailure: true,
    });
    if (found.code === 0) existing.push(found.stdout.trim());
  }
  if (existing.length === 0) return 0;
  const excludeBranches = ownRefs
    .filter((r) => r.startsWith('refs/heads/'))
    .map((r) => `--exclude=${r.slice('refs/heads/'.length)}`);
  const excludeFf = ownRefs.filter((r) => r.startsWith('refs/ff/')).map((r) => `--exclude=${r}`);
  const result = await git(
    cwd,
    [
      'rev-list',
      '--objects',
      '--disk-usage',
      ...existing,
      '--not',
      ...excludeBranches,
      '--branches',
      '--tags',
      '--remotes',
      ...excludeFf,
      '--glob=refs/ff/*',
    ],
    { allowFailure: true, timeoutMs: 30_000 },
  );
  return result.code === 0 ? Number(result.stdout.trim()) || 0 : 0;
}

/** The refs that are a workspace's own: its branch and its snapshots. */
export function ownRefsOf(workspace: Workspace): string[] {
  return [`refs/heads/${workspace.branch}`, archiveRef(workspace.id), archiveHeadRef(workspace.id)];
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
 * Disk use per workspace, measured in the background one at a time and kept
 * for a minute: a list never waits on a walk of every worktree.
 */
export class DiskUseCache {
  readonly #entries = new Map<string, { value?: DiskUse; at: number; running?: Promise<void> }>();
  readonly #measure: (workspace: Workspace) => Promise<DiskUse>;
  #queue: Promise<void> = Promise.resolve();

  constructor(measureOne: (workspace: Workspace) => Promise<DiskUse>) {
    this.#measure = measureOne;
  }

  /** The last figure (if any); starts a new measurement when it is older than a minute. */
  peek(workspace: Workspace): DiskUse | undefined {
    const entry = this.#entries.get(workspace.id);
    // A worktree being made is not worth measuring yet.
    const stale = !entry || (!entry.running && Date.now() - entry.at > FRESH_MS);
    if (stale && workspace.status !== 'provisioning') this.#refresh(workspace);
    return this.#entries.get(workspace.id)?.value;
  }

  /** Waits up to `waitMs` for the measurements of these workspaces that are under way. */
  async settle(workspaces: Workspace[], waitMs: number): Promise<void> {
    for (const w of workspaces) this.peek(w);
    const running = workspaces.map((w) => this.#entries.get(w.id)?.running).filter(Boolean);
    if (running.length === 0) return;
    await Promise.race([Promise.all(running), new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
  }

  /** The workspace changed on disk (archived, restored, removed): measure again next time. */
  forget(id: string): void {
    this.#entries.delete(id);
  }

  #refresh(workspace: Workspace): void {
    const entry = this.#entries.get(workspace.id) ?? { at: 0 };
    const running = this.#queue.then(async () => {
      try {
        entry.value = await this.#measure(workspace);
      } catch {
        // unmeasurable now (a worktree half gone): keep the last figure
      }
      entry.at = Date.now();
      entry.running = undefined;
    });
    entry.running = running;
    this.#queue = running;
    this.#entries.set(workspace.id, entry);
  }
}
