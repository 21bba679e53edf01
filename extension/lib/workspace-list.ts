/**
 * The popup's workspace list — pure: kept current from the board topic,
 * grouped by repo (the current tab's first), filtered by what the user
 * types, with "needs you" and "new" markers.
 */
import type { Board } from '../../shared/board.js';
import type { WorkspaceView } from '../../shared/domain.js';
import type { RemoteView } from '../../shared/protocol.js';
import { countSessions } from '../../shared/session-counts.js';
import { groupByMachine, LOCAL, machineOf } from './machines.js';

/**
 * The list after a board push: each card's state (and previews) copied into its workspace.
 * `reload` when the board names a workspace the list lacks, or lacks one that
 * had sessions (archived): then only a fresh `workspace.list` is right. A
 * board is one machine's (`machine`, when the push says): the same repo's
 * workspaces on another machine are not its to drop.
 */
export function applyBoard(
  list: readonly WorkspaceView[],
  board: Board,
  machine?: string,
): { list: WorkspaceView[]; reload: boolean } {
  const cards = new Map(
    [...board.columns.working, ...board.columns.waiting, ...board.columns.done].map((c) => [
      c.workspace.id,
      c,
    ]),
  );
  const known = new Set(list.map((w) => w.id));
  const reload =
    [...cards.keys()].some((id) => !known.has(id)) ||
    list.some(
      (w) =>
        w.project === board.project &&
        (machine === undefined || machineOf(w) === machine) &&
        !cards.has(w.id) &&
        w.sessions.total > 0,
    );
  return {
    reload,
    list: list.map((w) => {
      const card = cards.get(w.id);
      if (!card) return w;
      return {
        ...w,
        ...card.workspace,
        project: w.project,
        // The card lists every session of the workspace: counted as workspace.list counts them (its cost stays).
        sessions: { ...w.sessions, ...countSessions(card.sessions.list) },
        // A card without previews has none (once any are known): a stopped app's Open link goes.
        ...(card.previews || w.previews ? { previews: card.previews ?? [] } : {}),
      };
    }),
  };
}

export interface WorkspaceGroup {
  project: string;
  workspaces: WorkspaceView[];
}

/** What a filter looks at: "#12" or "12" finds issue 12; words find title, branch or repo. */
function matches(w: WorkspaceView, filter: string): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  const haystack = [
    w.issue ? `#${w.issue.number} ${w.issue.title}` : '',
    w.branch,
    w.project,
    w.pr ? `#${w.pr.number}` : '',
  ]
    .join(' ')
    .toLowerCase();
  return words.every((word) => {
    const number = /^#?(\d+)$/.exec(word)?.[1];
    return number ? new RegExp(`#${number}(?!\\d)`).test(haystack) : haystack.includes(word);
  });
}

/** Groups by repo: the current tab's repo first, then the repo with the most recent activity; newest first within. */
export function groupWorkspaces(
  list: readonly WorkspaceView[],
  options: { currentRepo?: string | undefined; filter?: string },
): WorkspaceGroup[] {
  const groups = new Map<string, WorkspaceView[]>();
  const newestFirst = list
    .filter((w) => w.status !== 'archived' && matches(w, options.filter ?? ''))
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  for (const w of newestFirst) groups.set(w.project, [...(groups.get(w.project) ?? []), w]);
  return [...groups]
    .map(([project, workspaces]) => ({ project, workspaces }))
    .sort((a, b) => Number(b.project === options.currentRepo) - Number(a.project === options.currentRepo));
}

/**
 * A fresh `workspace.list`, with the last known workspaces of each remote
 * that is out of reach now and that the answer left out (an agent cannot
 * list what it cannot reach): they stay on screen, shown as unreachable,
 * with their cached chats. A remote the agent no longer has loses them.
 */
export function keepUnreachable(
  previous: readonly WorkspaceView[],
  fresh: readonly WorkspaceView[],
  remotes: readonly RemoteView[],
): WorkspaceView[] {
  const answered = new Set(fresh.map((w) => machineOf(w)));
  const away = new Set(remotes.filter((r) => r.state !== 'connected').map((r) => r.name));
  const kept = previous.filter((w) => {
    const machine = machineOf(w);
    return machine !== LOCAL && away.has(machine) && !answered.has(machine);
  });
  return [...fresh, ...kept];
}

export interface MachineGroup {
  machine: string;
  /** Its workspaces by repo, as `groupWorkspaces` orders them. */
  groups: WorkspaceGroup[];
}

/** By machine (this computer first, then remotes by name), then by repo within each as `groupWorkspaces` does. */
export function groupByMachineAndRepo(
  list: readonly WorkspaceView[],
  options: { currentRepo?: string | undefined; filter?: string },
): MachineGroup[] {
  return groupByMachine(list)
    .map(({ machine, items }) => ({ machine, groups: groupWorkspaces(items, options) }))
    .filter((group) => group.groups.length > 0);
}

/** Turns seen per workspace, so a reply that came while the user looked elsewhere shows as new. */
export type SeenTurns = Record<string, number>;

/** The stored seen-turns map, whatever storage holds: only workspace ids with a turn count. */
export function seenTurnsFrom(stored: unknown): SeenTurns {
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return {};
  return Object.fromEntries(
    Object.entries(stored).filter(
      (entry): entry is [string, number] => Number.isInteger(entry[1]) && (entry[1] as number) >= 0,
    ),
  );
}

export const hasNews = (w: WorkspaceView, seen: SeenTurns, selected?: string) =>
  w.id !== selected && seen[w.id] !== undefined && w.sessions.turns > seen[w.id]!;

/** Workspaces seen for the first time count as read; the selected one is read as it changes. */
export function markSeen(list: readonly WorkspaceView[], seen: SeenTurns, selected?: string): SeenTurns {
  const next = { ...seen };
  for (const w of list) if (next[w.id] === undefined || w.id === selected) next[w.id] = w.sessions.turns;
  return next;
}

/**
 * How far a scrolled list must move so a row is wholly in view (positive: down; 0 when it is) —
 * pure. A row taller than the list shows its top.
 */
export function scrollToShow(
  list: { top: number; bottom: number },
  row: { top: number; bottom: number },
): number {
  if (row.top < list.top || row.bottom - row.top > list.bottom - list.top) return row.top - list.top;
  if (row.bottom > list.bottom) return row.bottom - list.bottom;
  return 0;
}
