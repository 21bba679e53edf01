import { appendFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Project, ProvisionStep, Workspace } from '../../shared/domain.js';
import { AgentError } from '../../shared/protocol.js';
import { setBranchConfig } from '../git/branches.js';
import { GitError } from '../git/git.js';
import { addWorktree, baseRefFor, fetchRefspec, pruneWorktrees, refExists } from '../git/worktree.js';
import { adoptedBranchConfig, adoptedFetchRefspec } from './adopt.js';
import type { WorkspaceContext } from './context.js';
import { startFirstSession } from './first-session.js';
import { type NewWorkspaceFields, newWorkspaceRecord } from './new-workspace.js';
import { readProjectScripts } from './project-scripts.js';
import { provisionFailure, StepFailure, setupFailure } from './provision-failure.js';
import { sandboxedSetup, setupIsSandboxed } from './setup-sandbox.js';
import { runSetupScript } from './setup-script.js';
import { workspaceEnv } from './workspace-env.js';
import { copyIncludedFiles, WORKTREE_INCLUDE } from './worktree-include.js';

/**
 * Provisioning: a new workspace's worktree made in steps (fetching →
 * creating worktree → running setup), each step on the record and on
 * `workspace:<id>` as it starts, its output in `logs/workspaces/<id>.log`.
 * A failure names its step and can be retried; finished steps are skipped.
 */

export type ProvisionContext = Pick<
  WorkspaceContext,
  'records' | 'log' | 'paths' | 'repoLock' | 'fetches' | 'provisioning' | 'prompts' | 'ports' | 'projects'
>;

/** Provisioning runs in flight, by workspace. */
export class ProvisioningRuns {
  readonly #runs = new Map<string, Promise<void>>();
  readonly #started = new Map<string, number>();

  start(id: string, run: () => Promise<void>): void {
    const running = run().finally(() => {
      this.#runs.delete(id);
      this.#started.delete(id);
    });
    this.#runs.set(id, running);
    this.#started.set(id, performance.now());
  }

  /** Whether a run started in the last `ms` is still going (background work gives way to it). */
  startedWithin(ms: number): boolean {
    const since = performance.now() - ms;
    for (const started of this.#started.values()) if (started >= since) return true;
    return false;
  }

  /**
   * Shutdown: give provisioning in flight a few seconds to finish (a git
   * command cut off halfway leaves a half-made worktree). What is still
   * running after that is marked failed on the next start and can be retried.
   */
  async drain(graceMs = 5_000): Promise<void> {
    await Promise.race([
      Promise.all(this.#runs.values()),
      new Promise((resolve) => setTimeout(resolve, graceMs).unref()),
    ]);
  }
}

/**
 * Records a new workspace, publishes it and starts provisioning it; resolves
 * once the record is on disk. Provisioning starts in the same turn, so when
 * origin/<base> was fetched moments ago its next step ("creating worktree")
 * shares the record's write: one write before git runs, not two in a row.
 * git still runs only after a write that names its step.
 */
export async function recordAndProvision(
  ctx: ProvisionContext,
  fields: NewWorkspaceFields,
  logLine: string,
): Promise<Workspace> {
  const { workspace, stored } = await ctx.ports.claim(async (ports) => {
    const workspace = newWorkspaceRecord({ ...fields, ports }, new Date().toISOString());
    // In memory at once, so the next claim sees its block; the write is awaited once the block is let go.
    const stored = ctx.records.add(workspace);
    ctx.log.info(logLine);
    startProvisioning(ctx, workspace.id);
    return { workspace, stored };
  });
  await stored;
  return workspace;
}

/** Runs provisioning again for a failed or missing workspace; finished steps are skipped. */
export async function retryProvisioning(ctx: ProvisionContext, id: string): Promise<Workspace> {
  const workspace = ctx.records.find(id);
  if (workspace.status !== 'failed' && workspace.status !== 'missing') {
    throw new AgentError(
      'FAILED_PRECONDITION',
      `Workspace ${id} is ${workspace.status}; only failed or missing ones can be retried.`,
    );
  }
  await ctx.records.patch(id, { status: 'provisioning', step: 'fetching', failure: undefined });
  startProvisioning(ctx, id, true);
  return ctx.records.find(id);
}

function startProvisioning(ctx: ProvisionContext, id: string, retry = false): void {
  ctx.provisioning.start(id, () =>
    provision(ctx, id, retry).catch((error) => ctx.log.error(`Provisioning ${id} crashed`, error)),
  );
}

async function provision(ctx: ProvisionContext, id: string, retry: boolean): Promise<void> {
  const started = Date.now();
  const workspace = ctx.records.find(id);
  const project = ctx.records.projectOf(workspace);
  const logFile = join(ctx.paths.logs, 'workspaces', `${id}.log`);
  mkdirSync(dirname(logFile), { recursive: true });
  const logLine = (text: string) => appendFileSync(logFile, text);
  let step: ProvisionStep = 'fetching';
  const enter = async (next: ProvisionStep) => {
    step = next;
    logLine(`--- ${next} (${new Date().toISOString()})\n`);
    // After a crash, the failure must name the step that was really running: the caller awaits
    // the write before the step's work, or alongside it. The first step is on the record already
    // (written with it, or with the retry), so it costs no write.
    const written = ctx.records.find(id).step !== next ? ctx.records.patch(id, { step: next }) : undefined;
    ctx.records.publish(id, { kind: 'progress', step: next, elapsedMs: Date.now() - started });
    return written;
  };
  try {
    await enter('fetching');
    const startPoint = await fetchStartPoint(ctx, project, workspace);

    // git runs while the step's write (for a new workspace, its record's first) reaches the disk:
    // waiting for an fsync first made create half again as slow as git alone. A crash before the
    // write lands leaves a worktree no record names, which doctor and gc find as an orphan
    // (orphans.ts) and keep recoverable.
    await settledBoth(enter('creating worktree'), createWorktree(ctx, project, workspace, startPoint, retry));
    await copyIncludes(ctx, project, workspace, logLine);

    // ff's own setting, else what the branch's conductor, superset or codex config declares.
    const setup = (await readProjectScripts(project, workspace.path)).setup;
    if (setup) {
      await enter('running setup');
      if (setup.source !== 'ff') logLine(`Setup from ${setup.source}: ${setup.command}\n`);
      // The project lets Claude start on the task now, told that setup still runs and where its log is.
      if (project.sessionDuringSetup)
        await startFirstSession(ctx, id, { setupScript: setup.command, logFile });
      await runSetup(ctx, project, workspace, setup.command, logLine);
    }
    // The log says ready before the state does: whoever sees `ready` can read the whole log.
    logLine(`--- ready after ${Date.now() - started} ms\n`);
    await ctx.records.patch(id, { status: 'ready', step: undefined, failure: undefined });
    ctx.log.info(`Workspace ${id} ready in ${Date.now() - started} ms`);
    await startFirstSession(ctx, id);
  } catch (error) {
    const failure = provisionFailure(step, error, new Date().toISOString());
    logLine(`--- failed while ${step}: ${failure.message}\n`);
    ctx.log.warn(`Workspace ${id} failed while ${step}: ${failure.message}`);
    await ctx.records.patch(id, { status: 'failed', step: undefined, failure });
  }
}

/** Waits for both, then throws the first one's error, if any: neither is left running unseen. */
async function settledBoth(first: Promise<unknown> | undefined, second: Promise<unknown>): Promise<void> {
  const [a, b] = await Promise.allSettled([first, second]);
  for (const result of [a, b]) if (result.status === 'rejected') throw result.reason;
}

/**
 * Fetching: where the worktree starts. origin/<base>, fetched now; when origin
 * cannot be reached, the local base (or the last origin/<base> seen), with a warning.
 */
async function fetchStartPoint(
  ctx: ProvisionContext,
  project: Project,
  workspace: Workspace,
): Promise<string> {
  if (workspace.adopted && workspace.pr) {
    // An adopted PR starts from its head as origin has it (a fork's: refs/pull/<n>/head); no fallback.
    const fetch = adoptedFetchRefspec({ number: workspace.pr.number, ...workspace.adopted });
    await ctx.repoLock.run(project.path, () => fetchRefspec(project.path, fetch.refspec));
    return fetch.startPoint;
  }
  try {
    await ctx.fetches.fetch(project, workspace.baseBranch);
    return `origin/${workspace.baseBranch}`;
  } catch (error) {
    const local = await refExists(project.path, `refs/heads/${workspace.baseBranch}`);
    const startPoint = local ? workspace.baseBranch : await baseRefFor(project.path, workspace.baseBranch);
    const reason = error instanceof GitError ? error.message : String(error);
    await ctx.records.warn(
      workspace.id,
      `Could not fetch ${workspace.baseBranch} from origin (${reason}); started from ${startPoint} instead.`,
    );
    return startPoint;
  }
}

/** Creating the worktree on the workspace's branch (made from `startPoint` unless it exists); a retry finds it made. */
async function createWorktree(
  ctx: ProvisionContext,
  project: Project,
  workspace: Workspace,
  startPoint: string,
  retry: boolean,
): Promise<void> {
  if (existsSync(join(workspace.path, '.git'))) return;
  if (existsSync(workspace.path) && readdirSync(workspace.path).length > 0) {
    throw new StepFailure(`${workspace.path} exists and is not empty; move it away and retry.`);
  }
  mkdirSync(dirname(workspace.path), { recursive: true });
  await ctx.repoLock.run(project.path, async () => {
    // A retry after the directory vanished: forget git's stale registration of this path first.
    if (retry) await pruneWorktrees(project.path);
    const created = await addWorktree(project.path, workspace.path, workspace.branch, startPoint);
    // Not awaited: the `ready` write right after carries it (one write instead of two in a row), and
    // that write reports a failing disk. Lost in a crash before it, the branch only looks like the
    // user's, which `gc` never deletes.
    if (created) void ctx.records.patch(workspace.id, { createdBranch: true }).catch(() => {});
    if (workspace.adopted)
      await setBranchConfig(project.path, workspace.branch, adoptedBranchConfig(workspace.adopted));
  });
}

/** The main clone's gitignored files its `.worktreeinclude` names, copied in once (a retry finds them listed). */
async function copyIncludes(
  ctx: ProvisionContext,
  project: Project,
  workspace: Workspace,
  logLine: (text: string) => void,
): Promise<void> {
  if (ctx.records.find(workspace.id).included) return;
  const included = await copyIncludedFiles(project.path, workspace.path);
  if (!included) return;
  logLine(`Copied ${included.count} file(s) named by ${WORKTREE_INCLUDE} from ${project.path}\n`);
  await ctx.records.patch(workspace.id, { included });
}

/** Running the project's setup command in the worktree, its output logged and published as it comes. */
async function runSetup(
  ctx: ProvisionContext,
  project: Project,
  workspace: Workspace,
  setupScript: string,
  logLine: (text: string) => void,
): Promise<void> {
  const env: Record<string, string> = { ...workspaceEnv(project, ctx.records.find(workspace.id)) };
  let wrap: ((argv: string[]) => string[]) | undefined;
  if (setupIsSandboxed(workspace, project)) {
    // A fork's setup is code from outside the repo: behind its sessions' walls, or not at all.
    const worktreeRoots = ctx.projects.list().map((p) => p.worktreeRoot);
    const sandboxed = sandboxedSetup({
      workspace,
      project,
      worktreeRoots,
      paths: ctx.paths,
      env: process.env,
    });
    logLine("(a fork's setup: inside the OS sandbox, without network)\n");
    env.TMPDIR = sandboxed.tmpDir;
    wrap = sandboxed.wrap;
  }
  const result = await runSetupScript(
    setupScript,
    workspace.path,
    env,
    (stream, text) => {
      logLine(text);
      ctx.records.publish(workspace.id, { kind: 'output', step: 'running setup', stream, text });
    },
    undefined,
    wrap,
  );
  const failure = setupFailure(result);
  if (failure) throw failure;
}
