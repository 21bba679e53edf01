import type { SessionStatus, Workspace } from '../../shared/domain.js';
import { AgentError } from '../../shared/protocol.js';
import { type StartedProcesses, stopStartedProcesses } from '../supervisor/started-processes.js';
import type { WorkspaceContext } from './context.js';

/**
 * Stops what the workspace started, before its worktree is snapshotted and
 * removed: each module's archive hook stops its own (sessions, terminals)
 * and names the process groups and sessions they ran in; then whatever is
 * still running in those, or carries the workspace's mark (FF_WORKSPACE_ID,
 * which terminals and setup scripts get, and their background jobs keep),
 * is ended (agent/supervisor/started-processes.ts). Returns whether
 * anything of the workspace's was running (what it wrote must be read
 * again); throws, removing nothing, when something will not end.
 */
export async function stopWorkspaceProcesses(
  ctx: Pick<WorkspaceContext, 'records' | 'state' | 'log'>,
  workspace: Workspace,
): Promise<boolean> {
  // Read before the hooks run: a stopped session's record no longer holds its pid.
  const sessions = ctx.state.data.sessions.filter((s) => s.workspaceId === workspace.id);
  const groups = sessions.filter((s) => s.pid !== undefined).map((s) => s.pid as number);
  const sessionsRan = sessions.some((s) => s.pid !== undefined || LIVE.has(s.status));
  const started: StartedProcesses[] = [{ groups }];
  for (const hook of ctx.records.archiveHooks) {
    const theirs = await hook(workspace);
    if (theirs) started.push(theirs);
  }
  const { stopped, survivors } = await stopStartedProcesses(started, {
    name: 'FF_WORKSPACE_ID',
    value: workspace.id,
  });
  if (stopped.length > 0)
    ctx.log.info(
      `Workspace ${workspace.id}: ended ${stopped.length} process(es) it started (${stopped.join(', ')})`,
    );
  if (survivors.length > 0) {
    throw new AgentError(
      'FAILED_PRECONDITION',
      `Could not end process(es) ${survivors.join(', ')} that workspace ${workspace.id} started; nothing was removed. End them (\`kill -9 ${survivors.join(' ')}\`) and try again.`,
    );
  }
  const hooksStopped = started.some((s) => (s.groups?.length ?? 0) + (s.sessions?.length ?? 0) > 0);
  return sessionsRan || hooksStopped || stopped.length > 0;
}

/** Session states in which its claude may be running (or about to). */
const LIVE = new Set<SessionStatus>(['starting', 'running', 'idle', 'waiting-permission']);
