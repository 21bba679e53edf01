import type { Workspace } from '../../shared/domain.js';
import type { PrSnapshot } from '../../shared/ratchet.js';
import type { GitHub } from '../github/github.js';
import type { GitHubHosts } from '../github/hosts.js';
import type { Logger } from '../logger.js';
import type { Projects } from '../workspaces/projects.js';
import type { Workspaces } from '../workspaces/workspaces.js';
import type { RatchetRecords } from './records.js';
import type { RatchetSettingsBook } from './settings.js';

export interface LookDeps {
  github: GitHubHosts;
  records: Pick<RatchetRecords, 'tracked' | 'hostOf'>;
  settings: Pick<RatchetSettingsBook, 'of'>;
  workspaces: Pick<Workspaces, 'linkPullRequest'>;
  projects: Pick<Projects, 'get'>;
  log: Logger;
}

/** What one host answered in a tick: who we are there, and its tracked PRs. */
export interface HostLook {
  github: GitHub;
  viewerLogin: string;
  tracked: Workspace[];
  snapshots: Map<string, PrSnapshot>;
  errors: Map<string, string>;
}

/**
 * What the ratchet asks GitHub: per host, the PRs of workspaces that have
 * none yet, then a snapshot of every tracked PR — in one batched query per
 * 100 PRs, never one call per PR; or one PR's snapshot, looked at now.
 */
export class PullRequestLook {
  readonly #deps: LookDeps;

  constructor(deps: LookDeps) {
    this.#deps = deps;
  }

  /** One host's part of a tick: its viewer, the PRs of its new workspaces, then snapshots of its tracked PRs. */
  async host(host: string): Promise<HostLook> {
    const { records, settings } = this.#deps;
    const github = this.#deps.github.forHost(host);
    const viewerLogin = await github.viewerLogin();
    const onHost = () => records.tracked().filter((w) => records.hostOf(w) === host);
    await this.#discoverPullRequests(github, onHost());
    const tracked = onHost().filter((w) => w.pr && settings.of(w.projectId).enabled);
    if (tracked.length === 0)
      return { github, viewerLogin, tracked, snapshots: new Map(), errors: new Map() };
    const { snapshots, errors } = await github.pullRequests(tracked.map((w) => w.pr!.nodeId));
    return { github, viewerLogin, tracked, snapshots, errors };
  }

  /** One PR's snapshot now (a warning and undefined when GitHub has none for it). */
  async pullRequest(
    github: GitHub,
    workspace: { id: string; pr: { nodeId: string } },
  ): Promise<PrSnapshot | undefined> {
    const { nodeId } = workspace.pr;
    const { snapshots, errors } = await github.pullRequests([nodeId]);
    const snapshot = snapshots.get(nodeId);
    if (!snapshot) this.#deps.log.warn(`Ratchet: PR of ${workspace.id}: ${errors.get(nodeId)}`);
    return snapshot;
  }

  /** Finds the PR of each workspace that has none yet (after its session pushed), in one request. */
  async #discoverPullRequests(github: GitHub, workspaces: Workspace[]): Promise<void> {
    const without = workspaces.filter((w) => !w.pr);
    if (without.length === 0) return;
    const refs = await github.pullRequestsForBranches(
      without.map((w) => {
        const project = this.#deps.projects.get(w.projectId)!;
        return { owner: project.owner, repo: project.repo, branch: w.branch };
      }),
    );
    for (const [i, ref] of refs.entries()) {
      const workspace = without[i]!;
      if (!ref) continue;
      await this.#deps.workspaces.linkPullRequest(workspace.id, {
        number: ref.number,
        url: ref.url,
        nodeId: ref.id,
      });
      this.#deps.log.info(`Ratchet: workspace ${workspace.id} has PR #${ref.number}`);
    }
  }
}
