import type { RatchetDecision, RatchetSettings } from '../../shared/ratchet.js';
import type { GitHub } from '../github/github.js';
import type { FixerBrief, Fixers } from './fixer.js';
import { postReplies } from './post-replies.js';
import type { RatchetRecords } from './records.js';

export interface EffectsDeps {
  /** The repository a project's PRs live in (what REST calls name). */
  projects: { get(projectId: string): { owner: string; repo: string } | undefined };
  records: Pick<RatchetRecords, 'get' | 'update'>;
  fixers: Pick<Fixers, 'start' | 'tell'>;
}

/** What acting on a decision did that the decision should carry: the fixer session it started or told. */
export interface Acted {
  sessionId?: string;
}

/**
 * Does what a decision says, after it is recorded: the GitHub calls
 * (re-run failed jobs, update the branch, merge, post the thread replies)
 * and the fixer's dispatch. Each call pins what the decision saw (the head
 * commit, the runs): a PR that moved since is not acted on by mistake. A
 * failure is thrown for the caller to record with the decision.
 */
export async function act(
  deps: EffectsDeps,
  github: GitHub,
  decision: RatchetDecision,
  brief: FixerBrief,
  settings: RatchetSettings,
): Promise<Acted> {
  const { workspace, snapshot } = brief;
  switch (decision.action) {
    case 'rerun-checks':
      await rerunChecks(github, deps.projects.get(workspace.projectId)!, decision.runIds ?? []);
      return {};
    case 'update-branch':
      await github.updateBranch(snapshot.nodeId, snapshot.headRefOid);
      return {};
    case 'reply-threads':
      await postReplies(github, deps.records, workspace.id, snapshot);
      return {};
    case 'start-fixer':
      return { sessionId: await deps.fixers.start(github, brief, settings) };
    case 'tell-fixer': {
      const sessionId = deps.records.get(workspace.id).fixerSessionId!;
      await deps.fixers.tell(github, sessionId, brief);
      return { sessionId };
    }
    case 'merge':
      await github.merge(snapshot.nodeId, snapshot.headRefOid, settings.mergeMethod);
      return {};
    case 'pause':
    case 'none':
      return {};
  }
}

/** Re-runs the failed jobs of each GitHub Actions workflow run, one after another. */
export async function rerunChecks(
  github: Pick<GitHub, 'rerunFailedJobs'>,
  repo: { owner: string; repo: string },
  runIds: readonly number[],
): Promise<void> {
  for (const runId of runIds) await github.rerunFailedJobs(repo.owner, repo.repo, runId);
}
