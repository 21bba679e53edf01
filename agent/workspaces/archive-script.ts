import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Workspace } from '../../shared/domain.js';
import type { WorkspaceContext } from './context.js';
import { readProjectScripts } from './project-scripts.js';
import { runSetupScript } from './setup-script.js';
import { workspaceEnv } from './workspace-env.js';

/** How long an archive script may run before it is ended and archiving goes on. */
const ARCHIVE_SCRIPT_TIMEOUT_MS = 5 * 60_000;

/**
 * The project's archive script (ff's setting, else the repo's conductor
 * archive, superset teardown or codex cleanup), run in the worktree before anything of it is stopped
 * or removed, its output in the workspace's log. One that fails leaves a
 * warning and does not stop the archive: the user asked to put it away.
 * Returns whether it ran (what it wrote must be read again).
 */
export async function runArchiveScript(
  ctx: Pick<WorkspaceContext, 'records' | 'log' | 'paths'>,
  workspace: Workspace,
): Promise<boolean> {
  if (!existsSync(workspace.path)) return false;
  const project = ctx.records.projectOf(workspace);
  const script = (await readProjectScripts(project, workspace.path)).archive;
  if (!script) return false;
  const logFile = join(ctx.paths.logs, 'workspaces', `${workspace.id}.log`);
  mkdirSync(dirname(logFile), { recursive: true });
  appendFileSync(logFile, `--- archive script from ${script.source} (${new Date().toISOString()})\n`);
  const result = await runSetupScript(
    script.command,
    workspace.path,
    workspaceEnv(project, workspace),
    (_stream, text) => appendFileSync(logFile, text),
    ARCHIVE_SCRIPT_TIMEOUT_MS,
  );
  if (result.exitCode === 0 && !result.timedOut) return true;
  const how = result.timedOut ? 'ran too long and was ended' : `exited with code ${result.exitCode}`;
  ctx.log.warn(`Workspace ${workspace.id}: its archive script ${how}`);
  await ctx.records.warn(
    workspace.id,
    `The archive script (from ${script.source}) ${how}; archived anyway. Its output is in the workspace log.`,
  );
  return true;
}
