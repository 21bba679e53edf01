/**
 * The sessions some popup or workspace page shows right now, with how many
 * pages show each: a reply there needs no desktop notification.
 */
export class SessionViewers {
  readonly #count = new Map<string, number>();

  /** A page subscribed to `topic` (+1) or left it (-1); only `session:<id>` topics are sessions shown. */
  note(topic: string, delta: 1 | -1): void {
    if (!topic.startsWith('session:')) return;
    const session = topic.slice('session:'.length);
    const count = (this.#count.get(session) ?? 0) + delta;
    if (count > 0) this.#count.set(session, count);
    else this.#count.delete(session);
  }

  shown(): Set<string> {
    return new Set(this.#count.keys());
  }
}
