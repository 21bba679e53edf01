import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { z } from 'zod';
import {
  type IssueRef,
  type Project,
  type ProvisionStep,
  projectSlug,
  type Workspace,
  type WorkspaceSnapshot,
  type WorkspaceView,
} from '../../shared/domain.js';
import { errorText } from '../../shared/error-text.js';
import { AgentError, type WorkspaceCreateParams, type WorkspaceEvent } from '../../shared/protocol.js';
import { WorkspaceRatchet } from '../../shared/ratchet.js';
import { outsideAuthors } from '../claude/author-trust.js';
import { renderIssuePrompt, renderTemplate } from '../claude/prompts.js';
import type { EventHub } from '../events/event-hub.js';
import {
  defaultBranchName,
  isValidBranchNameSync,
  normalizeBranchInput,
  withSuffix,
} from '../git/branch-name.js';
import { GitError, git } from '../git/git.js';
import {
  describeInventory,
  describeSkipped,
  inventoryHasWork,
  inventoryWorktree,
  restoreWorktree,
  snapshotWorktree,
  type WorktreeInventory,
} from '../git/snapshot.js';
import {
  addWorktree,
  baseRefFor,
  changeSummary,
  commitExists,
  fetchBranch,
  fetchRefspec,
  isValidBranchName,
  listWorktrees,
  pruneWorktrees,
  refExists,
  removeWorktree,
  type WorktreeDiff,
  worktreeDiff,
} from '../git/worktree.js';
import type { PullRequestToAdopt } from '../github/github.js';
import { KeyedMutex } from '../keyed-mutex.js';
import type { Logger } from '../logger.js';
import { applyPatch } from '../store/apply-patch.js';
import type { HomePaths } from '../store/home.js';
import type { StateStore } from '../store/state-store.js';
import { adoptedBranch, adoptedFetchRefspec } from './adopt.js';
import { ChangeSummaries } from './change-summaries.js';
import { DiskUseCache, measureWorkspace } from './disk-use.js';
import { newId, type Projects } from './projects.js';
import { runSetupScript } from './setup-script.js';

export type CreateWorkspaceInput = z.infer<typeof WorkspaceCreateParams>;

/** Called before a workspace's worktree goes away: stop its sessions and terminals. */
export type ArchiveHook = (workspace: Workspace) => Promise<void> | void;
/** Reads an issue from GitHub; throws an AgentError saying why it cannot. */
/** Reads a PR from GitHub (for adopting it); throws an AgentError saying why it cannot. */
export type PullRequestLookup = (project: Project, number: number) => Promise<PullRequestToAdopt>;
export type IssueLookup = (
  project: Project,
  number: number,
) => Promise<NonNullable<CreateWorkspaceInput['issue']>>;
/** Called when a workspace becomes ready with a first prompt to start a session with. */
/** `outsideAuthors`: logins outside the repo whose text the prompt carries. */
export type ReadyHook = (
  workspace: Workspace,
  prompt: string,
  outsideAuthors: readonly string[],
) => Promise<void> | void;

const DEFAULT_DIFF_BYTES = 1024 * 1024;
/** How long a fetch of origin/<base> counts as current for the next new workspace. */
const FETCH_FRESH_MS = 5_000;

/**
 * Workspaces: one worktree on its own branch, provisioned in steps
 * (fetching → creating worktree → running setup) with progress on
 * `workspace:<id>`, idempotent per issue, recoverable after a crash.
 */
export class Workspaces {
  readonly #state: StateStore;
  readonly #projects: Projects;
  readonly #hub: EventHub;
  readonly #paths: HomePaths;
  readonly #log: Logger;
  /** Creations in flight, by project+issue: a second request joins the first. */
  readonly #creating = new Map<string, Promise<{ workspace: WorkspaceView; created: boolean }>>();
  readonly #provisioning = new Map<string, Promise<void>>();
  readonly #archiveHooks: ArchiveHook[] = [];
  readonly #readyHooks: ReadyHook[] = [];
  readonly #issueTemplate: string;
  readonly #setupRunningTemplate: string;
  readonly #issueLookup: IssueLookup | undefined;
  readonly #pullRequestLookup: PullRequestLookup | undefined;
  readonly #changeListeners: Array<(projectId: string) => void> = [];
  /** git commands that change a repository's worktrees or refs run one at a time per repository. */
  readonly #repoLock = new KeyedMutex();
  /** Disk use per workspace, measured in the background. */
  readonly #changes = new ChangeSummaries(async (workspace) =>
    changeSummary(workspace.path, await baseRefFor(this.#projectOf(workspace).path, workspace.baseBranch)),
  );
  readonly #disk = new DiskUseCache((workspace) => measureWorkspace(workspace, this.#projectOf(workspace)));
  /** Recent fetches by project+base: a burst of new workspaces (several Starts at once) fetches once. */
  readonly #fetches = new Map<string, { at: number; done: Promise<void> }>();

  constructor(deps: {
    state: StateStore;
    projects: Projects;
    hub: EventHub;
    paths: HomePaths;
    log: Logger;
    issueTemplate: string;
    /** What the first prompt gets when the session starts while setup runs (prompts/setup-running.md). */
    setupRunningTemplate: string;
    issueLookup?: IssueLookup;
    pullRequestLookup?: PullRequestLookup;
  }) {
    this.#pullRequestLookup = deps.pullRequestLookup;
    this.#issueTemplate = deps.issueTemplate;
    this.#setupRunningTemplate = deps.setupRunningTemplate;
    this.#issueLookup = deps.issueLookup;
    this.#state = deps.state;
    this.#projects = deps.projects;
    this.#hub = deps.hub;
    this.#paths = deps.paths;
    this.#log = deps.log;
  }

  onArchive(hook: ArchiveHook): void {
    this.#archiveHooks.push(hook);
  }

  onReady(hook: ReadyHook): void {
    this.#readyHooks.push(hook);
  }

  /** Called with the project id whenever one of its workspaces (or their sessions) changes. */
  onChange(listener: (projectId: string) => void): void {
    this.#changeListeners.push(listener);
  }

  /** Sessions report their changes through here, so boards hear of them too. */
  notifyChanged(workspaceId: string): void {
    this.#disk.changed(workspaceId);
    const workspace = this.#state.data.workspaces.find((w) => w.id === workspaceId);
    if (workspace) for (const listener of this.#changeListeners) listener(workspace.projectId);
  }

  find(id: string): Workspace {
    const workspace = this.#state.data.workspaces.find((w) => w.id === id);
    if (!workspace)
      throw new AgentError('NOT_FOUND', `No workspace ${id}. \`ff-agent workspace list\` shows them.`);
    return workspace;
  }

  /**
   * Shutdown: give provisioning in flight a few seconds to finish (a git
   * command cut off halfway leaves a half-made worktree). What is still
   * running after that is marked failed on the next start and can be retried.
   */
  async drain(graceMs = 5_000): Promise<void> {
    await Promise.race([
      Promise.all(this.#provisioning.values()),
      new Promise((resolve) => setTimeout(resolve, graceMs).unref()),
    ]);
  }

  async create(input: CreateWorkspaceInput): Promise<{ workspace: WorkspaceView; created: boolean }> {
    const project = this.#projects.resolve(input.project);
    if (input.issue) {
      return this.#once(
        `${project.id}#${input.issue.number}`,
        this.#forIssue(project.id, input.issue.number),
        () => this.#create(project, input),
      );
    }
    return this.#create(project, input);
  }

  async #create(
    project: Project,
    request: CreateWorkspaceInput,
  ): Promise<{ workspace: WorkspaceView; created: boolean }> {
    const details = await this.#withIssueDetails(project, request);
    const { base, ...checked } = await this.#checkBranchInputs(project, details);
    const input = { ...details, ...checked };
    const id = newId();
    const branch = await this.#chooseBranch(project, id, input);
    const path = this.#worktreePath(project, branch);
    const issue: IssueRef | undefined = input.issue && {
      number: input.issue.number,
      title: input.issue.title ?? '',
      url: input.issue.url ?? `https://${project.host}/${projectSlug(project)}/issues/${input.issue.number}`,
    };
    const startSession = input.startSession ?? Boolean(input.issue || input.prompt);
    const outside = startSession && !input.prompt && input.issue ? outsideAuthors(input.issue) : [];
    const initialPrompt = !startSession
      ? undefined
      : (input.prompt ??
        (input.issue && issue
          ? renderIssuePrompt(this.#issueTemplate, {
              ...input.issue,
              title: issue.title,
              url: issue.url,
              repo: projectSlug(project),
              branch,
            })
          : undefined));
    return this.#provisionNew(
      {
        id,
        projectId: project.id,
        branch,
        baseBranch: base,
        path,
        ...(issue ? { issue } : {}),
        ...(initialPrompt ? { initialPrompt } : {}),
        ...(initialPrompt && outside.length ? { initialPromptOutsideAuthors: outside } : {}),
      },
      `Workspace ${id} (${projectSlug(project)} ${branch}) provisioning at ${path}`,
    );
  }

  /** Records a new workspace, publishes it and starts provisioning it. */
  async #provisionNew(
    fields: Omit<Workspace, 'status' | 'warnings' | 'ratchet' | 'createdAt' | 'updatedAt'>,
    logLine: string,
  ): Promise<{ workspace: WorkspaceView; created: true }> {
    const now = new Date().toISOString();
    const workspace: Workspace = {
      ...fields,
      status: 'provisioning',
      warnings: [],
      ratchet: WorkspaceRatchet.parse({}),
      createdAt: now,
      updatedAt: now,
    };
    await this.#state.update((state) => {
      state.workspaces.push(workspace);
    });
    this.#log.info(logLine);
    this.#published(workspace);
    this.#startProvisioning(workspace.id);
    return { workspace: await this.view(workspace), created: true };
  }

  /**
   * Adopts an open PR ff did not open (a teammate's, a bot's, a fork's): a
   * workspace on its head branch, bound to the PR, so the ratchet tracks it.
   * Adopting the same PR again returns the workspace it has.
   */
  async adopt(projectRef: string, number: number): Promise<{ workspace: WorkspaceView; created: boolean }> {
    const project = this.#projects.resolve(projectRef);
    return this.#once(`${project.id}!pr${number}`, this.#forPullRequest(project.id, number), () =>
      this.#adopt(project, number),
    );
  }

  /**
   * One workspace per issue or PR: an existing one is returned, and a caller
   * that comes while the first is still being made waits for that one.
   */
  async #once(
    key: string,
    existing: Workspace | undefined,
    make: () => Promise<{ workspace: WorkspaceView; created: boolean }>,
  ): Promise<{ workspace: WorkspaceView; created: boolean }> {
    if (existing) return { workspace: await this.view(existing), created: false };
    const inFlight = this.#creating.get(key);
    if (inFlight) return { workspace: (await inFlight).workspace, created: false };
    const creation = make();
    this.#creating.set(key, creation);
    try {
      return await creation;
    } finally {
      this.#creating.delete(key);
    }
  }

  async #adopt(project: Project, number: number): Promise<{ workspace: WorkspaceView; created: boolean }> {
    if (!this.#pullRequestLookup)
      throw new AgentError('FAILED_PRECONDITION', `PR #${number} cannot be read: GitHub is not available.`);
    const pr = await this.#pullRequestLookup(project, number);
    if (pr.state !== 'OPEN')
      throw new AgentError(
        'FAILED_PRECONDITION',
        `PR #${number} is ${pr.state.toLowerCase()}; only an open PR can be adopted.`,
      );
    // A workspace ff opened this PR from already tracks it once linked: bind that one instead of a second.
    const ownBranch = !pr.fork
      ? this.#state.data.workspaces.find(
          (w) => w.projectId === project.id && w.branch === pr.headRefName && w.status !== 'archived',
        )
      : undefined;
    if (ownBranch) {
      await this.linkPullRequest(ownBranch.id, { number: pr.number, url: pr.url, nodeId: pr.nodeId });
      return { workspace: await this.get(ownBranch.id), created: false };
    }
    const branch = adoptedBranch(pr);
    if (!(await isValidBranchName(project.path, branch)))
      throw new AgentError(
        'INVALID_PARAMS',
        `PR #${number}'s branch ${JSON.stringify(branch)} is not a valid branch name.`,
      );
    if (branch === project.defaultBranch)
      throw new AgentError(
        'INVALID_PARAMS',
        `PR #${number} comes from ${branch}, the default branch; ff does not work on it.`,
      );
    const checkedOut = (await listWorktrees(project.path).catch(() => [])).find((e) => e.branch === branch);
    if (checkedOut)
      throw new AgentError(
        'CONFLICT',
        `Branch ${branch} of PR #${number} is checked out at ${checkedOut.path}; switch that checkout to another branch and adopt again.`,
      );
    const id = newId();
    return this.#provisionNew(
      {
        id,
        projectId: project.id,
        branch,
        baseBranch: pr.baseRefName,
        path: this.#worktreePath(project, branch),
        pr: { number: pr.number, url: pr.url, nodeId: pr.nodeId },
        adopted: {
          headRefName: pr.headRefName,
          headRepository: pr.headRepository,
          fork: pr.fork,
          author: pr.author,
        },
      },
      `Workspace ${id} adopts ${projectSlug(project)}#${number} (${branch}${pr.fork ? ', a fork' : ''})`,
    );
  }

  #forPullRequest(projectId: string, number: number): Workspace | undefined {
    return this.#state.data.workspaces.find(
      (w) => w.projectId === projectId && w.pr?.number === number && w.status !== 'archived',
    );
  }

  /**
   * `branch` and `base` as the user gave them, checked before any record
   * exists, so a refusal leaves nothing behind: `refs/heads/x` means `x`; the
   * default branch, a branch checked out in another worktree and a base that
   * exists neither locally nor on origin are refused in one line.
   */
  async #checkBranchInputs(
    project: Project,
    input: CreateWorkspaceInput,
  ): Promise<{ branch?: string; base: string }> {
    const parse = async (value: string, kind: 'branch' | 'base') => {
      const parsed = normalizeBranchInput(value, kind);
      if ('error' in parsed) throw new AgentError('INVALID_PARAMS', parsed.error);
      if (!(await isValidBranchName(project.path, parsed.branch)))
        throw new AgentError('INVALID_PARAMS', `${JSON.stringify(value)} is not a valid branch name.`);
      return parsed.branch;
    };
    let branch: string | undefined;
    if (input.branch !== undefined) {
      branch = await parse(input.branch, 'branch');
      if (branch === project.defaultBranch) {
        throw new AgentError(
          'INVALID_PARAMS',
          `${branch} is the default branch of ${projectSlug(project)}; a workspace works on a branch of its own (leave out --branch for one named after the issue).`,
        );
      }
      const checkedOut = (await listWorktrees(project.path).catch(() => [])).find((e) => e.branch === branch);
      if (checkedOut) {
        throw new AgentError(
          'CONFLICT',
          `Branch ${branch} is checked out at ${checkedOut.path}; a workspace needs a branch no other worktree has checked out.`,
        );
      }
    }
    // The default branch came from git itself; a base the user typed is checked.
    let base = project.defaultBranch;
    if (input.base !== undefined) {
      base = await parse(input.base, 'base');
      const known =
        (await refExists(project.path, `refs/remotes/origin/${base}`)) ||
        (await refExists(project.path, `refs/heads/${base}`));
      if (!known) {
        await this.#fetchBase(project, base).catch((error) => {
          const reason = errorText(error);
          throw new AgentError(
            'INVALID_PARAMS',
            `No branch ${base} in ${project.path} or on origin (${reason}); --base must name an existing branch.`,
          );
        });
      }
    }
    return { ...(branch !== undefined ? { branch } : {}), base };
  }

  /** An issue given by number only is read from GitHub (title, body, labels, comments). */
  async #withIssueDetails(project: Project, input: CreateWorkspaceInput): Promise<CreateWorkspaceInput> {
    if (!input.issue || input.issue.title !== undefined) return input;
    if (!this.#issueLookup) {
      throw new AgentError(
        'INVALID_PARAMS',
        `Issue #${input.issue.number} needs a title (GitHub is not available).`,
      );
    }
    const number = input.issue.number;
    const fetched = await this.#issueLookup(project, number).catch((error: unknown) => {
      // GitHub can't be read (no token, a bad one, down): the caller may give the title itself
      // (the Start button hands over what the issue page shows), so say what is missing.
      if (
        error instanceof AgentError &&
        (error.code === 'FAILED_PRECONDITION' || error.code === 'UNAVAILABLE')
      )
        throw new AgentError('INVALID_PARAMS', `Issue #${number} needs a title: ${error.message}`);
      throw error;
    });
    return {
      ...input,
      issue: {
        ...fetched,
        ...Object.fromEntries(Object.entries(input.issue).filter(([, v]) => v !== undefined)),
      },
    };
  }

  /** Links the workspace to its pull request (found by the ratchet, or opened by ff). */
  async linkPullRequest(id: string, pr: NonNullable<Workspace['pr']>): Promise<void> {
    await this.#patch(id, { pr });
  }

  /** Runs provisioning again for a failed or missing workspace; finished steps are skipped. */
  async retry(id: string): Promise<WorkspaceView> {
    const workspace = this.find(id);
    if (workspace.status !== 'failed' && workspace.status !== 'missing') {
      throw new AgentError(
        'FAILED_PRECONDITION',
        `Workspace ${id} is ${workspace.status}; only failed or missing ones can be retried.`,
      );
    }
    await this.#patch(id, { status: 'provisioning', failure: undefined });
    this.#startProvisioning(id, true);
    return this.view(this.find(id));
  }

  async list(filter: { project?: string; includeArchived?: boolean } = {}): Promise<WorkspaceView[]> {
    const projectId = filter.project ? this.#projects.resolve(filter.project).id : undefined;
    const workspaces = this.#state.data.workspaces.filter(
      (w) => (!projectId || w.projectId === projectId) && (filter.includeArchived || w.status !== 'archived'),
    );
    // A first list after start waits a little for disk figures; later ones show the cached ones at once.
    await this.#disk.settle(workspaces, 1_500);
    return Promise.all(workspaces.map((w) => this.view(w)));
  }

  async get(id: string): Promise<WorkspaceView> {
    return this.view(this.find(id));
  }

  async diff(id: string, maxBytes = DEFAULT_DIFF_BYTES): Promise<WorktreeDiff> {
    const workspace = this.find(id);
    if (workspace.status !== 'ready' || !existsSync(workspace.path)) {
      throw new AgentError(
        'FAILED_PRECONDITION',
        `Workspace ${id} is ${workspace.status}; there is no worktree to diff.`,
      );
    }
    const project = this.#projectOf(workspace);
    return worktreeDiff(workspace.path, await baseRefFor(project.path, workspace.baseBranch), maxBytes);
  }

  /**
   * Stops the workspace's sessions and terminals, snapshots everything in its
   * worktree on `refs/ff/archive/<id>` (see git/snapshot.ts), and only then
   * removes the worktree; the branch is kept. Without `force` it refuses, naming
   * them, when there is anything only the snapshot would keep: tracked changes,
   * untracked or ignored files, unpushed or detached commits.
   */
  async archive(id: string, force = false): Promise<WorkspaceView> {
    const workspace = this.find(id);
    if (workspace.status === 'archived') return this.view(workspace);
    if (workspace.status === 'provisioning') {
      throw new AgentError('CONFLICT', `Workspace ${id} is still provisioning; wait for it to finish.`);
    }
    const project = this.#projectOf(workspace);
    const isWorktree = existsSync(join(workspace.path, '.git'));
    if (isWorktree && !force) {
      const inventory = await this.#inventory(workspace);
      if (inventoryHasWork(inventory)) {
        const skipped = inventory.skipped.length
          ? ` (${describeSkipped(inventory.skipped)} would not be kept: over the ${this.#state.data.settings.snapshotIgnoredMaxMb} MB snapshot limit)`
          : '';
        throw new AgentError(
          'FAILED_PRECONDITION',
          `Workspace ${workspace.branch} has ${describeInventory(inventory)}. Archive with --force to keep them in a snapshot and remove the worktree${skipped}; \`ff-agent workspace restore ${id}\` brings them back.`,
        );
      }
    }
    for (const hook of this.#archiveHooks) await hook(workspace);
    let snapshot: WorkspaceSnapshot | undefined;
    if (isWorktree) {
      // Sessions are stopped now: nothing writes to the worktree while it is snapshotted.
      const inventory = await this.#inventory(workspace);
      snapshot = await this.#repoLock.run(project.path, () =>
        this.#snapshot(
          workspace.path,
          workspace.id,
          inventory,
          `ff archive of workspace ${id} (${workspace.branch})`,
        ),
      );
      this.#log.info(`Workspace ${id} snapshotted on ${snapshot.ref} (${snapshot.commit})`);
    }
    if (existsSync(workspace.path)) {
      await this.#repoLock.run(project.path, () => removeWorktree(project.path, workspace.path, force));
      if (existsSync(workspace.path)) {
        throw new AgentError(
          'FAILED_PRECONDITION',
          `git could not remove ${workspace.path}; see the agent log.${snapshot ? ` Its snapshot is on ${snapshot.ref}.` : ''}`,
        );
      }
    } else {
      await this.#repoLock.run(project.path, () => removeWorktree(project.path, workspace.path, true));
    }
    this.#log.info(`Workspace ${id} archived (branch ${workspace.branch} kept)`);
    const at = new Date().toISOString();
    await this.#patch(id, { status: 'archived', archived: { at, ...(snapshot ? { snapshot } : {}) } });
    this.#disk.forget(id);
    return this.view(this.find(id));
  }

  /**
   * Recreates an archived workspace's worktree as it was when archived (its
   * branch or detached HEAD, staged and unstaged changes, untracked and
   * ignored files); the workspace is ready again.
   */
  async restore(id: string): Promise<WorkspaceView> {
    const workspace = this.find(id);
    if (workspace.status !== 'archived') {
      throw new AgentError(
        'FAILED_PRECONDITION',
        `Workspace ${id} is ${workspace.status}; only archived workspaces can be restored.`,
      );
    }
    const project = this.#projectOf(workspace);
    if (existsSync(workspace.path) && readdirSync(workspace.path).length > 0) {
      throw new AgentError(
        'FAILED_PRECONDITION',
        `${workspace.path} exists and is not empty; move it away and restore again.`,
      );
    }
    if (workspace.issue) {
      const other = this.#forIssue(project.id, workspace.issue.number);
      if (other) {
        throw new AgentError(
          'ALREADY_EXISTS',
          `Issue #${workspace.issue.number} already has workspace ${other.id}; archive it before restoring this one.`,
        );
      }
    }
    const snapshot = workspace.archived?.snapshot;
    const branch = snapshot ? snapshot.branch : workspace.branch;
    const sameBranch =
      branch &&
      this.#state.data.workspaces.find(
        (w) => w.id !== id && w.projectId === project.id && w.branch === branch && w.status !== 'archived',
      );
    if (sameBranch) {
      throw new AgentError('ALREADY_EXISTS', `Branch ${branch} already has workspace ${sameBranch.id}.`);
    }
    let expired = false;
    await this.#repoLock.run(project.path, async () => {
      await pruneWorktrees(project.path);
      if (!snapshot) {
        await addWorktree(
          project.path,
          workspace.path,
          workspace.branch,
          await baseRefFor(project.path, workspace.baseBranch),
        );
        return;
      }
      if (
        !(await refExists(project.path, snapshot.ref)) ||
        !(await commitExists(project.path, snapshot.commit))
      ) {
        // Past its retention: what was committed on the branch is still there.
        if (branch && (await refExists(project.path, `refs/heads/${branch}`))) {
          await git(project.path, ['worktree', 'add', '--', workspace.path, branch]);
          expired = true;
          return;
        }
        throw new AgentError(
          'FAILED_PRECONDITION',
          `The snapshot of workspace ${id} (${snapshot.ref}) is gone; \`ff-agent gc\` deletes snapshots older than archiveRetentionDays.`,
        );
      }
      if (branch) {
        const tip = await git(project.path, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], {
          allowFailure: true,
        });
        if (tip.code !== 0) {
          await git(project.path, ['branch', '--no-track', '--', branch, snapshot.head]);
        } else if (tip.stdout.trim() !== snapshot.head) {
          throw new AgentError(
            'CONFLICT',
            `Branch ${branch} moved since workspace ${id} was archived (it was at ${snapshot.head.slice(0, 12)}, now ${tip.stdout.trim().slice(0, 12)}); the snapshot is still on ${snapshot.ref}.`,
          );
        }
      }
      await restoreWorktree(project.path, workspace.path, snapshot.commit, branch);
    });
    this.#log.info(`Workspace ${id} restored at ${workspace.path}`);
    if (expired)
      await this.#warn(
        id,
        `Restored from branch ${branch} alone: the snapshot of its uncommitted and untracked files was deleted by gc (archiveRetentionDays).`,
      );
    await this.#patch(id, { status: 'ready', archived: undefined, failure: undefined });
    this.#disk.forget(id);
    return this.view(this.find(id));
  }

  /**
   * Removes a worktree ff made that no workspace knows (for `gc`), after a
   * snapshot on refs/ff/archive/orphan-<hash of its path>. Returns that ref.
   */
  async removeOrphan(project: Project, path: string): Promise<string> {
    const name = `orphan-${createHash('sha1').update(path).digest('hex').slice(0, 12)}`;
    const inventory = await inventoryWorktree(
      path,
      this.#state.data.settings.snapshotIgnoredMaxMb * 1024 * 1024,
    );
    const snapshot = await this.#repoLock.run(project.path, () =>
      this.#snapshot(path, name, inventory, `ff gc of the orphan worktree ${path}`),
    );
    await this.#repoLock.run(project.path, () => removeWorktree(project.path, path, true));
    if (existsSync(path)) throw new AgentError('FAILED_PRECONDITION', `git could not remove ${path}.`);
    this.#log.info(`Orphan worktree ${path} removed; snapshot on ${snapshot.ref}`);
    return snapshot.ref;
  }

  /** Runs `work` while no other ff git command changes this repository's worktrees or refs. */
  inRepo<T>(repo: string, work: () => Promise<T>): Promise<T> {
    return this.#repoLock.run(repo, work);
  }

  async #inventory(workspace: Workspace): Promise<WorktreeInventory> {
    try {
      return await inventoryWorktree(
        workspace.path,
        this.#state.data.settings.snapshotIgnoredMaxMb * 1024 * 1024,
      );
    } catch (error) {
      const reason = errorText(error);
      throw new AgentError(
        'FAILED_PRECONDITION',
        `Could not read the worktree ${workspace.path} (${reason}); nothing was removed.`,
      );
    }
  }

  /** A snapshot of `path` on refs/ff/archive/<name>, as the record keeps it. */
  async #snapshot(
    path: string,
    name: string,
    inventory: WorktreeInventory,
    message: string,
  ): Promise<WorkspaceSnapshot> {
    try {
      const written = await snapshotWorktree(path, name, inventory, message);
      return {
        ref: written.ref,
        commit: written.commit,
        head: inventory.head,
        ...(inventory.branch ? { branch: inventory.branch } : {}),
        ...(written.headRef ? { headRef: written.headRef } : {}),
        tracked: inventory.tracked.length,
        untracked: inventory.untracked.length,
        ignored: inventory.ignored.length,
        skipped: inventory.skipped,
        at: new Date().toISOString(),
      };
    } catch (error) {
      const reason = errorText(error);
      throw new AgentError(
        'FAILED_PRECONDITION',
        `Could not snapshot ${path} (${reason}); nothing was removed.`,
      );
    }
  }

  /**
   * Start-up: state meets disk. A workspace stuck provisioning (the agent
   * died mid-way) becomes failed and retryable; a worktree that vanished
   * becomes missing (never dropped); one that came back is ready again.
   */
  async reconcile(): Promise<void> {
    const now = new Date().toISOString();
    await this.#state.update((state) => {
      for (const workspace of state.workspaces) {
        if (workspace.status === 'provisioning') {
          workspace.status = 'failed';
          workspace.failure = {
            step: workspace.step ?? 'creating worktree',
            message: `ff-agent stopped while this workspace was ${workspace.step ?? 'provisioning'}. Retry to finish it.`,
            at: now,
          };
          workspace.step = undefined;
          workspace.updatedAt = now;
        } else if (workspace.status === 'ready' && !existsSync(workspace.path)) {
          workspace.status = 'missing';
          workspace.warnings = [
            ...workspace.warnings,
            `The worktree ${workspace.path} is gone from disk. Retry to recreate it on branch ${workspace.branch}, or archive the workspace.`,
          ].slice(-10);
          workspace.updatedAt = now;
        } else if (workspace.status === 'missing' && existsSync(workspace.path)) {
          workspace.status = 'ready';
          workspace.updatedAt = now;
        }
      }
    });
    for (const workspace of this.#state.data.workspaces) {
      if (workspace.status === 'failed' || workspace.status === 'missing') {
        this.#log.warn(
          `Workspace ${workspace.id} (${workspace.branch}) is ${workspace.status} after start-up`,
        );
      }
    }
  }

  /**
   * Starts the first session of a ready workspace that still has its
   * initial prompt (also after a restart that came between ready and start);
   * with `setup`, of one whose setup command is running, the prompt saying so.
   */
  async startInitialSession(id: string, setup?: { setupScript: string; logFile: string }): Promise<void> {
    const workspace = this.find(id);
    const now = workspace.status === 'ready' || (setup !== undefined && workspace.status === 'provisioning');
    if (!now || !workspace.initialPrompt) return;
    const prompt = setup
      ? `${workspace.initialPrompt}\n\n${renderTemplate(this.#setupRunningTemplate, { setup: setup.setupScript, log: setup.logFile })}`
      : workspace.initialPrompt;
    const outside = workspace.initialPromptOutsideAuthors ?? [];
    await this.#patch(id, { initialPrompt: undefined, initialPromptOutsideAuthors: undefined });
    for (const hook of this.#readyHooks) {
      try {
        await hook(this.find(id), prompt, outside);
      } catch (error) {
        const message = errorText(error);
        await this.#warn(id, `Could not start the first session: ${message}`);
      }
    }
  }

  /** Directories under worktree roots that git knows as worktrees but no workspace does (for `doctor`). */
  async orphanWorktrees(): Promise<string[]> {
    const known = new Set(this.#state.data.workspaces.map((w) => resolve(w.path)));
    const orphans: string[] = [];
    for (const project of this.#projects.list()) {
      if (!existsSync(project.path) || !existsSync(project.worktreeRoot)) continue;
      const entries = await listWorktrees(project.path).catch(() => []);
      for (const entry of entries) {
        const path = resolve(entry.path);
        if (isInside(project.worktreeRoot, path) && !known.has(path)) orphans.push(path);
      }
    }
    return orphans;
  }

  async view(workspace: Workspace): Promise<WorkspaceView> {
    const project = this.#projects.get(workspace.projectId);
    const sessions = this.#state.data.sessions.filter((s) => s.workspaceId === workspace.id);
    let changes: WorkspaceView['changes'] = null;
    if (project && workspace.status === 'ready' && existsSync(workspace.path)) {
      changes = await this.#changes.get(workspace);
    }
    const disk = project ? this.#disk.peek(workspace) : undefined;
    return {
      ...workspace,
      machine: 'local',
      ...(disk ? { disk } : {}),
      project: project ? projectSlug(project) : '(removed project)',
      sessions: {
        total: sessions.length,
        running: sessions.filter((s) => ['starting', 'running', 'waiting-permission'].includes(s.status))
          .length,
        waitingForYou: sessions.filter((s) => s.status === 'waiting-permission').length,
        turns: sessions.reduce((sum, s) => sum + s.turns, 0),
        costUsd: sessions.reduce((sum, s) => sum + s.costUsd, 0),
      },
      changes,
    };
  }

  #forIssue(projectId: string, issue: number): Workspace | undefined {
    return this.#state.data.workspaces.find(
      (w) => w.projectId === projectId && w.issue?.number === issue && w.status !== 'archived',
    );
  }

  #projectOf(workspace: Workspace): Project {
    const project = this.#projects.get(workspace.projectId);
    if (!project)
      throw new AgentError('FAILED_PRECONDITION', `The project of workspace ${workspace.id} was removed.`);
    return project;
  }

  /** A branch nobody uses yet: the given one (validated), else ff/<issue>-<slug> or ff/<id>, suffixed -2, -3… if taken. */
  async #chooseBranch(project: Project, id: string, input: CreateWorkspaceInput): Promise<string> {
    const taken = async (name: string) =>
      this.#state.data.workspaces.some(
        (w) => w.projectId === project.id && w.branch === name && w.status !== 'archived',
      ) ||
      existsSync(this.#worktreePath(project, name)) ||
      (await refExists(project.path, `refs/heads/${name}`));
    if (input.branch) {
      const inUse = this.#state.data.workspaces.some(
        (w) => w.projectId === project.id && w.branch === input.branch && w.status !== 'archived',
      );
      if (inUse) throw new AgentError('ALREADY_EXISTS', `Branch ${input.branch} already has a workspace.`);
      return input.branch;
    }
    let stem = defaultBranchName({
      issueNumber: input.issue?.number,
      title: input.issue?.title,
      shortId: id.slice(0, 8),
    });
    if (!isValidBranchNameSync(stem)) stem = `ff/${id.slice(0, 8)}`;
    for (let attempt = 1; attempt < 100; attempt++) {
      const name = withSuffix(stem, attempt);
      if (!(await taken(name))) return name;
    }
    return `ff/${id}`;
  }

  /** Under the project's worktree root, always: a branch name cannot climb out of it. */
  #worktreePath(project: Project, branch: string): string {
    const root = resolve(project.worktreeRoot);
    const path = resolve(root, ...branch.split('/'));
    if (!isInside(root, path) || path === root) {
      throw new AgentError(
        'INVALID_PARAMS',
        `Branch ${JSON.stringify(branch)} would leave the worktree root.`,
      );
    }
    return path;
  }

  #startProvisioning(id: string, retry = false): void {
    const run = this.#provision(id, retry)
      .catch((error) => this.#log.error(`Provisioning ${id} crashed`, error))
      .finally(() => this.#provisioning.delete(id));
    this.#provisioning.set(id, run);
  }

  async #provision(id: string, retry: boolean): Promise<void> {
    const started = Date.now();
    const workspace = this.find(id);
    const project = this.#projectOf(workspace);
    const logFile = join(this.#paths.logs, 'workspaces', `${id}.log`);
    mkdirSync(dirname(logFile), { recursive: true });
    const logLine = (text: string) => appendFileSync(logFile, text);
    let step: ProvisionStep = 'fetching';
    const enter = async (next: ProvisionStep) => {
      step = next;
      logLine(`--- ${next} (${new Date().toISOString()})\n`);
      // Awaited: after a crash, the failure must name the step that was really running.
      await this.#patch(id, { step: next });
      this.#publish(id, { kind: 'progress', step: next, elapsedMs: Date.now() - started });
    };
    try {
      await enter('fetching');
      let startPoint = `origin/${workspace.baseBranch}`;
      if (workspace.adopted && workspace.pr) {
        // An adopted PR starts from its head as origin has it (a fork's: refs/pull/<n>/head); no fallback.
        const pr = { number: workspace.pr.number, ...workspace.adopted };
        const fetch = adoptedFetchRefspec(pr);
        await this.#repoLock.run(project.path, () => fetchRefspec(project.path, fetch.refspec));
        startPoint = fetch.startPoint;
      } else {
        try {
          await this.#fetchBase(project, workspace.baseBranch);
        } catch (error) {
          const local = await refExists(project.path, `refs/heads/${workspace.baseBranch}`);
          startPoint = local ? workspace.baseBranch : await baseRefFor(project.path, workspace.baseBranch);
          const reason = error instanceof GitError ? error.message : String(error);
          await this.#warn(
            id,
            `Could not fetch ${workspace.baseBranch} from origin (${reason}); started from ${startPoint} instead.`,
          );
        }
      }

      await enter('creating worktree');
      const alreadyThere = existsSync(join(workspace.path, '.git'));
      if (!alreadyThere) {
        if (existsSync(workspace.path) && readdirSync(workspace.path).length > 0) {
          throw new StepFailure(`${workspace.path} exists and is not empty; move it away and retry.`);
        }
        mkdirSync(dirname(workspace.path), { recursive: true });
        // A retry after the directory vanished: forget git's stale registration of this path first.
        await this.#repoLock.run(project.path, async () => {
          if (retry) await pruneWorktrees(project.path);
          const created = await addWorktree(project.path, workspace.path, workspace.branch, startPoint);
          if (created) await this.#patch(id, { createdBranch: true });
          if (workspace.adopted)
            await configureAdoptedBranch(project.path, workspace.branch, workspace.adopted);
        });
      }

      if (project.setupScript) {
        await enter('running setup');
        // The project lets Claude start on the task now, told that setup still runs and where its log is.
        if (project.sessionDuringSetup)
          await this.startInitialSession(id, { setupScript: project.setupScript, logFile });
        const result = await runSetupScript(
          project.setupScript,
          workspace.path,
          { FF_WORKSPACE_ID: id, FF_WORKSPACE_BRANCH: workspace.branch, FF_PROJECT: projectSlug(project) },
          (stream, text) => {
            logLine(text);
            this.#publish(id, { kind: 'output', step: 'running setup', stream, text });
          },
        );
        if (result.exitCode !== 0) {
          throw new StepFailure(
            result.timedOut
              ? 'The setup command timed out.'
              : `The setup command exited with code ${result.exitCode}${result.signal ? ` (${result.signal})` : ''}.`,
            result.exitCode,
            result.stderrTail,
          );
        }
      }
      // The log says ready before the state does: whoever sees `ready` can read the whole log.
      logLine(`--- ready after ${Date.now() - started} ms\n`);
      await this.#patch(id, { status: 'ready', step: undefined, failure: undefined });
      this.#log.info(`Workspace ${id} ready in ${Date.now() - started} ms`);
      await this.startInitialSession(id);
    } catch (error) {
      const failure = {
        step,
        message: error instanceof StepFailure || error instanceof GitError ? error.message : String(error),
        ...(error instanceof StepFailure && error.exitCode !== undefined ? { exitCode: error.exitCode } : {}),
        ...(error instanceof GitError ? { exitCode: error.code } : {}),
        ...(error instanceof StepFailure && error.stderrTail ? { stderrTail: error.stderrTail } : {}),
        ...(error instanceof GitError
          ? { stderrTail: error.stderr.trim().split('\n').slice(-20).join('\n') }
          : {}),
        at: new Date().toISOString(),
      };
      logLine(`--- failed while ${step}: ${failure.message}\n`);
      this.#log.warn(`Workspace ${id} failed while ${step}: ${failure.message}`);
      await this.#patch(id, { status: 'failed', step: undefined, failure });
    }
  }

  /** Fetches origin/<base>, sharing a fetch that is in flight or finished less than FETCH_FRESH_MS ago. */
  #fetchBase(project: Project, base: string): Promise<void> {
    const key = `${project.id}#${base}`;
    const recent = this.#fetches.get(key);
    if (recent && Date.now() - recent.at < FETCH_FRESH_MS) return recent.done;
    const done = this.#repoLock.run(project.path, () => fetchBranch(project.path, base));
    const entry = { at: Date.now(), done };
    this.#fetches.set(key, entry);
    // A failed fetch is not reused: the next workspace tries again.
    done.catch(() => {
      if (this.#fetches.get(key) === entry) this.#fetches.delete(key);
    });
    done.then(
      () => {
        entry.at = Date.now();
      },
      () => {},
    );
    return done;
  }

  async #warn(id: string, message: string): Promise<void> {
    const workspace = this.find(id);
    await this.#patch(id, { warnings: [...workspace.warnings, message].slice(-10) });
    this.#publish(id, { kind: 'warning', message });
  }

  /** Applies the change now and publishes it; the returned promise is the disk write. */
  #patch(id: string, patch: Partial<Workspace>): Promise<void> {
    const write = this.#state.update((state) => {
      const workspace = state.workspaces.find((w) => w.id === id);
      if (!workspace) return;
      applyPatch(workspace, patch);
    });
    this.#published(this.find(id));
    return write;
  }

  #published(workspace: Workspace): void {
    this.#publish(workspace.id, { kind: 'updated', workspace });
    for (const listener of this.#changeListeners) listener(workspace.projectId);
  }

  #publish(id: string, event: WorkspaceEvent): void {
    this.#hub.publish(`workspace:${id}`, event);
  }
}

class StepFailure extends Error {
  readonly exitCode: number | undefined;
  readonly stderrTail: string | undefined;
  constructor(message: string, exitCode?: number, stderrTail?: string) {
    super(message);
    this.exitCode = exitCode;
    this.stderrTail = stderrTail;
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return (
    rel === '' ||
    (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel))
  );
}

/**
 * An adopted PR's branch: one in this repo tracks origin's (plain `git pull` /
 * `git push` work); a fork's pushes to a remote that does not exist, so a
 * plain `git push` fails saying why instead of writing anywhere.
 */
async function configureAdoptedBranch(
  repo: string,
  branch: string,
  adopted: NonNullable<Workspace['adopted']>,
): Promise<void> {
  const set = (key: string, value: string) => git(repo, ['config', `branch.${branch}.${key}`, value]);
  if (adopted.fork) {
    await set('pushRemote', 'ff-does-not-push-to-a-fork-PR');
    return;
  }
  await set('remote', 'origin');
  await set('merge', `refs/heads/${adopted.headRefName}`);
}
