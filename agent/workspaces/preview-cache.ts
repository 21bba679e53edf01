import type { Preview } from '../../shared/domain.js';
import { errorText } from '../../shared/error-text.js';
import type { Logger } from '../logger.js';

/** A list answers from the last walk unless it is older than this: listing again and again walks /proc at most this often. */
export const PREVIEWS_FRESH_MS = 2000;
/** While something could start or stop listening, /proc is walked this often (and a change pushed). */
export const PREVIEWS_EVERY_MS = 3000;
/** The first list waits this long at most for the first walk; no later list waits for one. */
export const FIRST_WALK_WAIT_MS = 1000;

/** Whether two walks found the same previews (the same ports, held by the same processes). Pure. */
export function samePreviews(a: readonly Preview[], b: readonly Preview[]): boolean {
  return (
    a.length === b.length &&
    a.every((p, i) => p.port === b[i]?.port && p.pid === b[i]?.pid && p.command === b[i]?.command)
  );
}

/** The workspaces (of `ids`) whose previews differ between two walks; absent is none. Pure. */
export function changedPreviews(
  before: ReadonlyMap<string, readonly Preview[]>,
  after: ReadonlyMap<string, readonly Preview[]>,
  ids: Iterable<string>,
): string[] {
  return [...ids].filter((id) => !samePreviews(before.get(id) ?? [], after.get(id) ?? []));
}

export interface PreviewCacheDeps {
  /** One walk of /proc: every workspace's previews (previews.ts `findAllPreviews`). */
  walk: () => Promise<Map<string, Preview[]>>;
  /** The workspaces whose previews are shown (ready, on this machine): only their changes are pushed. */
  followed: () => Iterable<string>;
  /** A followed workspace's previews changed (to publish). */
  changed: (workspaceId: string, previews: Preview[]) => void;
  log: Logger;
  now?: () => number;
}

/**
 * Every workspace's previews, from one walk of /proc for all of them, kept:
 * a list answers from what the last walk found and starts another in the
 * background once that is older than `PREVIEWS_FRESH_MS` (one walk at a
 * time; callers join the walk under way). While `active` says something
 * could start or stop listening, it walks every `PREVIEWS_EVERY_MS` and
 * pushes what changed, so an open page follows without polling; when
 * nothing runs and nothing listens, it does nothing.
 */
export class PreviewCache {
  readonly #deps: PreviewCacheDeps;
  readonly #now: () => number;
  /** Undefined until the first walk ends: then "none" is known, not guessed. */
  #known: Map<string, Preview[]> | undefined;
  #walkedAt = Number.NEGATIVE_INFINITY;
  #walk: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(deps: PreviewCacheDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  /** Its previews as last found; undefined before the first walk. */
  of(workspaceId: string): Preview[] | undefined {
    return this.#known ? (this.#known.get(workspaceId) ?? []) : undefined;
  }

  /**
   * Before a list: a walk in the background when the last is stale; the very
   * first list waits for it, `FIRST_WALK_WAIT_MS` at most (a slow walk pushes
   * what it finds when it ends).
   */
  async fresh(): Promise<void> {
    const walk = this.#now() - this.#walkedAt >= PREVIEWS_FRESH_MS ? this.refresh() : this.#walk;
    if (this.#known || !walk) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([walk, new Promise((resolve) => (timer = setTimeout(resolve, FIRST_WALK_WAIT_MS)))]);
    clearTimeout(timer);
  }

  /** A walk now, or the one under way; resolves once the cache holds what it found. */
  refresh(): Promise<void> {
    this.#walk ??= this.#run().finally(() => {
      this.#walk = undefined;
    });
    return this.#walk;
  }

  /** Walks every `PREVIEWS_EVERY_MS` while `active()` or something listens; idle otherwise. */
  start(active: () => boolean): void {
    this.stop();
    this.#timer = setInterval(() => {
      if (!this.#walk && (active() || this.#listening())) void this.refresh();
    }, PREVIEWS_EVERY_MS);
    // A timer that only looks must not keep the agent (or a test) alive.
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** A known listener may stop: worth walking for, even with no terminal or session running. */
  #listening(): boolean {
    if (!this.#known) return false;
    for (const id of this.#deps.followed()) if (this.#known.get(id)?.length) return true;
    return false;
  }

  async #run(): Promise<void> {
    this.#walkedAt = this.#now();
    let found: Map<string, Preview[]>;
    try {
      found = await this.#deps.walk();
    } catch (error) {
      this.#deps.log.warn(`Previews not found: ${errorText(error)}`);
      return;
    }
    const before = this.#known ?? new Map<string, Preview[]>();
    this.#known = found;
    for (const id of changedPreviews(before, found, this.#deps.followed()))
      this.#deps.changed(id, found.get(id) ?? []);
  }
}
