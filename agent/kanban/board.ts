import type { AssignedIssue, Board, BoardSession, WorkspaceCard } from '../../shared/board.js';
import type { Preview, Workspace } from '../../shared/domain.js';
import { countSessions } from '../../shared/session-counts.js';

/**
 * deriveBoard — pure. The kanban for one repo, by factory-factory's rules:
 *
 * - Done: the workspace's PR is merged.
 * - Working: provisioning, failed or missing (it needs the agent or you to
 *   get going), or a session is running (starting or in a turn).
 * - Waiting: at least one session, none running (idle, waiting for a
 *   permission, interrupted, crashed, exited): the ball is in your court.
 *   What counts as running is shared/session-counts.ts's, as everywhere.
 * - A ready workspace that never had a session is not shown; archived ones
 *   neither.
 * - GitHub Issues: issues assigned to you that no (unarchived) workspace is
 *   linked to yet — never the same issue twice.
 * - A card carries its workspace's previews, when it has some.
 */
export function deriveBoard(input: {
  project: string;
  workspaces: readonly Workspace[];
  sessions: readonly BoardSession[];
  assignedIssues: readonly AssignedIssue[];
  /** Each workspace's previews as last found (absent: none). */
  previews?: (workspaceId: string) => Preview[] | undefined;
}): Board['columns'] {
  const columns: Board['columns'] = { issues: [], working: [], waiting: [], done: [] };
  const linked = new Set<number>();
  const newestFirst = [...input.workspaces].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  for (const workspace of newestFirst) {
    if (workspace.status === 'archived') continue;
    if (workspace.issue) linked.add(workspace.issue.number);
    const sessions = input.sessions
      .filter((s) => s.workspaceId === workspace.id)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const { total, running, waitingForYou } = countSessions(sessions);
    const focus = sessions.find((s) => s.status === 'waiting-permission') ?? sessions[0];
    const previews = workspace.status === 'ready' ? input.previews?.(workspace.id) : undefined;
    const card: WorkspaceCard = {
      machine: 'local',
      workspace,
      sessions: {
        total,
        running,
        waitingForYou,
        list: sessions.map(({ id, kind, title, status, turns }) => ({ id, kind, title, status, turns })),
      },
      ...(focus ? { focusSessionId: focus.id } : {}),
      ...(previews?.length ? { previews } : {}),
    };
    if (workspace.ratchet.state === 'MERGED') columns.done.push(card);
    else if (['provisioning', 'failed', 'missing'].includes(workspace.status) || running > 0)
      columns.working.push(card);
    else if (sessions.length > 0) columns.waiting.push(card);
  }
  columns.issues = input.assignedIssues.filter((issue) => !linked.has(issue.number));
  return columns;
}
