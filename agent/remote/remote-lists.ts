import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ProjectView, SessionView, type Workspace, WorkspaceView } from '../../shared/domain.js';
import { errorText } from '../../shared/error-text.js';
import { TerminalInfo } from '../../shared/protocol.js';
import type { Logger } from '../logger.js';
import { writeFileAtomic } from '../store/atomic-file.js';
import { projectMatches, type ThingKind } from './route.js';

/** What is known here of one remote's projects, workspaces, sessions and terminals. */
export interface KnownLists {
  readonly projects: readonly ProjectView[];
  readonly workspaces: readonly WorkspaceView[];
  readonly sessions: readonly SessionView[];
  readonly terminals: readonly TerminalInfo[];
}

export const NO_LISTS: KnownLists = { projects: [], workspaces: [], sessions: [], terminals: [] };

/** The project of a remote's list that a ref means: its id, `owner/repo` or `host/owner/repo` — pure. */
export function projectIn(lists: KnownLists, ref: string): ProjectView | undefined {
  return lists.projects.find((project) => projectMatches(project, ref));
}

/**
 * What one answer or event of a remote shows: the things that remote owns,
 * with the views worth keeping for when it is unreachable. Read from the
 * typed answer of each method and the typed event of each topic
 * (method-rules.ts, topic-rules.ts), never guessed from an object's keys.
 */
export interface Found {
  readonly projects?: readonly ProjectView[];
  readonly workspaces?: readonly WorkspaceView[];
  readonly sessions?: readonly SessionView[];
  readonly terminals?: readonly TerminalInfo[];
  /** Things it owns with no view to keep: a board card's sessions, a decision's workspace. */
  readonly ids?: { readonly [K in ThingKind]?: readonly string[] };
  /** A workspace record that changed (a `workspace:<id>` event): merged into the view kept of it. */
  readonly workspaceChanges?: readonly Workspace[];
  /** Projects it no longer has (`project.remove`). */
  readonly removedProjects?: readonly string[];
}

/** Every thing a finding shows its remote owns — pure. */
export function ownedIn(found: Found): Array<{ kind: ThingKind; id: string }> {
  const owned: Array<{ kind: ThingKind; id: string }> = [];
  const add = (kind: ThingKind, ids: readonly string[] | undefined) => {
    for (const id of ids ?? []) owned.push({ kind, id });
  };
  add(
    'project',
    found.projects?.map((p) => p.id),
  );
  add(
    'workspace',
    found.workspaces?.map((w) => w.id),
  );
  add(
    'session',
    found.sessions?.map((s) => s.id),
  );
  add(
    'terminal',
    found.terminals?.map((t) => t.id),
  );
  for (const kind of ['project', 'workspace', 'session', 'terminal'] as const) add(kind, found.ids?.[kind]);
  return owned;
}

/** Views by id, each with the moment it was learned; the array is built again only after a change. */
class Entries<T extends { id: string }> {
  readonly #byId = new Map<string, { view: T; learned: number }>();
  #list: T[] | undefined;

  get list(): T[] {
    this.#list ??= [...this.#byId.values()].map((entry) => entry.view);
    return this.#list;
  }

  get(id: string): T | undefined {
    return this.#byId.get(id)?.view;
  }

  set(view: T, learned: number): void {
    this.#byId.set(view.id, { view, learned });
    this.#list = undefined;
  }

  delete(id: string): void {
    if (this.#byId.delete(id)) this.#list = undefined;
  }

  /** The fresh list, and what was learned after `since` that it lacks (it was asked for before that). */
  replace(fresh: readonly T[], since: number, now: number): void {
    const newer = [...this.#byId.values()].filter((entry) => entry.learned > since);
    this.#byId.clear();
    for (const view of fresh) this.#byId.set(view.id, { view, learned: now });
    for (const entry of newer) this.#byId.set(entry.view.id, entry);
    this.#list = undefined;
  }
}

/**
 * One remote's last known lists, for routing by project and for answering
 * reads while it is unreachable or slow. Each view remembers when it was learned: a
 * full refresh asked for before a create was answered must not drop what
 * the create added (the first moment after `project add --host`).
 */
export class RemoteLists implements KnownLists {
  #clock = 0;
  readonly #projects = new Entries<ProjectView>();
  readonly #workspaces = new Entries<WorkspaceView>();
  readonly #sessions = new Entries<SessionView>();
  readonly #terminals = new Entries<TerminalInfo>();

  constructor(initial: KnownLists = NO_LISTS) {
    this.replace(initial, 0);
  }

  get projects(): readonly ProjectView[] {
    return this.#projects.list;
  }
  get workspaces(): readonly WorkspaceView[] {
    return this.#workspaces.list;
  }
  get sessions(): readonly SessionView[] {
    return this.#sessions.list;
  }
  get terminals(): readonly TerminalInfo[] {
    return this.#terminals.list;
  }

  /** Now, in learning order: pass it to `replace` as when the fresh lists were asked for. */
  get version(): number {
    return this.#clock;
  }

  keep(found: Found): void {
    const now = ++this.#clock;
    for (const project of found.projects ?? []) this.#projects.set(project, now);
    for (const workspace of found.workspaces ?? []) this.#workspaces.set(workspace, now);
    for (const session of found.sessions ?? []) this.#sessions.set(session, now);
    for (const terminal of found.terminals ?? []) this.#terminals.set(terminal, now);
    for (const changed of found.workspaceChanges ?? []) {
      const kept = this.#workspaces.get(changed.id);
      if (kept) this.#workspaces.set({ ...kept, ...changed }, now);
    }
    for (const id of found.removedProjects ?? []) this.#projects.delete(id);
  }

  /** The remote's whole lists, asked for at `since` (a `version`). */
  replace(fresh: KnownLists, since: number): void {
    const now = ++this.#clock;
    this.#projects.replace(fresh.projects, since, now);
    this.#workspaces.replace(fresh.workspaces, since, now);
    this.#sessions.replace(fresh.sessions, since, now);
    this.#terminals.replace(fresh.terminals, since, now);
  }

  toJSON(): KnownLists {
    return {
      projects: this.projects,
      workspaces: this.workspaces,
      sessions: this.sessions,
      terminals: this.terminals,
    };
  }
}

/** `<home>/remotes-cache/<name>.json`: a remote's last known lists, so a restart here still shows them while it is down. */
const CachedLists = z.lazy(() =>
  z.object({
    projects: z.array(ProjectView),
    workspaces: z.array(WorkspaceView),
    sessions: z.array(SessionView),
    // Kept since ff answers terminal lists from them too: a file from before has none.
    terminals: z.array(TerminalInfo).default([]),
  }),
);

/** The lists kept on disk for a remote, checked; none when the file is missing, damaged or of another shape (said in the log). */
export function readCachedLists(path: string, log: Logger): KnownLists | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      log.warn(`Could not read the last known lists in ${path}: ${errorText(error)}`);
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    log.warn(`Ignoring the last known lists in ${path}: not JSON (${errorText(error)})`);
    return undefined;
  }
  const parsed = CachedLists.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  log.warn(`Ignoring the last known lists in ${path}: ${issue?.path.join('.')} ${issue?.message}`);
  return undefined;
}

/** Keeps a remote's lists on disk (0600); a failure is logged, the lists stay in memory. */
export function writeCachedLists(path: string, lists: KnownLists, log: Logger): void {
  try {
    writeFileAtomic(path, JSON.stringify(lists), 0o600);
  } catch (error) {
    log.warn(`Could not keep the last known lists in ${path}: ${errorText(error)}`);
  }
}
