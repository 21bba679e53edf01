import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Project, projectSlug } from '../../shared/domain.js';
import { AgentError } from '../../shared/protocol.js';
import { parseRemoteUrl } from '../git/remote.js';
import { detectDefaultBranch, originUrl, repoTopLevel } from '../git/worktree.js';
import { GITHUB_COM, notGitHubProblem } from '../github/api-url.js';
import type { HomePaths } from '../store/home.js';
import type { StateStore } from '../store/state-store.js';
import { agentHome, agentSidePath } from '../user-path.js';

export function newId(): string {
  return randomBytes(5).toString('hex');
}

export interface AddProjectInput {
  path: string;
  setupScript?: string;
  sessionDuringSetup?: boolean;
  worktreeRoot?: string;
}

/** What `project.set` may change; what is left out stays. An empty setup command removes it. */
export interface ProjectSettingsPatch {
  setupScript?: string;
  sessionDuringSetup?: boolean;
  /** `false`: sessions run outside the OS sandbox, an explicit choice; `true`: inside (the default). */
  sandbox?: boolean;
  allowHosts?: string[];
  disallowHosts?: string[];
  runScript?: string;
  archiveScript?: string;
  portVariable?: boolean;
}

/** Projects: local clones linked to `owner/repo`. */
export class Projects {
  readonly #state: StateStore;
  readonly #paths: HomePaths;
  readonly #apiUrlHosts: readonly string[];

  /** `apiUrlHosts`: the Enterprise hosts FF_GITHUB_API_URLS names (accepted like the setting's). */
  constructor(state: StateStore, paths: HomePaths, apiUrlHosts: readonly string[] = []) {
    this.#state = state;
    this.#paths = paths;
    this.#apiUrlHosts = apiUrlHosts;
  }

  #enterpriseHosts(): string[] {
    return [...this.#state.data.settings.githubEnterpriseHosts, ...this.#apiUrlHosts];
  }

  list(): Project[] {
    return [...this.#state.data.projects];
  }

  /**
   * By id, `owner/repo` or `host/owner/repo` (any case). An `owner/repo` that
   * clones on two hosts share must say which; anything else unknown is a
   * clear NOT_FOUND naming the fix.
   */
  resolve(ref: string): Project {
    const lower = ref.toLowerCase();
    const byId = this.#state.data.projects.find((p) => p.id === ref);
    if (byId) return byId;
    const matches = this.#state.data.projects.filter(
      (p) => projectSlug(p).toLowerCase() === lower || `${p.host}/${projectSlug(p)}`.toLowerCase() === lower,
    );
    if (matches.length > 1) {
      throw new AgentError(
        'INVALID_PARAMS',
        `${ref} is on more than one host (${matches.map((p) => p.host).join(', ')}): say which, e.g. ${matches[1]!.host}/${ref}.`,
      );
    }
    const project = matches[0];
    if (!project) {
      throw new AgentError(
        'NOT_FOUND',
        `No local clone of ${ref} is registered. Run \`ff-agent project add <path to your clone>\`.`,
      );
    }
    return project;
  }

  get(id: string): Project | undefined {
    return this.#state.data.projects.find((p) => p.id === id);
  }

  async add(input: AddProjectInput): Promise<Project> {
    const home = agentHome();
    const clone = agentSidePath(input.path, home, 'path to a clone');
    if (!clone.ok) throw new AgentError('INVALID_PARAMS', clone.error);
    const root = input.worktreeRoot ? agentSidePath(input.worktreeRoot, home, 'worktree root') : undefined;
    if (root && !root.ok) throw new AgentError('INVALID_PARAMS', root.error);
    const given = clone.path;
    if (!existsSync(given)) throw new AgentError('INVALID_PARAMS', `${given} does not exist.`);
    const path = await repoTopLevel(given);
    if (!path) throw new AgentError('FAILED_PRECONDITION', `${given} is not a git repository.`);
    const url = await originUrl(path);
    if (!url) {
      throw new AgentError(
        'FAILED_PRECONDITION',
        `${path} has no "origin" remote. Add one with \`git remote add origin <GitHub URL>\`.`,
      );
    }
    const remote = parseRemoteUrl(url);
    if (!remote) {
      throw new AgentError(
        'FAILED_PRECONDITION',
        `Cannot read owner/repo from the origin URL of ${path} (${url}): ff needs a GitHub remote.`,
      );
    }
    const hostProblem = notGitHubProblem(remote.host, this.#enterpriseHosts());
    if (hostProblem) throw new AgentError('FAILED_PRECONDITION', hostProblem);
    const slug = `${remote.owner}/${remote.repo}`;
    const existing = this.#state.data.projects.find(
      (p) =>
        p.path === path || (p.host === remote.host && projectSlug(p).toLowerCase() === slug.toLowerCase()),
    );
    if (existing) {
      throw new AgentError(
        'ALREADY_EXISTS',
        `${projectSlug(existing)} is already registered (at ${existing.path}).`,
      );
    }
    const project: Project = {
      id: newId(),
      path,
      host: remote.host,
      owner: remote.owner,
      repo: remote.repo,
      defaultBranch: await detectDefaultBranch(path),
      worktreeRoot: root?.ok
        ? root.path
        : // github.com's as owner/repo; another host's under its name, so the same owner/repo there cannot collide
          join(
            this.#paths.worktrees,
            ...(remote.host === GITHUB_COM ? [] : [remote.host]),
            remote.owner,
            remote.repo,
          ),
      ...(input.setupScript?.trim() ? { setupScript: input.setupScript } : {}),
      ...(input.sessionDuringSetup ? { sessionDuringSetup: true } : {}),
      createdAt: new Date().toISOString(),
    };
    await this.#state.update((state) => {
      state.projects.push(project);
    });
    return project;
  }

  /**
   * Changes a project's scripts, when its first session starts, or whether PORT is set (workspaces
   * made after use them), and its sessions' sandbox and hosts (sessions started after use them).
   */
  async set(ref: string, patch: ProjectSettingsPatch): Promise<Project> {
    const { id } = this.resolve(ref);
    await this.#state.update((state) => {
      const project = state.projects.find((p) => p.id === id);
      if (!project) return;
      for (const key of ['setupScript', 'runScript', 'archiveScript'] as const) {
        const command = patch[key];
        if (command === undefined) continue;
        if (command.trim()) project[key] = command;
        else delete project[key];
      }
      if (patch.sessionDuringSetup !== undefined) {
        if (patch.sessionDuringSetup) project.sessionDuringSetup = true;
        else delete project.sessionDuringSetup;
      }
      if (patch.sandbox !== undefined) {
        if (patch.sandbox) delete project.unsandboxed;
        else project.unsandboxed = true;
      }
      if (patch.allowHosts || patch.disallowHosts) {
        const hosts = allowedHostsAfter(project.allowedHosts ?? [], patch.allowHosts, patch.disallowHosts);
        if (hosts.length) project.allowedHosts = hosts;
        else delete project.allowedHosts;
      }
      // PORT is set by default: only turning it off is stored.
      if (patch.portVariable !== undefined) {
        if (patch.portVariable) delete project.portVariable;
        else project.portVariable = false;
      }
    });
    return this.resolve(id);
  }

  /**
   * Unregisters a project. Refuses while it has active workspaces unless
   * forced; forced, those workspaces are marked archived and their worktrees
   * are left on disk (listed in the answer), never deleted.
   */
  async remove(ref: string, force = false): Promise<{ removed: Project; workspacesLeftOnDisk: string[] }> {
    const project = this.resolve(ref);
    const active = this.#state.data.workspaces.filter(
      (w) => w.projectId === project.id && w.status !== 'archived',
    );
    if (active.length > 0 && !force) {
      throw new AgentError(
        'FAILED_PRECONDITION',
        `${projectSlug(project)} has ${active.length} active workspace(s) (${active
          .map((w) => w.branch)
          .join(', ')}). Archive them first, or remove with --force (their worktrees stay on disk).`,
      );
    }
    const now = new Date().toISOString();
    await this.#state.update((state) => {
      state.projects = state.projects.filter((p) => p.id !== project.id);
      for (const workspace of state.workspaces) {
        if (workspace.projectId === project.id && workspace.status !== 'archived') {
          workspace.status = 'archived';
          workspace.updatedAt = now;
        }
      }
    });
    return { removed: project, workspacesLeftOnDisk: active.map((w) => w.path).filter((p) => existsSync(p)) };
  }
}

/** A project's hosts after adding and removing some — pure; in the order first allowed, no repeats. */
export function allowedHostsAfter(
  hosts: readonly string[],
  add: readonly string[] = [],
  remove: readonly string[] = [],
): string[] {
  return [...new Set([...hosts, ...add])].filter((host) => !remove.includes(host));
}
