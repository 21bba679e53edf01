import { projectSlug, type Session, type Workspace, type WorkspaceView } from '../../shared/domain.js';
import { summarizeSessions } from '../../shared/session-counts.js';
import type { WorkspaceContext } from './context.js';

export type ViewContext = Pick<WorkspaceContext, 'projects' | 'state' | 'changes' | 'disk' | 'previews'>;

/**
 * A workspace as clients see it: the record, its project's name, its sessions
 * counted, its changes, disk use and previews as last worked out. From memory
 * only: no git, no walk of the worktree or of /proc (change-summaries.ts,
 * disk-use.ts and preview-cache.ts keep those current in the background and
 * publish what changes).
 */
export function viewWorkspace(
  ctx: ViewContext,
  workspace: Workspace,
  sessions: readonly Session[] = ctx.state.data.sessions.filter((s) => s.workspaceId === workspace.id),
): WorkspaceView {
  const project = ctx.projects.get(workspace.projectId);
  // Nothing to measure yet while it is being made (a git process in the way of its making).
  const disk = project && workspace.status !== 'provisioning' ? ctx.disk.peek(workspace) : undefined;
  const previews = workspace.status === 'ready' ? ctx.previews.of(workspace.id) : undefined;
  return {
    ...workspace,
    machine: 'local',
    ...(disk ? { disk } : {}),
    ...(previews ? { previews } : {}),
    project: project ? projectSlug(project) : '(removed project)',
    sessions: summarizeSessions(sessions),
    changes: project && workspace.status === 'ready' ? ctx.changes.get(workspace.id) : null,
  };
}

/** The workspaces of a project (or all), archived ones only when asked, as clients see them. */
export function listWorkspaces(
  ctx: ViewContext,
  filter: { project?: string; includeArchived?: boolean } = {},
): WorkspaceView[] {
  const projectId = filter.project ? ctx.projects.resolve(filter.project).id : undefined;
  const workspaces = ctx.state.data.workspaces.filter(
    (w) => (!projectId || w.projectId === projectId) && (filter.includeArchived || w.status !== 'archived'),
  );
  // Sessions by workspace in one pass: 500 workspaces each filtering every session was quadratic.
  const sessions = new Map<string, Session[]>();
  for (const session of ctx.state.data.sessions) {
    const list = sessions.get(session.workspaceId);
    if (list) list.push(session);
    else sessions.set(session.workspaceId, [session]);
  }
  return workspaces.map((w) => viewWorkspace(ctx, w, sessions.get(w.id) ?? []));
}
