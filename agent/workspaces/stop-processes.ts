import type { Workspace } from '../../shared/domain.js';
import { AgentError } from '../../shared/protocol.js';
import { type StartedProcesses, stopStartedProcesses } from '../supervisor/started-processes.js';
import type { WorkspaceContext } from './context.js';

/**
 * Stops what the workspace started, before its worktree is snapshotted and
 * removed: each module's archive hook stops its own (sessions, terminals)
 * and names the process groups and sessions they ran in; then whatever is
 * still running in those, or carries the workspace's mark (FF_WORKSPACE_ID,
 * which terminals and setup scripts get, and their background jobs keep),
 * is ended (agent/supervisor/started-processes.ts). Throws, removing
 * nothing, when something will not end.
 */
export async function stopWorkspaceProcesses(
  ctx: Pick<WorkspaceContext, 'records' | 'state' | 'log'>,
  workspace: Workspace,
): Promise<void> {
  // Read before the hooks run: a stopped session's record no longer holds its pid.
  const groups = ctx.state.data.sessions
    .filter((s) => s.workspaceId === workspace.id && s.pid !== undefined)
    .map((s) => s.pid as number);
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
}
