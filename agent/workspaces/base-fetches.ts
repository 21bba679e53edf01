import type { Project } from '../../shared/domain.js';
import { fetchBranch } from '../git/worktree.js';
import type { KeyedMutex } from '../keyed-mutex.js';

/** How long a fetch of origin/<base> counts as current for the next new workspace. */
const FETCH_FRESH_MS = 5_000;

/** Recent fetches by project+base: a burst of new workspaces (several Starts at once) fetches once. */
export class BaseFetches {
  readonly #recent = new Map<string, { at: number; done: Promise<void> }>();
  readonly #repoLock: KeyedMutex;

  constructor(repoLock: KeyedMutex) {
    this.#repoLock = repoLock;
  }

  /** Fetches origin/<base>, sharing a fetch that is in flight or finished less than FETCH_FRESH_MS ago. */
  fetch(project: Project, base: string): Promise<void> {
    const key = `${project.id}#${base}`;
    const recent = this.#recent.get(key);
    if (recent && Date.now() - recent.at < FETCH_FRESH_MS) return recent.done;
    const done = this.#repoLock.run(project.path, () => fetchBranch(project.path, base));
    const entry = { at: Date.now(), done };
    this.#recent.set(key, entry);
    // Bookkeeping only: whoever asked awaits `done` and gets its error.
    done.then(
      () => {
        entry.at = Date.now();
      },
      () => {
        // A failed fetch is not reused: the next workspace tries again.
        if (this.#recent.get(key) === entry) this.#recent.delete(key);
      },
    );
    return done;
  }
}
