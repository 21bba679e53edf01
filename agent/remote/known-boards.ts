/**
 * A remote's boards as its last known lists show them — pure: the remote's
 * own derivation (agent/kanban/board.ts) over the workspaces and sessions
 * kept here, each card carrying the machine its workspace is on. What a
 * slow or unreachable remote's board shows, and which boards a late answer
 * changed (published then, so open pages update). Assigned issues come from
 * the remote's GitHub connection: none are known here.
 */
import type { Board, WorkspaceCard } from '../../shared/board.js';
import { projectSlug, type Workspace, type WorkspaceView } from '../../shared/domain.js';
import type { BoardEvent } from '../../shared/protocol.js';
import { deriveBoard } from '../kanban/board.js';
import { type KnownLists, projectIn } from './remote-lists.js';

/** A workspace view without what only the view adds: the record a board card and a `workspace:<id>` event carry. */
export function recordOf(view: WorkspaceView): Workspace {
  const {
    machine: _machine,
    project: _project,
    sessions: _sessions,
    changes: _changes,
    disk: _disk,
    ...record
  } = view;
  return record;
}

/** One project's board from the last known lists (its id, `owner/repo` or `host/owner/repo`). */
export function knownBoard(lists: KnownLists, projectRef: string): Board | undefined {
  const project = projectIn(lists, projectRef);
  if (!project) return undefined;
  const slug = projectSlug(project);
  const views = lists.workspaces.filter((w) => w.projectId === project.id);
  const ids = new Set(views.map((w) => w.id));
  const machineOf = new Map(views.map((w) => [w.id, w.machine]));
  const columns = deriveBoard({
    project: slug,
    workspaces: views.map(recordOf),
    sessions: lists.sessions.filter((s) => ids.has(s.workspaceId)),
    assignedIssues: [],
  });
  const onMachine = (cards: WorkspaceCard[]) =>
    cards.map((card) => ({ ...card, machine: machineOf.get(card.workspace.id) ?? card.machine }));
  return {
    project: slug,
    columns: {
      ...columns,
      working: onMachine(columns.working),
      waiting: onMachine(columns.waiting),
      done: onMachine(columns.done),
    },
  };
}

/** Every project's board from the last known lists, as the `board` topic carries them. */
export function knownBoards(lists: KnownLists): BoardEvent[] {
  return lists.projects.flatMap((project) => {
    const board = knownBoard(lists, project.id);
    return board
      ? [
          {
            kind: 'board' as const,
            project: board.project,
            host: project.host,
            machine: project.machine,
            board,
          },
        ]
      : [];
  });
}

/** The boards of `after` that differ from (or are missing in) `before`: what an answer changed. */
export function changedBoards(before: readonly BoardEvent[], after: readonly BoardEvent[]): BoardEvent[] {
  const key = (event: BoardEvent) => `${event.machine}|${event.host}|${event.project}`;
  const was = new Map(before.map((event) => [key(event), JSON.stringify(event.board)]));
  return after.filter((event) => was.get(key(event)) !== JSON.stringify(event.board));
}

/** The workspace records of `after` that differ from (or are missing in) `before`. */
export function changedRecords(
  before: readonly WorkspaceView[],
  after: readonly WorkspaceView[],
): Workspace[] {
  const was = new Map(before.map((view) => [view.id, JSON.stringify(recordOf(view))]));
  return after.map(recordOf).filter((record) => was.get(record.id) !== JSON.stringify(record));
}
