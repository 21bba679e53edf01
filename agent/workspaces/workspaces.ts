import type {
  Preview,
  Project,
  ProjectScripts,
  Workspace,
  WorkspaceSnapshot,
  WorkspaceView,
} from '../../shared/domain.js';
import type { EventHub } from '../events/event-hub.js';
import { WorktreeSignatures } from '../git/git-files.js';
import { baseRefFor, changeSummary, type WorktreeDiff } from '../git/worktree.js';
import { KeyedMutex } from '../keyed-mutex.js';
import type { Logger } from '../logger.js';
import type { HomePaths } from '../store/home.js';
import type { StateStore } from '../store/state-store.js';
import { adoptPullRequest } from './adopt-pr.js';
import { type ArchiveOptions, archivePreview, archiveWorkspace } from './archive.js';
import { BaseFetches } from './base-fetches.js';
import { ChangeSummaries } from './change-summaries.js';
import type { IssueLookup, PullRequestLookup, WorkspaceContext } from './context.js';
import { createWorkspace } from './create.js';
import { diffWorkspace } from './diff.js';
import { DiskUseCache, measureWorkspace } from './disk-use.js';
import { startFirstSession } from './first-session.js';
import type { CreateWorkspaceInput } from './new-workspace.js';
import { type Creation, OnePerIssue } from './one-per-issue.js';
import { orphanRefusal, orphanWorktrees, removeOrphan } from './orphans.js';
import { PortBlocks } from './port-block.js';
import { PreviewCache } from './preview-cache.js';
import { findAllPreviews } from './previews.js';
import { readProjectScripts } from './project-scripts.js';
import type { Projects } from './projects.js';
import { ProvisioningRuns, retryProvisioning } from './provision.js';
import { reconcileWorkspaces } from './reconcile.js';
import { type ArchiveHook, type ReadyHook, WorkspaceRecords } from './records.js';
import { restoreWorkspace } from './restore.js';
import { listWorkspaceSnapshots } from './snapshots.js';
import { listWorkspaces, viewWorkspace } from './view.js';
import { readWorkspaceCache, WorkspaceCacheWriter } from './workspace-cache.js';
import { workspaceEnv } from './workspace-env.js';

/** Background git work waits while a workspace made this recently is still being provisioned (a setup may run for minutes). */
const YIELD_TO_CREATE_MS = 10_000;

/**
 * Workspaces: one worktree on its own branch, provisioned in steps
 * (fetching → creating worktree → running setup) with progress on
 * `workspace:<id>`, idempotent per issue, recoverable after a crash.
 *
 * This is what other modules hold. Each method is one line: its use case is
 * a file of its own beside this one (named in the section comments below),
 * over `records.ts` (the records and their topic) and the parts in
 * `context.ts`. The rules are pure functions, table-tested: `new-workspace.ts`,
 * `worktree-path.ts`, and those marked "Pure." in the use cases' files.
 */
export class Workspaces {
  readonly #ctx: WorkspaceContext;
  readonly #cache: WorkspaceCacheWriter;

  constructor(deps: {
    state: StateStore;
    projects: Projects;
    hub: EventHub;
    paths: HomePaths;
    log: Logger;
    /** The first prompt of an issue's workspace (prompts/issue.md). */
    issueTemplate: string;
    /** What the first prompt gets when the session starts while setup runs (prompts/setup-running.md). */
    setupRunningTemplate: string;
    issueLookup?: IssueLookup;
    pullRequestLookup?: PullRequestLookup;
  }) {
    const records = new WorkspaceRecords(deps);
    const repoLock = new KeyedMutex();
    const saved = readWorkspaceCache(deps.paths.workspaceCache, deps.log);
    const unsaved = () => this.#cache.changed();
    const disk = new DiskUseCache({
      measure: (workspace) => measureWorkspace(workspace, records.projectOf(workspace)),
      measured: (workspace, value) => records.publish(workspace.id, { kind: 'disk', disk: value }),
      unsaved,
      saved: saved.disk,
    });
    const provisioning = new ProvisioningRuns();
    const signatures = new WorktreeSignatures();
    const changes = new ChangeSummaries({
      summarize: async (workspace) =>
        changeSummary(
          workspace.path,
          await baseRefFor(records.projectOf(workspace).path, workspace.baseBranch),
        ),
      signature: (workspace) => signatures.of(workspace.path, workspace.branch, workspace.baseBranch),
      followed: () =>
        records.all().filter((w) => w.status === 'ready' && deps.projects.get(w.projectId) !== undefined),
      changed: (workspace, summary, first) => {
        // Its files changed: its disk use too. A first summary says nothing of the files.
        if (!first) disk.changed(workspace.id);
        records.publish(workspace.id, { kind: 'changes', changes: summary });
      },
      unsaved,
      saved: saved.changes,
      // Its git processes would slow a burst of creates (each waited on by a user).
      yieldTo: () => provisioning.startedWithin(YIELD_TO_CREATE_MS),
    });
    const previews = new PreviewCache({
      walk: () => findAllPreviews(),
      followed: () => records.all().flatMap((w) => (w.status === 'ready' ? [w.id] : [])),
      changed: (id, found) => {
        records.publish(id, { kind: 'previews', previews: found });
        // Boards carry previews too (the board card's Open link, the popup's row).
        records.changed(id);
      },
      log: deps.log,
    });
    this.#cache = new WorkspaceCacheWriter(
      deps.paths.workspaceCache,
      () => ({ changes: changes.saved(), disk: disk.saved() }),
      deps.log,
    );
    this.#ctx = {
      records,
      projects: deps.projects,
      state: deps.state,
      log: deps.log,
      paths: deps.paths,
      repoLock,
      workspaceLock: new KeyedMutex(),
      fetches: new BaseFetches(repoLock),
      provisioning,
      onePerIssue: new OnePerIssue(),
      // Every workspace not archived holds its block; archive releases it.
      ports: new PortBlocks(() =>
        records
          .all()
          .filter((w) => w.status !== 'archived' && w.ports)
          .map((w) => w.ports!),
      ),
      changes,
      disk,
      previews,
      prompts: { issue: deps.issueTemplate, setupRunning: deps.setupRunningTemplate },
      issueLookup: deps.issueLookup,
      pullRequestLookup: deps.pullRequestLookup,
    };
  }

  // Records and hooks (records.ts)

  find(id: string): Workspace {
    return this.#ctx.records.find(id);
  }

  onArchive(hook: ArchiveHook): void {
    this.#ctx.records.onArchive(hook);
  }

  onReady(hook: ReadyHook): void {
    this.#ctx.records.onReady(hook);
  }

  /** Called with the project id whenever one of its workspaces (or their sessions) changes. */
  onChange(listener: (projectId: string) => void): void {
    this.#ctx.records.onChange(listener);
  }

  /**
   * Sessions report their changes through here, so boards hear of them too (and the workspace's
   * changes are worked out, and its disk use measured, again).
   */
  notifyChanged(workspaceId: string): void {
    this.touched(workspaceId);
    this.#ctx.records.changed(workspaceId);
  }

  /** ff saw work in the workspace (a tool's result, terminal output): its files may have changed. */
  touched(workspaceId: string): void {
    this.#ctx.changes.touched(workspaceId);
    this.#ctx.disk.changed(workspaceId);
  }

  /** Links the workspace to its pull request (found by the ratchet, or opened by ff). */
  async linkPullRequest(id: string, pr: NonNullable<Workspace['pr']>): Promise<void> {
    await this.#ctx.records.patch(id, { pr });
  }

  /** The variables its scripts, sessions and terminals get (workspace-env.ts): its id, ports, paths. */
  env(id: string): Record<string, string> {
    const workspace = this.find(id);
    return workspaceEnv(this.#ctx.records.projectOf(workspace), workspace);
  }

  /** The setup, run and archive scripts in force in its worktree, each with its source (project-scripts.ts). */
  scripts(id: string): Promise<ProjectScripts> {
    const workspace = this.find(id);
    return readProjectScripts(this.#ctx.records.projectOf(workspace), workspace.path);
  }

  /** Its port block; one is chosen now for a workspace made before ports were (restore and create choose their own). */
  async ensurePorts(id: string): Promise<void> {
    if (this.find(id).ports) return;
    await this.#ctx.ports.claim((ports) => this.#ctx.records.patch(id, { ports }));
  }

  /** Runs `work` while no other ff git command changes this repository's worktrees or refs. */
  inRepo<T>(repo: string, work: () => Promise<T>): Promise<T> {
    return this.#ctx.repoLock.run(repo, work);
  }

  // Making one (create.ts, adopt-pr.ts, provision.ts, first-session.ts)

  create(input: CreateWorkspaceInput): Promise<Creation> {
    return createWorkspace(this.#ctx, input);
  }

  adopt(projectRef: string, number: number): Promise<Creation> {
    return adoptPullRequest(this.#ctx, projectRef, number);
  }

  async retry(id: string): Promise<WorkspaceView> {
    return this.view(await retryProvisioning(this.#ctx, id));
  }

  /** Follows the workspaces' files from now on, keeping their change summaries current (change-summaries.ts). */
  start(): void {
    this.#ctx.changes.start();
  }

  /** Shutdown: waits up to `graceMs` for provisioning in flight (provision.ts), then keeps what is known (workspace-cache.ts). */
  async drain(graceMs?: number): Promise<void> {
    this.#ctx.changes.stop();
    this.#ctx.previews.stop();
    await this.#ctx.provisioning.drain(graceMs);
    await this.#cache.flush();
  }

  /** Resolves once no change summary or disk measurement is queued or running (tests, benches). */
  async settled(): Promise<void> {
    await this.#ctx.changes.idle();
    await this.#ctx.disk.idle();
  }

  startInitialSession(id: string): Promise<void> {
    return startFirstSession(this.#ctx, id);
  }

  // Reading (view.ts, diff.ts)

  view(workspace: Workspace): WorkspaceView {
    return viewWorkspace(this.#ctx, workspace);
  }

  /** One workspace as clients see it, with its previews as they are now (a walk of /proc, or the one under way). */
  async get(id: string): Promise<WorkspaceView> {
    // Only a ready one has previews: polling one that is being made walks nothing.
    if (this.find(id).status === 'ready') await this.#ctx.previews.refresh();
    return this.view(this.find(id));
  }

  /** The workspaces as clients see them; previews as last found (preview-cache.ts: a list never waits on a walk but the first). */
  async list(filter?: { project?: string; includeArchived?: boolean }): Promise<WorkspaceView[]> {
    await this.#ctx.previews.fresh();
    return listWorkspaces(this.#ctx, filter);
  }

  /** Its previews as last found (for its board card); undefined before the first walk. */
  previews(id: string): Preview[] | undefined {
    return this.#ctx.previews.of(id);
  }

  /**
   * Walks /proc for previews every few seconds while `active()` says something could start or
   * stop listening (a terminal, a running session) or something listens; idle otherwise.
   */
  followPreviews(active: () => boolean): void {
    this.#ctx.previews.start(active);
  }

  diff(id: string, maxBytes?: number): Promise<WorktreeDiff> {
    return diffWorkspace(this.#ctx, id, maxBytes);
  }

  // Putting away and bringing back (archive.ts, stop-processes.ts, restore.ts, snapshots.ts, reconcile.ts, orphans.ts)

  async archive(id: string, options: ArchiveOptions = {}): Promise<WorkspaceView> {
    return this.view(await archiveWorkspace(this.#ctx, id, options));
  }

  /** What archiving it would do, for `gc --dry-run` and `gc` alike: its snapshot's ref, or why it cannot. */
  archivePreview(id: string): Promise<{ ref?: string; refusal?: string }> {
    return archivePreview(this.#ctx, this.find(id));
  }

  async restore(id: string, snapshot?: string): Promise<WorkspaceView> {
    return this.view(await restoreWorkspace(this.#ctx, id, snapshot));
  }

  snapshots(id: string): Promise<WorkspaceSnapshot[]> {
    return listWorkspaceSnapshots(this.#ctx, id);
  }

  reconcile(): Promise<void> {
    return reconcileWorkspaces(this.#ctx);
  }

  orphanWorktrees(): Promise<string[]> {
    return orphanWorktrees(this.#ctx);
  }

  removeOrphan(project: Project, path: string): Promise<string> {
    return removeOrphan(this.#ctx, project, path);
  }

  orphanRefusal(path: string): Promise<string | undefined> {
    return orphanRefusal(this.#ctx, path);
  }
}
