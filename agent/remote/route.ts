/**
 * Pure helpers for routing requests and events between this agent and its
 * remotes: what a request names, which things an answer or event holds, and
 * stamping a remote's answers with its name.
 */
import type { Board, WorkspaceCard } from '../../shared/board.js';
import type { MethodName } from '../../shared/protocol.js';

export type ThingKind = 'project' | 'workspace' | 'session' | 'terminal';

/** What a request or topic names that one machine owns. */
export type OwnerRef = { kind: 'machine'; machine: string } | { kind: ThingKind; id: string };

/** The thing a request is about, by its params — pure. Undefined: this agent's own business (or a list). */
export function requestOwnerRef(method: MethodName, params: unknown): OwnerRef | undefined {
  if (typeof params !== 'object' || params === null) return undefined;
  const p = params as Record<string, unknown>;
  if (method === 'project.add')
    return typeof p.machine === 'string' && p.machine !== 'local'
      ? { kind: 'machine', machine: p.machine }
      : undefined;
  if (typeof p.sessionId === 'string') return { kind: 'session', id: p.sessionId };
  if (typeof p.terminalId === 'string') return { kind: 'terminal', id: p.terminalId };
  if (typeof p.workspaceId === 'string') return { kind: 'workspace', id: p.workspaceId };
  if (typeof p.project === 'string') return { kind: 'project', id: p.project };
  return undefined;
}

/** The thing a topic is about: `workspace:<id>`, `session:<id>`, `terminal:<id>` — pure. */
export function topicOwnerRef(topic: string): OwnerRef | undefined {
  const match = /^(workspace|session|terminal):(.+)$/.exec(topic);
  return match ? { kind: match[1] as ThingKind, id: match[2]! } : undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A copy of a remote's answer or event in which everything the remote called
 * `local` (its own things) carries the remote's name instead — pure.
 */
export function stampMachine<T>(value: T, machine: string): T {
  if (Array.isArray(value)) return value.map((item) => stampMachine(item, machine)) as T;
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value))
    out[key] = key === 'machine' && item === 'local' ? machine : stampMachine(item, machine);
  return out as T;
}

export type Things = Record<ThingKind, string[]>;

/**
 * The projects, workspaces, sessions and terminals an answer or event holds,
 * recognised by their shapes — pure. How the relay learns which machine owns
 * an id without asking every remote.
 */
export function thingsIn(value: unknown): Things {
  const found: Things = { project: [], workspace: [], session: [], terminal: [] };
  const walk = (item: unknown, depth: number): void => {
    if (depth > 8) return;
    if (Array.isArray(item)) {
      for (const element of item) walk(element, depth + 1);
      return;
    }
    if (!isObject(item)) return;
    const id = typeof item.id === 'string' ? item.id : undefined;
    if (id) {
      if ('owner' in item && 'repo' in item && 'defaultBranch' in item) found.project.push(id);
      else if ('projectId' in item && 'branch' in item) found.workspace.push(id);
      else if ('shell' in item && 'workspaceId' in item) found.terminal.push(id);
      else if ('workspaceId' in item && 'kind' in item && 'status' in item) found.session.push(id);
    }
    // A board card's sessions name no workspace: they are the card's.
    if (isObject(item.workspace) && isObject(item.sessions) && Array.isArray(item.sessions.list))
      for (const session of item.sessions.list)
        if (isObject(session) && typeof session.id === 'string') found.session.push(session.id);
    for (const [key, child] of Object.entries(item)) {
      // Whatever names a workspace (a session, a terminal, a ratchet decision) is on the same machine.
      if (key === 'workspaceId' && typeof child === 'string') found.workspace.push(child);
      else if (typeof child === 'object') walk(child, depth + 1);
    }
  };
  walk(value, 0);
  return found;
}

/** Whether a project answers to a `project` ref: its id, `owner/repo` or `host/owner/repo` — pure. */
export function projectMatches(
  project: { id: string; host: string; owner: string; repo: string },
  ref: string,
): boolean {
  const wanted = ref.toLowerCase();
  const slug = `${project.owner}/${project.repo}`.toLowerCase();
  return ref === project.id || wanted === slug || wanted === `${project.host.toLowerCase()}/${slug}`;
}

/**
 * One board from the boards several machines keep for the same repo — pure:
 * every machine's cards (each with its machine), and the assigned issues
 * once, without those a workspace on any machine already works on.
 */
export function mergeBoards(boards: Board[]): Board {
  const [first] = boards;
  if (!first) throw new Error('mergeBoards needs a board');
  if (boards.length === 1) return first;
  const cards = (column: 'working' | 'waiting' | 'done'): WorkspaceCard[] =>
    boards
      .flatMap((board) => board.columns[column])
      .sort((a, b) => b.workspace.updatedAt.localeCompare(a.workspace.updatedAt));
  const columns = { working: cards('working'), waiting: cards('waiting'), done: cards('done') };
  const linked = new Set(
    [...columns.working, ...columns.waiting, ...columns.done]
      .map((card) => card.workspace.issue?.number)
      .filter((n) => n !== undefined),
  );
  const seen = new Set<number>();
  const issues = boards
    .flatMap((board) => board.columns.issues)
    .filter((issue) => !linked.has(issue.number) && !seen.has(issue.number) && seen.add(issue.number));
  const withError = boards.find((board) => board.issuesError);
  const fetched = boards
    .map((board) => board.issuesFetchedAt)
    .filter((at): at is string => at !== undefined)
    .sort();
  return {
    project: first.project,
    columns: { issues, ...columns },
    ...(withError?.issuesError ? { issuesError: withError.issuesError } : {}),
    ...(fetched.length ? { issuesFetchedAt: fetched[0]! } : {}),
  };
}
