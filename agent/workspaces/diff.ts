import { existsSync } from 'node:fs';
import { AgentError } from '../../shared/protocol.js';
import { baseRefFor, type WorktreeDiff, worktreeDiff } from '../git/worktree.js';
import type { WorkspaceContext } from './context.js';

const DEFAULT_DIFF_BYTES = 1024 * 1024;

/** A ready workspace's worktree (commits, staged, unstaged, untracked) against its base, at most `maxBytes`. */
export async function diffWorkspace(
  ctx: Pick<WorkspaceContext, 'records'>,
  id: string,
  maxBytes = DEFAULT_DIFF_BYTES,
): Promise<WorktreeDiff> {
  const workspace = ctx.records.find(id);
  if (workspace.status !== 'ready' || !existsSync(workspace.path)) {
    throw new AgentError(
      'FAILED_PRECONDITION',
      `Workspace ${id} is ${workspace.status}; there is no worktree to diff.`,
    );
  }
  const project = ctx.records.projectOf(workspace);
  return worktreeDiff(workspace.path, await baseRefFor(project.path, workspace.baseBranch), maxBytes);
}
