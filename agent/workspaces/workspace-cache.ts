import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ChangeSummary, DiskUse } from '../../shared/domain.js';
import { errorText } from '../../shared/error-text.js';
import type { Logger } from '../logger.js';
import { writeFileAtomicAsync } from '../store/atomic-file.js';
import type { KnownSummary } from './change-summaries.js';
import type { SavedDiskUse } from './disk-use.js';

/**
 * `<home>/workspace-cache.json`: what ff worked out about each workspace —
 * its change summary with the signature of the files it was read from, its
 * disk use — so a restart starts from it instead of running git ~6 times and
 * walking the worktree of every workspace again. A cache: derived, never
 * the only copy of anything; a missing or damaged file only costs that work.
 */
const CacheFile = z.object({
  version: z.literal(1),
  changes: z.record(z.string(), z.object({ summary: ChangeSummary.nullable(), signature: z.string() })),
  disk: z.record(z.string(), z.object({ value: DiskUse, changed: z.boolean() })),
});

export interface WorkspaceCache {
  changes: Record<string, KnownSummary>;
  disk: Record<string, SavedDiskUse>;
}

/** How long after a change the file is written: a burst of summaries writes it once. */
export const CACHE_WRITE_DELAY_MS = 5_000;

/** The cache as saved, checked; empty when the file is missing, damaged or of another shape (said in the log). */
export function readWorkspaceCache(path: string, log: Logger): WorkspaceCache {
  const empty = { changes: {}, disk: {} };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      log.warn(
        `Could not read ${path}: ${errorText(error)}; workspaces' changes and disk use are worked out again.`,
      );
    return empty;
  }
  try {
    const parsed = CacheFile.safeParse(JSON.parse(text));
    if (parsed.success) return { changes: parsed.data.changes, disk: parsed.data.disk };
    log.warn(`Ignoring ${path}: ${parsed.error.issues[0]?.message}; it is written again.`);
  } catch (error) {
    log.warn(`Ignoring ${path}: not JSON (${errorText(error)}); it is written again.`);
  }
  return empty;
}

/**
 * Writes the cache `CACHE_WRITE_DELAY_MS` after the first change asked for,
 * with what `current` says then, one write at a time; `flush` writes what is
 * pending now (at shutdown). A failed write is logged; the next change tries again.
 */
export class WorkspaceCacheWriter {
  readonly #path: string;
  readonly #current: () => WorkspaceCache;
  readonly #log: Logger;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(path: string, current: () => WorkspaceCache, log: Logger) {
    this.#path = path;
    this.#current = current;
    this.#log = log;
  }

  /** Something changed: write within CACHE_WRITE_DELAY_MS. */
  changed(): void {
    this.#timer ??= setTimeout(() => void this.flush(), CACHE_WRITE_DELAY_MS);
    this.#timer.unref();
  }

  /** Writes now if anything changed since the last write. */
  flush(): Promise<void> {
    if (!this.#timer) return this.#writing;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const text = JSON.stringify({ version: 1, ...this.#current() });
    this.#writing = this.#writing.then(() =>
      writeFileAtomicAsync(this.#path, text, 0o600).catch((error: unknown) =>
        this.#log.warn(`Could not write ${this.#path}: ${errorText(error)}`),
      ),
    );
    return this.#writing;
  }
}
