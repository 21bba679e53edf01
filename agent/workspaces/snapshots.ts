import { existsSync } from 'node:fs';
import type { WorkspaceSnapshot } from '../../shared/domain.js';
import { AgentError } from '../../shared/protocol.js';
import { readSnapshot, snapshotRefsOf } from '../git/snapshot-refs.js';
import type { WorkspaceContext } from './context.js';

/**
 * `workspace snapshots <id>`: every snapshot of a workspace, newest first —
 * one ref each, never overwritten, read from git itself (so one ff took
 * before the record knew of it, or before one ref per snapshot, is listed too).
 * `restore` takes the newest unless told which.
 */
export async function listWorkspaceSnapshots(
  ctx: Pick<WorkspaceContext, 'records'>,
  id: string,
): Promise<WorkspaceSnapshot[]> {
  const workspace = ctx.records.find(id);
  const project = ctx.records.projectOf(workspace);
  if (!existsSync(project.path))
    throw new AgentError('FAILED_PRECONDITION', `The clone ${project.path} of workspace ${id} is gone.`);
  const refs = await snapshotRefsOf(project.path, id);
  const snapshots: WorkspaceSnapshot[] = [];
  for (const ref of refs.reverse()) snapshots.push(await readSnapshot(project.path, ref));
  return snapshots;
}
