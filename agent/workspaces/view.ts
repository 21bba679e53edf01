import { existsSync } from 'node:fs';
import { projectSlug, type Workspace, type WorkspaceView } from '../../shared/domain.js';
import { summarizeSessions } from '../../shared/session-counts.js';
import type { WorkspaceContext } from './context.js';

export type ViewContext = Pick<WorkspaceContext, 'projects' | 'state' | 'changes' | 'disk'>;

/** A workspace as clients see it: the record, its project's name, its sessions counted, its changes and disk use. */
export async function viewWorkspace(ctx: ViewContext, workspace: Workspace): Promise<WorkspaceView> {
  const project = ctx.projects.get(workspace.projectId);
  const sessions = ctx.state.data.sessions.filter((s) => s.workspaceId === workspace.id);
  let changes: WorkspaceView['changes'] = null;
  if (project && workspace.status === 'ready' && existsSync(workspace.path)) {
    changes = await ctx.changes.get(workspace);
  }
  const disk = project ? ctx.disk.peek(workspace) : undefined;
  return {
    ...workspace,
    machine: 'local',
    ...(disk ? { disk } : {}),
    project: project ? projectSlug(project) : '(removed project)',
    sessions: summarizeSessions(sessions),
    changes,
  };
}

/** The workspaces of a project (or all), archived ones only when asked, as clients see them. */
export async function listWorkspaces(
  ctx: ViewContext,
  filter: { project?: string; includeArchived?: boolean } = {},
): Promise<WorkspaceView[]> {
  const projectId = filter.project ? ctx.projects.resolve(filter.project).id : undefined;
  const workspaces = ctx.state.data.workspaces.filter(
    (w) => (!projectId || w.projectId === projectId) && (filter.includeArchived || w.status !== 'archived'),
  );
  // A first list after start waits a little for disk figures; later ones show the cached ones at once.
  await ctx.disk.settle(workspaces, 1_500);
  return Promise.all(workspaces.map((w) => viewWorkspace(ctx, w)));
}
