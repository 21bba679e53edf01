import type { Workspace } from '../../shared/domain.js';
import type { ChangeSummary } from '../git/worktree.js';

/** How many workspaces' change summaries (about 7 git processes each) run at once. */
export const CHANGE_SUMMARY_CONCURRENCY = 4;

/**
 * Each workspace's change summary (files, +/−, ahead/behind, dirty), asked by
 * every `workspace.list`. Always fresh — nothing is cached between asks — but
 * bounded: at most `concurrency` workspaces are summarized at once (a list of
 * 200 worktrees would otherwise start 1,400 git processes together), and
 * callers asking for the same workspace while it is being summarized share
 * that one run (two popups, a board push and a list at the same moment).
 */
export class ChangeSummaries {
  readonly #inFlight = new Map<string, Promise<ChangeSummary | null>>();
  readonly #waiting: Array<() => void> = [];
  #running = 0;

  constructor(
    private readonly summarize: (workspace: Workspace) => Promise<ChangeSummary>,
    private readonly concurrency = CHANGE_SUMMARY_CONCURRENCY,
  ) {}

  /** The workspace's summary, or null when git could not tell (a broken worktree). */
  get(workspace: Workspace): Promise<ChangeSummary | null> {
    const running = this.#inFlight.get(workspace.id);
    if (running) return running;
    const run = this.#run(workspace).finally(() => this.#inFlight.delete(workspace.id));
    this.#inFlight.set(workspace.id, run);
    return run;
  }

  async #run(workspace: Workspace): Promise<ChangeSummary | null> {
    // A finished run hands its slot straight to the next waiter, so none is taken twice.
    if (this.#running >= this.concurrency) await new Promise<void>((go) => this.#waiting.push(go));
    else this.#running++;
    try {
      // Not logged: the view shows null ("cannot tell") for it, and a broken worktree
      // would otherwise log again on every list, every board push.
      return await this.summarize(workspace).catch(() => null);
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}
