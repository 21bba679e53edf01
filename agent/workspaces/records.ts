import type { Project, Workspace } from '../../shared/domain.js';
import { AgentError, type WorkspaceEvent } from '../../shared/protocol.js';
import type { EventHub } from '../events/event-hub.js';
import { applyPatch } from '../store/apply-patch.js';
import type { StateStore } from '../store/state-store.js';
import type { StartedProcesses } from '../supervisor/started-processes.js';
import type { Projects } from './projects.js';

/**
 * Called before a workspace's worktree goes away: stop what this module
 * started there (sessions, terminals, …), and say which process groups and
 * sessions those were, so that what they left running is ended too
 * (stop-processes.ts).
 */
export type ArchiveHook = (
  workspace: Workspace,
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook with no processes to name (sessions' stopAll) returns nothing
) => Promise<StartedProcesses | undefined | void> | StartedProcesses | undefined | void;

/**
 * Called when a workspace becomes ready with a first prompt to start a session with.
 * `outsideAuthors`: logins outside the repo whose text the prompt carries; `unverified`:
 * why it carries text whose author ff could not verify, if it does.
 */
export type ReadyHook = (
  workspace: Workspace,
  prompt: string,
  outsideAuthors: readonly string[],
  unverified: string | undefined,
) => Promise<void> | void;

/** A workspace's warnings keep the newest this many. */
export const MAX_WARNINGS = 10;

/**
 * The workspace records (the `workspaces` slice of state.json) and their topic,
 * `workspace:<id>`: finding records, changing them (each change published to the
 * topic and to the change listeners), and the hooks other modules hang on a
 * workspace's life. The use cases beside this file read and write through it.
 */
export class WorkspaceRecords {
  readonly #state: StateStore;
  readonly #projects: Projects;
  readonly #hub: EventHub;
  readonly #archiveHooks: ArchiveHook[] = [];
  readonly #readyHooks: ReadyHook[] = [];
  readonly #changeListeners: Array<(projectId: string) => void> = [];

  constructor(deps: { state: StateStore; projects: Projects; hub: EventHub }) {
    this.#state = deps.state;
    this.#projects = deps.projects;
    this.#hub = deps.hub;
  }

  /** The record, or a NOT_FOUND naming how to see the others. */
  find(id: string): Workspace {
    const workspace = this.#state.data.workspaces.find((w) => w.id === id);
    if (!workspace)
      throw new AgentError('NOT_FOUND', `No workspace ${id}. \`ff-agent workspace list\` shows them.`);
    return workspace;
  }

  /** Every record, archived ones too. */
  all(): readonly Workspace[] {
    return this.#state.data.workspaces;
  }

  /** The project's workspace (not archived) for this issue. */
  forIssue(projectId: string, issue: number): Workspace | undefined {
    return this.#state.data.workspaces.find(
      (w) => w.projectId === projectId && w.issue?.number === issue && w.status !== 'archived',
    );
  }

  /** The project's workspace (not archived) bound to this pull request. */
  forPullRequest(projectId: string, number: number): Workspace | undefined {
    return this.#state.data.workspaces.find(
      (w) => w.projectId === projectId && w.pr?.number === number && w.status !== 'archived',
    );
  }

  /** The project's workspace (not archived, other than `exceptId`) working on this branch. */
  onBranch(projectId: string, branch: string, exceptId?: string): Workspace | undefined {
    return this.#state.data.workspaces.find(
      (w) => w.id !== exceptId && w.projectId === projectId && w.branch === branch && w.status !== 'archived',
    );
  }

  projectOf(workspace: Workspace): Project {
    const project = this.#projects.get(workspace.projectId);
    if (!project)
      throw new AgentError('FAILED_PRECONDITION', `The project of workspace ${workspace.id} was removed.`);
    return project;
  }

  /** Adds a new record now and publishes it; the returned promise is the disk write. */
  add(workspace: Workspace): Promise<void> {
    const write = this.#state.update((state) => {
      state.workspaces.push(workspace);
    });
    this.#published(workspace);
    return write;
  }

  /** Applies the change now and publishes it; the returned promise is the disk write. */
  patch(id: string, patch: Partial<Workspace>): Promise<void> {
    const write = this.#state.update((state) => {
      const workspace = state.workspaces.find((w) => w.id === id);
      if (!workspace) return;
      applyPatch(workspace, patch);
    });
    this.#published(this.find(id));
    return write;
  }

  /** Something went wrong without failing the workspace: kept on the record and published. */
  async warn(id: string, message: string): Promise<void> {
    const workspace = this.find(id);
    await this.patch(id, { warnings: [...workspace.warnings, message].slice(-MAX_WARNINGS) });
    this.publish(id, { kind: 'warning', message });
  }

  publish(id: string, event: WorkspaceEvent): void {
    this.#hub.publish(`workspace:${id}`, event);
  }

  /** Tells the change listeners (boards) that this workspace, or one of its sessions, changed. */
  changed(id: string): void {
    const workspace = this.#state.data.workspaces.find((w) => w.id === id);
    if (workspace) for (const listener of this.#changeListeners) listener(workspace.projectId);
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

  get archiveHooks(): readonly ArchiveHook[] {
    return this.#archiveHooks;
  }

  get readyHooks(): readonly ReadyHook[] {
    return this.#readyHooks;
  }

  #published(workspace: Workspace): void {
    this.publish(workspace.id, { kind: 'updated', workspace });
    for (const listener of this.#changeListeners) listener(workspace.projectId);
  }
}
