import { errorText } from '../../shared/error-text.js';
import { AgentError } from '../../shared/protocol.js';
import type { TickResult } from '../../shared/ratchet.js';
import { GitHubError } from '../github/client.js';
import type { FixerBudget } from './budget.js';
import {
  actOnPullRequest,
  type DecidedPullRequest,
  decidePullRequest,
  type HandleDeps,
  type RecordChange,
  showReplied,
} from './handle.js';
import type { PullRequestLook } from './look.js';
import { type LookPace, nextLookOf, withNextLook } from './pace.js';
import type { RatchetRecords } from './records.js';

export type TickDeps = HandleDeps & {
  records: Pick<RatchetRecords, 'hosts' | 'tracked' | 'hostOf'>;
  budget: Pick<FixerBudget, 'count'>;
  look: Pick<PullRequestLook, 'host' | 'forget'>;
  pace: LookPace;
  /** The schedule's step (ms): a minute by default. */
  stepMs: () => number;
};

/**
 * One tick: every GitHub host (github.com, Enterprise hosts) asked at once
 * for its tracked PRs, then each PR decided and acted on in turn. A host
 * that fails is skipped — its PRs unchanged, the result saying why — and
 * never holds up the others. A scheduled tick also skips a host whose
 * GitHub budget spaces its looks wider than the schedule (see pace.ts);
 * one asked for now looks anyway, within the same 80% of the hour's points.
 */
export async function runTick(deps: TickDeps, options: { scheduled?: boolean } = {}): Promise<TickResult> {
  const started = new Date();
  const result: TickResult = {
    ran: false,
    checked: 0,
    decisions: [],
    startedAt: started.toISOString(),
    durationMs: 0,
  };
  deps.budget.count(started);
  const failures: string[] = [];
  /** Hosts GitHub's rate limit holds until a reset. */
  const held: string[] = [];
  /** What GitHub's budget changed, for people. */
  const paced: string[] = [];
  const failed = (host: string, error: unknown) => {
    // GitHub trouble: skip this host's PRs, change nothing, say why.
    failures.push(
      error instanceof GitHubError || error instanceof AgentError ? error.message : String(error),
    );
    if (!(error instanceof GitHubError)) deps.log.error(`Ratchet tick failed for ${host}`, error);
    else deps.log.warn(`Ratchet tick skipped ${host}: ${error.message}`);
    // Out of points (GitHub's answer, or the ratchet's own 80%): no scheduled look before they reset.
    if (error instanceof GitHubError && error.kind === 'rate-limited' && error.retryAt !== undefined) {
      deps.pace.spent(host, error.retryAt);
      held.push(host);
    }
  };
  const laterChanges: Array<Parameters<RecordChange>> = [];
  const later: RecordChange = async (id, next) => {
    laterChanges.push([id, next]);
  };
  const step = deps.stepMs();
  const due = deps.records
    .hosts()
    .filter((host) => !options.scheduled || deps.pace.due(host, started.getTime(), step));
  // The hosts are asked at once (a slow one does not delay the others); their PRs are then handled in turn.
  const looks = await Promise.all(
    due.map((host) =>
      deps.look.host(host).then(
        (look) => ({ host, look }),
        (error: unknown) => {
          failed(host, error);
          return { host, look: undefined };
        },
      ),
    ),
  );
  for (const { host, look } of looks) {
    if (!look) continue;
    result.ran = true;
    const pace = deps.pace.looked(host, look.points.recurring, look.github.rateLimit, Date.now(), step);
    const nextLook = nextLookOf(pace);
    const words = nextLook.pace;
    if (look.deferred > 0)
      paced.push(`${look.deferred} PR(s) on ${host} wait for a later look: GitHub budget`);
    if (words) paced.push(`${host}: ${words}`);
    try {
      // Every PR decided first, their decisions recorded together (one state write for the
      // lot, on disk before anything is done); then each acted on in turn.
      const decided: DecidedPullRequest[] = [];
      for (const workspace of look.tracked) {
        const nodeId = workspace.pr!.nodeId;
        const snapshot = look.snapshots.get(nodeId);
        if (!snapshot) {
          const error = look.errors.get(nodeId);
          if (error) deps.log.warn(`Ratchet: PR of ${workspace.id}: ${error}`);
          continue;
        }
        result.checked++;
        decided.push(
          decidePullRequest(deps, {
            github: look.github,
            workspaceId: workspace.id,
            snapshot,
            viewerLogin: look.viewerLogin,
            nextLook,
          }),
        );
      }
      await Promise.all(decided.filter((d) => d.durable).map((d) => d.recorded));
      for (const pr of decided) {
        const decision = await showReplied(deps, pr.seen, await actOnPullRequest(deps, pr, later));
        // Acting changes the PR on GitHub: the next look reads it in full.
        if (decision.action !== 'none') deps.look.forget(host, pr.seen.snapshot.nodeId);
        result.decisions.push({ workspaceId: pr.seen.workspaceId, decision });
      }
    } catch (error) {
      failed(host, error);
    }
  }
  // A host that may not be asked before its reset: its PRs' sentences say when, and why (one write).
  for (const host of held) {
    const nextLook = nextLookOf(deps.pace.of(host));
    for (const workspace of deps.records.tracked())
      if (workspace.pr && deps.records.hostOf(workspace) === host)
        laterChanges.push([workspace.id, (ratchet) => withNextLook(ratchet, nextLook)]);
  }
  // What acting ended with, when it need not be on disk before going on (a failure), in one write.
  await Promise.all(
    laterChanges.map(([id, next]) =>
      deps.records
        .update(id, next)
        .catch((error: unknown) => deps.log.warn(`Ratchet: saving ${id}: ${errorText(error)}`)),
    ),
  );
  if (failures.length > 0) result.error = failures.join(' ');
  if (paced.length > 0) result.budget = `${paced.join('; ')}.`;
  result.durationMs = Date.now() - started.getTime();
  return result;
}
