import type { AssignedIssue, Board } from '../../shared/board.js';
import { type Preview, projectSlug } from '../../shared/domain.js';
import { errorText } from '../../shared/error-text.js';
import type { EventHub } from '../events/event-hub.js';
import type { GitHubHosts } from '../github/hosts.js';
import type { Logger } from '../logger.js';
import type { StateStore } from '../store/state-store.js';
import type { Projects } from '../workspaces/projects.js';
import { deriveBoard } from './board.js';

/** How long assigned issues are reused before board.get asks GitHub again. */
const ISSUES_TTL_MS = 60_000;

/**
 * Boards per project: the pure derivation over current state plus the
 * assigned issues (cached; `board.refresh` re-fetches). Every workspace or
 * session change pushes the affected project's board on the `board` topic.
 */
export class Boards {
  readonly #issues = new Map<string, { at: number; issues: AssignedIssue[]; error?: string }>();
  #pending = new Set<string>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: {
      state: StateStore;
      projects: Projects;
      github: GitHubHosts;
      hub: EventHub;
      log: Logger;
      /** A workspace's previews as last found (the card's Open link). */
      previews?: (workspaceId: string) => Preview[] | undefined;
    },
  ) {}

  async get(projectRef: string, options: { refresh?: boolean; filter?: string } = {}): Promise<Board> {
    const project = this.deps.projects.resolve(projectRef);
    const slug = projectSlug(project);
    const key = `${project.id}#${options.filter ?? ''}`;
    let cached = this.#issues.get(key);
    if (options.refresh || !cached || Date.now() - cached.at > ISSUES_TTL_MS) {
      try {
        const issues = await this.deps.github
          .forHost(project.host)
          .assignedIssues(project.owner, project.repo, options.filter);
        cached = { at: Date.now(), issues };
      } catch (error) {
        const message = errorText(error);
        cached = { at: Date.now(), issues: cached?.issues ?? [], error: message };
      }
      this.#issues.set(key, cached);
    }
    return this.#board(project.id, slug, cached);
  }

  /** Called on every workspace/session change; coalesced so a burst pushes each board once. */
  changed(projectId: string): void {
    this.#pending.add(projectId);
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      const ids = [...this.#pending];
      this.#pending.clear();
      for (const id of ids) {
        const project = this.deps.projects.get(id);
        if (!project) continue;
        const slug = projectSlug(project);
        const board = this.#board(id, slug, this.#issues.get(`${id}#`));
        this.deps.hub.publish('board', {
          kind: 'board',
          project: slug,
          host: project.host,
          machine: 'local',
          board,
        });
      }
    }, 50);
  }

  #board(
    projectId: string,
    slug: string,
    cached?: { at: number; issues: AssignedIssue[]; error?: string },
  ): Board {
    const workspaces = this.deps.state.data.workspaces.filter((w) => w.projectId === projectId);
    const ids = new Set(workspaces.map((w) => w.id));
    return {
      project: slug,
      columns: deriveBoard({
        project: slug,
        workspaces,
        sessions: this.deps.state.data.sessions.filter((s) => ids.has(s.workspaceId)),
        assignedIssues: cached?.issues ?? [],
        previews: this.deps.previews,
      }),
      ...(cached?.error ? { issuesError: cached.error } : {}),
      ...(cached ? { issuesFetchedAt: new Date(cached.at).toISOString() } : {}),
    };
  }
}
