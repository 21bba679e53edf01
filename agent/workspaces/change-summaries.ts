import type { ChangeSummary, Workspace } from '../../shared/domain.js';

/** How many workspaces are summarized at once (about 6 git processes each), in the background. */
export const CHANGE_SUMMARY_CONCURRENCY = 2;
/** How often the summaries' inputs are looked at: ~9 stats per workspace, ~5 ms for 500. */
export const CHANGE_CHECK_MS = 2_000;
/** A workspace ff saw busy (a tool's result, terminal output) is summarized again at most this often. */
export const TOUCHED_MIN_MS = 5_000;
/**
 * A summary this old is made again even when its files look the same: an edit to a
 * tracked file in a subfolder, made outside ff (an editor), changes none of the files
 * stat'ed until git's index is refreshed. 500 workspaces cost ~1% of a core at this pace.
 */
export const SUMMARY_FRESH_MS = 30 * 60_000;

/** What is known of a workspace's changes, and the signature of the files it was read from. */
export interface KnownSummary {
  /** Null when git could not tell (a broken worktree) or there is no worktree. */
  summary: ChangeSummary | null;
  /** Of its inputs when it was summarized (agent/git/git-files.ts `WorktreeSignatures`); '' for no worktree. */
  signature: string;
}

interface Entry extends KnownSummary {
  /** False until its first summary (a placeholder while queued). */
  known: boolean;
  /** When it was last summarized (the clock's ms). */
  at: number;
  /** Something in ff worked in it since: summarize again even if its inputs look the same. */
  touched: boolean;
  queued: boolean;
}

/**
 * Pure: whether a workspace is to be summarized, given what is known of it and
 * its inputs' signature now (undefined: no worktree, nothing for git to read).
 * Its inputs changed, or ff saw work in it a while ago, or its summary is old, or nothing is known.
 */
export function needsSummary(
  entry: Pick<Entry, 'known' | 'signature' | 'at' | 'touched'> | undefined,
  signature: string | undefined,
  now: number,
): boolean {
  if (!entry?.known) return true;
  if (entry.signature !== (signature ?? '')) return true;
  if (signature === undefined) return false;
  return now - entry.at >= (entry.touched ? TOUCHED_MIN_MS : SUMMARY_FRESH_MS);
}

export interface ChangeSummariesDeps {
  /** Asks git (several processes); throws when git cannot read the worktree. */
  summarize: (workspace: Workspace) => Promise<ChangeSummary>;
  /** The signature of the workspace's summary inputs; undefined when it has no worktree. */
  signature: (workspace: Workspace) => string | undefined;
  /** The workspaces to follow: the ready ones. */
  followed: () => Iterable<Workspace>;
  /**
   * A workspace's summary is new or different (to publish). `first`: nothing was known
   * of it before (so nothing is known to have changed in its files either).
   */
  changed: (workspace: Workspace, summary: ChangeSummary | null, first: boolean) => void;
  /** Something to keep across a restart changed (`saved()` says what). */
  unsaved?: () => void;
  /** What was known before a restart (`workspace-cache.json`). */
  saved?: Readonly<Record<string, KnownSummary>>;
  /** True while work the user waits on runs (a workspace being made): no summary starts then. */
  yieldTo?: () => boolean;
  concurrency?: number;
  now?: () => number;
}

/**
 * Each workspace's change summary (files, +/−, ahead/behind, dirty,
 * unpushed), kept, so `workspace.list` and `workspace.get` answer from
 * memory and never run git. A summary is made again only when what it is read
 * from changed: every `CHANGE_CHECK_MS` the files git would change are
 * stat'ed (no process), and ff's own work in a worktree (a tool's result,
 * terminal output) marks it `touched`. Summaries run in the background, a
 * few at a time; each new or different one is handed to `changed` (published
 * on `workspace:<id>`). After a restart, what was saved stands until its
 * files say otherwise.
 */
export class ChangeSummaries {
  readonly #deps: ChangeSummariesDeps;
  readonly #now: () => number;
  readonly #concurrency: number;
  readonly #entries = new Map<string, Entry>();
  readonly #queue: Array<{ workspace: Workspace; entry: Entry }> = [];
  #running = 0;
  #idle: Array<() => void> = [];
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(deps: ChangeSummariesDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#concurrency = deps.concurrency ?? CHANGE_SUMMARY_CONCURRENCY;
    // Saved ones count as fresh from now: a restart asks git only where files changed.
    const now = this.#now();
    for (const [id, known] of Object.entries(deps.saved ?? {}))
      this.#entries.set(id, { ...known, known: true, at: now, touched: false, queued: false });
  }

  /** The workspace's last summary; null when none is known (yet) or git could not tell. */
  get(id: string): ChangeSummary | null {
    return this.#entries.get(id)?.summary ?? null;
  }

  /** ff saw work in the workspace (a tool's result, terminal output): summarize it again soon. */
  touched(id: string): void {
    const entry = this.#entries.get(id);
    if (entry) entry.touched = true;
  }

  /** Looks at every followed workspace's inputs now; those that changed are summarized in the background. */
  check(): void {
    this.#pump();
    const now = this.#now();
    const followed = new Set<string>();
    for (const workspace of this.#deps.followed()) {
      followed.add(workspace.id);
      const entry = this.#entries.get(workspace.id);
      if (entry?.queued) continue;
      const signature = this.#deps.signature(workspace);
      if (!needsSummary(entry, signature, now)) continue;
      if (signature === undefined) this.#record(workspace, this.#entryFor(workspace.id), null, '', now);
      else this.#enqueue(workspace);
    }
    // Archived or removed: forgotten (a queued run finds its entry gone and keeps nothing).
    for (const id of this.#entries.keys()) if (!followed.has(id)) this.#entries.delete(id);
  }

  /** Checks every `intervalMs` until `stop`. */
  start(intervalMs = CHANGE_CHECK_MS): void {
    this.check();
    this.#timer ??= setInterval(() => this.check(), intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Resolves once nothing is queued or running (tests, benches). */
  idle(): Promise<void> {
    if (this.#running === 0 && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** What to keep across a restart: every known summary with its signature. */
  saved(): Record<string, KnownSummary> {
    const saved: Record<string, KnownSummary> = {};
    for (const [id, entry] of this.#entries)
      if (entry.known) saved[id] = { summary: entry.summary, signature: entry.signature };
    return saved;
  }

  #entryFor(id: string): Entry {
    let entry = this.#entries.get(id);
    if (!entry) {
      entry = { summary: null, signature: '', known: false, at: 0, touched: false, queued: false };
      this.#entries.set(id, entry);
    }
    return entry;
  }

  #enqueue(workspace: Workspace): void {
    const entry = this.#entryFor(workspace.id);
    entry.queued = true;
    this.#queue.push({ workspace, entry });
    this.#pump();
  }

  #pump(): void {
    // Given way: the next check (every CHANGE_CHECK_MS) pumps again.
    if (this.#deps.yieldTo?.()) return;
    while (this.#running < this.#concurrency && this.#queue.length > 0) {
      const next = this.#queue.shift()!;
      this.#running++;
      void this.#run(next.workspace, next.entry).finally(() => {
        this.#running--;
        this.#pump();
        if (this.#running === 0 && this.#queue.length === 0) for (const done of this.#idle.splice(0)) done();
      });
    }
  }

  async #run(workspace: Workspace, entry: Entry): Promise<void> {
    // Archived or removed while it waited: nothing to ask git.
    if (this.#entries.get(workspace.id) !== entry) return;
    const started = this.#now();
    // Read before git runs: a change made while it runs shows in the next check.
    const signature = this.#deps.signature(workspace);
    entry.touched = false;
    // Not logged: null says "cannot tell", and a broken worktree would log again at every change.
    const summary = signature === undefined ? null : await this.#deps.summarize(workspace).catch(() => null);
    entry.queued = false;
    if (this.#entries.get(workspace.id) !== entry) return;
    this.#record(workspace, entry, summary, signature ?? '', started);
  }

  #record(workspace: Workspace, entry: Entry, summary: ChangeSummary | null, signature: string, at: number) {
    const first = !entry.known;
    const news = first || JSON.stringify(entry.summary) !== JSON.stringify(summary);
    const resigned = entry.signature !== signature;
    Object.assign(entry, { summary, signature, at, known: true });
    if (news) this.#deps.changed(workspace, summary, first);
    if (news || resigned) this.#deps.unsaved?.();
  }
}
