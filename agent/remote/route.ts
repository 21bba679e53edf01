/**
 * Pure helpers for routing requests and events between this agent and its
 * remotes: what a topic names, which project a ref means, a remote's views
 * stamped with its name, and one board from several machines'.
 */
import type { z } from 'zod';
import type { Board, WorkspaceCard } from '../../shared/board.js';
import type { Machine } from '../../shared/domain.js';

/** A board as a handler answers it (before its schema fills defaults) or as a remote did. */
export type BoardAnswer = z.input<typeof Board>;

export type ThingKind = 'project' | 'workspace' | 'session' | 'terminal';

/** What a request or topic names that one machine owns. */
export type OwnerRef = { kind: 'machine'; machine: string } | { kind: ThingKind; id: string };

/** The thing a topic is about: `workspace:<id>`, `session:<id>`, `terminal:<id>` — pure. */
export function topicOwnerRef(topic: string): OwnerRef | undefined {
  const match = /^(workspace|session|terminal):(.+)$/.exec(topic);
  return match ? { kind: match[1] as ThingKind, id: match[2]! } : undefined;
}

/** A machine as a remote named it, as it is known here: its own things (`local`) are the remote's — pure. */
export function stampMachine(machine: Machine, remote: string): Machine {
  return machine === 'local' ? remote : machine;
}

/** A project, workspace or session view of a remote, as it is known here — pure. */
export function stampView<T extends { machine: Machine }>(view: T, remote: string): T {
  return view.machine === 'local' ? { ...view, machine: remote } : view;
}

/** A remote's board, its cards carrying the remote's name — pure. */
export function stampBoard(board: Board, remote: string): Board {
  const cards = (list: WorkspaceCard[]) => list.map((card) => stampView(card, remote));
  const { working, waiting, done } = board.columns;
  return {
    ...board,
    columns: { ...board.columns, working: cards(working), waiting: cards(waiting), done: cards(done) },
  };
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
export function mergeBoards(boards: BoardAnswer[]): BoardAnswer {
  const [first] = boards;
  if (!first) throw new Error('mergeBoards needs a board');
  if (boards.length === 1) return first;
  const cards = (column: 'working' | 'waiting' | 'done') =>
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
