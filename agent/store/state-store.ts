import { lstatSync, readFileSync, renameSync } from 'node:fs';
import { resolve } from 'node:path';
import { Low } from 'lowdb';
import { removeUnfinishedWrites, writeFileAtomic, writeFileAtomicAsync } from './atomic-file.js';
import { describeFsError, fileAccess, HomeAccessError } from './fs-errors.js';
import { shellWord } from './home.js';
import {
  describeBackup,
  GENERATION_INTERVAL_MS,
  generationFiles,
  goodBackups,
  type StateBackup,
  tightenBackups,
  writeGeneration,
} from './state-backups.js';
import { emptyState, readStateText, type State, StateVersionError } from './state-schema.js';

export {
  emptyState,
  migrateState,
  migrations,
  readStateText,
  STATE_VERSION,
  type State,
  StateSchema,
  StateVersionError,
} from './state-schema.js';

/**
 * `state.json`: small metadata only (projects, workspaces, sessions,
 * settings). Transcripts live in their own append-only files. Written
 * atomically (a temp file renamed over the old one, mode 0600), so a kill -9
 * at any moment leaves either the previous or the next complete file; good
 * generations are kept in `state-backups/`. A file that cannot be used
 * stops the agent with the backup to use — never a silent empty start.
 */

/** state.json cannot be used (damaged, or missing while backups exist): the agent refuses to start. */
export class StateDamagedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateDamagedError';
  }
}

export interface OpenStateOptions {
  /** Where generations are kept (`<home>/state-backups`). */
  backupsDir: string;
  /** `--restore-state <backup>`: validate it, keep the current file aside, start from it. */
  restoreFrom?: string;
  /** How the user runs ff-agent, for the commands in messages (e.g. `ff-agent --home /x`). */
  command?: string;
  onInfo?: (message: string) => void;
  onWarning?: (message: string) => void;
  /** Time between generations while the agent runs. */
  generationIntervalMs?: number;
}

/** Pure: the refusal for a state file that cannot be used, with the backup to restore and how. */
export function damagedStateMessage(input: {
  file: string;
  reason: string;
  backup: StateBackup | undefined;
  backupsDir: string;
  /** Generation files exist, whether or not any is good. */
  anyBackups: boolean;
  command: string;
}): string {
  const { file, reason, backup, backupsDir, command } = input;
  const lines = [`ff-agent did not start: ${file} cannot be used: ${reason}. Nothing was changed.`];
  if (backup) {
    lines.push(
      `The newest good backup is ${backup.path} (${describeBackup(backup)}).`,
      `To start from it (the current file is kept beside it): ${command} serve --restore-state ${shellWord(backup.path)}`,
    );
  } else if (input.anyBackups) {
    lines.push(
      `No backup in ${backupsDir} is readable either. To start with empty state, move that folder and ${file} away (keep them: they may be repairable by hand).`,
    );
  } else {
    lines.push(
      `There is no backup of it yet. To start with empty state, move it away (keep it: it may be repairable by hand): mv ${shellWord(file)} ${shellWord(`${file}.damaged`)}`,
    );
  }
  return lines.join('\n');
}

function stamp(now = new Date()): string {
  return now.toISOString().replace(/[:.]/g, '-');
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * One file writer: writes run one at a time, and a write asked for while
 * one runs waits and carries only the newest text (each text is the whole
 * state, so the newest includes every earlier change).
 */
class StateFileWriter {
  readonly #path: string;
  #next: { text: string; waiters: Array<{ resolve: () => void; reject: (e: Error) => void }> } | undefined;
  #busy = false;

  constructor(path: string) {
    this.#path = path;
  }

  write(text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#next) {
        this.#next.text = text;
        this.#next.waiters.push({ resolve, reject });
      } else this.#next = { text, waiters: [{ resolve, reject }] };
      if (!this.#busy) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#busy = true;
    while (this.#next) {
      const batch = this.#next;
      this.#next = undefined;
      try {
        await writeFileAtomicAsync(this.#path, batch.text, 0o600);
        for (const waiter of batch.waiters) waiter.resolve();
      } catch (error) {
        const failure = new HomeAccessError(
          describeFsError(error, this.#path, 'write'),
          (error as NodeJS.ErrnoException).code,
        );
        for (const waiter of batch.waiters) waiter.reject(failure);
      }
    }
    this.#busy = false;
  }
}

class StateFileAdapter {
  readonly #path: string;
  readonly #options: OpenStateOptions;
  readonly #writer: StateFileWriter;
  #lastGenerationAt = 0;
  /** The text this agent last wrote to the file. */
  #written: string | undefined;
  /** Written to the file, not yet kept as a generation. */
  #unsaved: string | undefined;
  #trailing: ReturnType<typeof setTimeout> | undefined;

  constructor(path: string, options: OpenStateOptions) {
    this.#path = path;
    this.#options = options;
    this.#writer = new StateFileWriter(path);
  }

  async read(): Promise<State | null> {
    const { backupsDir } = this.#options;
    if (!exists(this.#path)) {
      // A missing file beside existing backups is a lost file, not a first start.
      if (generationFiles(backupsDir).length > 0) this.#refuse('it is missing, but backups of it exist');
      return null;
    }
    if (lstatSync(this.#path).isDirectory()) {
      const backup = goodBackups(backupsDir)[0];
      throw new HomeAccessError(
        `${this.#path} is a folder, but ff keeps its state in a file there: move the folder away and start again${backup ? `, or start from the newest backup (this moves the folder aside for you): ${this.#command} serve --restore-state ${shellWord(backup.path)}` : ''}.`,
        'EISDIR',
      );
    }
    const text = fileAccess(this.#path, 'read', () => readFileSync(this.#path, 'utf8'));
    const reading = readStateText(text);
    if (!reading.ok) {
      if (reading.newer) throw new StateVersionError(reading.reason);
      this.#refuse(reading.reason);
    }
    fileAccess(backupsDir, 'write', () => writeGeneration(backupsDir, text));
    this.#lastGenerationAt = Date.now();
    tightenBackups(backupsDir);
    return reading.state;
  }

  /**
   * Writes state.json, and a backup generation at most once an interval: at once when the last
   * one is older (the leading edge), else when the interval ends (the trailing edge), with the
   * newest state then. So the newest backup is never more than an interval behind the file.
   */
  async write(data: State): Promise<void> {
    const text = `${JSON.stringify(data, null, 2)}\n`;
    // An update that changed nothing (start-up's reconciles, usually) would write what is on disk already.
    if (text === this.#written) return;
    await this.#writer.write(text);
    this.#written = text;
    this.#unsaved = text;
    const interval = this.#options.generationIntervalMs ?? GENERATION_INTERVAL_MS;
    const wait = this.#lastGenerationAt + interval - Date.now();
    if (wait <= 0) {
      this.saveGeneration();
      return;
    }
    // Unref'd: a pending backup never keeps a stopping agent alive (close() writes it instead).
    this.#trailing ??= setTimeout(() => {
      this.#trailing = undefined;
      this.saveGeneration();
    }, wait).unref();
  }

  /** Saves the newest written state as a generation now, if no generation holds it yet (and stops the timer). */
  saveGeneration(): void {
    if (this.#trailing) clearTimeout(this.#trailing);
    this.#trailing = undefined;
    const text = this.#unsaved;
    if (text === undefined) return;
    this.#unsaved = undefined;
    this.#lastGenerationAt = Date.now();
    // Only a state that validates becomes a generation; a bad one is reported, and state.json still written.
    if (!readStateText(text).ok) {
      this.#options.onWarning?.('The state in memory does not validate; no backup generation written.');
      return;
    }
    try {
      writeGeneration(this.#options.backupsDir, text);
    } catch (error) {
      this.#options.onWarning?.(describeFsError(error, this.#options.backupsDir, 'write'));
    }
  }

  get #command(): string {
    return this.#options.command ?? 'ff-agent';
  }

  #refuse(reason: string): never {
    const { backupsDir } = this.#options;
    throw new StateDamagedError(
      damagedStateMessage({
        file: this.#path,
        reason,
        backup: goodBackups(backupsDir)[0],
        backupsDir,
        anyBackups: generationFiles(backupsDir).length > 0,
        command: this.#command,
      }),
    );
  }
}

/**
 * `--restore-state`: the backup must parse and validate; the file it
 * replaces (damaged or not, even a folder) is renamed aside, never deleted.
 */
function restoreState(path: string, from: string, options: OpenStateOptions): void {
  const source = resolve(from);
  const text = fileAccess(source, 'read', () => readFileSync(source, 'utf8'));
  const reading = readStateText(text);
  if (!reading.ok) {
    throw new StateDamagedError(
      `Cannot restore from ${source}: ${reading.reason}. Nothing was changed. Pick another backup from ${options.backupsDir}.`,
    );
  }
  if (exists(path)) {
    let current: 'damaged' | 'replaced' = 'damaged';
    try {
      current = readStateText(readFileSync(path, 'utf8')).ok ? 'replaced' : 'damaged';
    } catch {
      // unreadable or a folder: damaged
    }
    const aside = `${path}.${current}-${stamp()}`;
    fileAccess(path, 'write', () => renameSync(path, aside));
    options.onWarning?.(`Kept the previous state file as ${aside}.`);
  }
  fileAccess(path, 'write', () =>
    writeFileAtomic(path, `${JSON.stringify(reading.state, null, 2)}\n`, 0o600),
  );
  options.onInfo?.(`Restored state from ${source}.`);
}

export class StateStore {
  readonly #db: Low<State>;
  readonly #adapter: StateFileAdapter;
  #lastWrite: Promise<void> = Promise.resolve();
  #scheduled: Promise<void> | undefined;

  private constructor(db: Low<State>, adapter: StateFileAdapter) {
    this.#db = db;
    this.#adapter = adapter;
  }

  static async open(path: string, options: OpenStateOptions): Promise<StateStore> {
    if (options.restoreFrom) restoreState(path, options.restoreFrom, options);
    // The caller holds the home's instance lock: no other process writes this file now.
    const unfinished = removeUnfinishedWrites(path);
    if (unfinished > 0)
      options.onInfo?.(`Removed ${unfinished} unfinished write(s) of ${path} left by a stopped agent.`);
    const adapter = new StateFileAdapter(path, options);
    const db = new Low<State>(adapter, emptyState());
    await db.read();
    const store = new StateStore(db, adapter);
    // The first write proves the home is writable now, not at the first change, and makes the file 0600.
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

  /** At shutdown: every update on disk, and the newest state kept as a backup generation. */
  async close(): Promise<void> {
    await this.flush();
    this.#adapter.saveGeneration();
  }

  #save(): Promise<void> {
    this.#scheduled ??= new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        this.#scheduled = undefined;
        this.#db.write().then(resolve, reject);
      });
    });
    const write = this.#scheduled;
    // The caller of this save gets `write` and its error; flush() only waits for it to settle.
    this.#lastWrite = write.catch(() => {});
    return write;
  }
}

export interface StateInspection {
  /** Why state.json cannot be used, as the agent would say it; undefined when it can. */
  problem?: string;
  counts?: { projects: number; workspaces: number; sessions: number };
  /** Good backups, newest first. */
  backups: StateBackup[];
}

/** Reads state.json and its backups without changing anything (for `doctor`). */
export function inspectState(path: string, backupsDir: string): StateInspection {
  const backups = goodBackups(backupsDir);
  if (!exists(path)) {
    return generationFiles(backupsDir).length > 0
      ? { problem: `${path} is missing, but backups of it exist`, backups }
      : { counts: { projects: 0, workspaces: 0, sessions: 0 }, backups };
  }
  let text: string;
  try {
    if (lstatSync(path).isDirectory()) return { problem: `${path} is a folder, not a file`, backups };
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { problem: describeFsError(error, path, 'read'), backups };
  }
  const reading = readStateText(text);
  if (!reading.ok) return { problem: reading.newer ? reading.reason : `${path}: ${reading.reason}`, backups };
  const { projects, workspaces, sessions } = reading.state;
  return {
    counts: { projects: projects.length, workspaces: workspaces.length, sessions: sessions.length },
    backups,
  };
}
