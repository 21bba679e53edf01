/**
 * Runs tasks one at a time per key (e.g. per git repository): git's own
 * worktree bookkeeping races when two `git worktree add` run at once on one
 * repo ("failed to read .git/worktrees/…/commondir").
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    // The caller gets `result` and its error; the tail only orders the next task after it.
    const tail = result.catch(() => {});
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
