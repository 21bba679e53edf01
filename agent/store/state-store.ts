import { renameSync } from 'node:fs';
import { Low } from 'lowdb';
import { TextFile } from 'lowdb/node';
import { z } from 'zod';
import { Project, Session, Settings, Workspace } from '../../shared/domain.js';

/**
 * `state.json`: small metadata only (projects, workspaces, sessions,
 * settings). Transcripts live in their own append-only files. Written by
 * lowdb through steno: a temp file renamed over the old one, so a kill -9
 * at any moment leaves either the previous or the next complete file.
 */
export const STATE_VERSION = 1;

export const StateSchema = z.object({
  version: z.literal(STATE_VERSION),
  projects: z.array(Project).default([]),
  workspaces: z.array(Workspace).default([]),
  sessions: z.array(Session).default([]),
  settings: Settings.default(Settings.parse({})),
});
export type State = z.infer<typeof StateSchema>;

export function emptyState(): State {
  return StateSchema.parse({ version: STATE_VERSION });
}

/**
 * Migrations, keyed by the version they upgrade *from*. Each takes the raw
 * JSON of that version and returns the raw JSON of the next. Version 0 is a
 * file without a `version` field.
 */
export const migrations: Record<number, (raw: Record<string, unknown>) => Record<string, unknown>> = {
  0: (raw) => ({ ...raw, version: 1 }),
};

export class StateVersionError extends Error {}

/** Pure: raw JSON of any known version → the current state, or a clear error. */
export function migrateState(raw: unknown, target = STATE_VERSION): State {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new StateVersionError('state.json does not hold a JSON object');
  }
  let current = raw as Record<string, unknown>;
  let version = typeof current.version === 'number' ? current.version : 0;
  if (version > target) {
    throw new StateVersionError(
      `state.json was written by a newer ff-agent (schema v${version}, this one knows v${target}). Upgrade ff-agent.`,
    );
  }
  while (version < target) {
    const step = migrations[version];
    if (!step) throw new StateVersionError(`No migration from state schema v${version}`);
    current = step(current);
    version++;
  }
  const parsed = StateSchema.safeParse(current);
  if (!parsed.success) {
    throw new StateVersionError(
      `state.json does not match schema v${target}: ${parsed.error.issues[0]?.message}`,
    );
  }
  return parsed.data;
}

class StateFileAdapter {
  readonly #file: TextFile;
  readonly #path: string;
  readonly #onWarning: (message: string) => void;

  constructor(path: string, onWarning: (message: string) => void) {
    this.#path = path;
    this.#file = new TextFile(path);
    this.#onWarning = onWarning;
  }

  async read(): Promise<State | null> {
    const text = await this.#file.read();
    if (text === null) return null;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      // Only a hand edit can get here (writes are atomic). Keep the file for the user; start clean.
      const aside = `${this.#path}.unreadable-${Date.now()}`;
      renameSync(this.#path, aside);
      this.#onWarning(`state.json was not valid JSON; moved it to ${aside} and started with empty state.`);
      return null;
    }
    return migrateState(raw);
  }

  write(data: State): Promise<void> {
    return this.#file.write(`${JSON.stringify(data, null, 2)}\n`);
  }
}

export class StateStore {
  readonly #db: Low<State>;
  #lastWrite: Promise<void> = Promise.resolve();
  #scheduled: Promise<void> | undefined;

  private constructor(db: Low<State>) {
    this.#db = db;
  }

  static async open(path: string, onWarning: (message: string) => void = () => {}): Promise<StateStore> {
    const db = new Low<State>(new StateFileAdapter(path, onWarning), emptyState());
    await db.read();
    const store = new StateStore(db);
    await store.#save();
    return store;
  }

  /** Read-only view; change state only through `update`. */
  get data(): Readonly<State> {
    return this.#db.data;
  }

  /**
   * Applies a change now and persists it. Changes made in the same turn of
   * the event loop share one write (one JSON.stringify of the whole state),
   * so a burst of updates costs a few file writes, not one each.
   */
  update(change: (state: State) => void): Promise<void> {
    change(this.#db.data);
    return this.#save();
  }

  /** Resolves when every update so far is on disk. */
  flush(): Promise<void> {
    return this.#lastWrite;
  }

  #save(): Promise<void> {
    this.#scheduled ??= new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        this.#scheduled = undefined;
        this.#db.write().then(resolve, reject);
      });
    });
    const write = this.#scheduled;
    this.#lastWrite = write.catch(() => {});
    return write;
  }
}
