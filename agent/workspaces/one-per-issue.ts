import type { WorkspaceView } from '../../shared/domain.js';

/** What creating (or adopting) answers: the workspace, and whether this call made it. */
export interface Creation {
  workspace: WorkspaceView;
  created: boolean;
}

/**
 * One workspace per issue or PR: the caller returns the one that exists; a
 * caller that comes while the first is still being made waits for that one.
 */
export class OnePerIssue {
  /** Creations in flight, by key (project+issue, project+PR): a second request joins the first. */
  readonly #creating = new Map<string, Promise<Creation>>();

  /** The creation in flight under `key` (answered as not created by this call), else a new one by `make`. */
  async join(key: string, make: () => Promise<Creation>): Promise<Creation> {
    const inFlight = this.#creating.get(key);
    if (inFlight) return { workspace: (await inFlight).workspace, created: false };
    const creation = make();
    this.#creating.set(key, creation);
    try {
      return await creation;
    } finally {
      this.#creating.delete(key);
    }
  }
}
