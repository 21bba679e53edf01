import { projectSlug } from '../../shared/domain.js';
import type { CostHistory, FleetRow } from '../../shared/protocol.js';
import type { Sessions } from '../claude/sessions.js';
import type { HomePaths } from '../store/home.js';
import type { StateStore } from '../store/state-store.js';
import { aggregateCosts, CostCache, dayRange } from './cost-history.js';
import { ProcessSampler } from './process-stats.js';

/**
 * The fleet view's figures: every session's live activity with its claude
 * process's CPU and memory, and what the sessions cost per day and repo.
 */
export class Fleet {
  readonly #state: StateStore;
  readonly #sessions: Sessions;
  readonly #sampler = new ProcessSampler();
  readonly #costs: CostCache;

  constructor(deps: { state: StateStore; sessions: Sessions; paths: HomePaths }) {
    this.#state = deps.state;
    this.#sessions = deps.sessions;
    this.#costs = new CostCache(deps.paths.transcripts);
  }

  async status(): Promise<FleetRow[]> {
    const sessions = this.#state.data.sessions;
    const stats = await this.#sampler.sample(sessions.flatMap((s) => (s.pid ? [s.pid] : [])));
    return sessions.map((session) => {
      const process = session.pid ? stats.get(session.pid) : undefined;
      return { sessionId: session.id, ...this.#sessions.activity(session), ...(process ? { process } : {}) };
    });
  }

  costs(days: number, today = new Date()): CostHistory {
    const { projects, workspaces, sessions } = this.#state.data;
    const repoOf = new Map(
      workspaces.map((w) => {
        const project = projects.find((p) => p.id === w.projectId);
        return [w.id, project ? projectSlug(project) : 'unknown'];
      }),
    );
    return aggregateCosts(
      sessions.map((s) => ({ repo: repoOf.get(s.workspaceId) ?? 'unknown', costs: this.#costs.costs(s.id) })),
      dayRange(days, today),
    );
  }
}
