import type { WorkspaceView } from '../../shared/domain.js';

/** The state a workspace shows as a chip in the popup, on the Start button and on its page — pure. */
export function workspaceChip(workspace: WorkspaceView): { label: string; tone: string } {
  if (workspace.ratchet.state === 'MERGED') return { label: 'Done', tone: 'done' };
  switch (workspace.status) {
    case 'provisioning':
      // A session started while setup runs (a project's sessionDuringSetup) can ask for permission already.
      if (workspace.sessions.waitingForYou > 0) return { label: 'Needs you', tone: 'waiting' };
      return { label: `Setting up${workspace.step ? `: ${workspace.step}` : ''}`, tone: 'working' };
    case 'failed':
      return { label: 'Setup failed', tone: 'bad' };
    case 'missing':
      return { label: 'Worktree missing', tone: 'bad' };
    case 'archived':
      return { label: 'Archived', tone: '' };
    default:
      if (workspace.sessions.waitingForYou > 0) return { label: 'Needs you', tone: 'waiting' };
      if (workspace.sessions.running > 0) return { label: 'Working', tone: 'working' };
      if (workspace.sessions.total > 0) return { label: 'Waiting', tone: 'waiting' };
      return { label: 'Ready', tone: 'good' };
  }
}
