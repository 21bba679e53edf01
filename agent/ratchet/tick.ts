import { AgentError } from '../../shared/protocol.js';
import type { TickResult } from '../../shared/ratchet.js';
import { GitHubError } from '../github/client.js';
import type { FixerBudget } from './budget.js';
import { type HandleDeps, handleAndShow } from './handle.js';
import type { PullRequestLook } from './look.js';
import type { RatchetRecords } from './records.js';

export type TickDeps = HandleDeps & {
  records: Pick<RatchetRecords, 'hosts'>;
  budget: Pick<FixerBudget, 'count'>;
  look: Pick<PullRequestLook, 'host'>;
};

/**
 * One tick: every GitHub host (github.com, Enterprise hosts) asked at once
 * for its tracked PRs, then each PR decided and acted on in turn. A host
 * that fails is skipped — its PRs unchanged, the result saying why — and
 * never holds up the others.
 */
export async function runTick(deps: TickDeps): Promise<TickResult> {
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
  const failed = (host: string, error: unknown) => {
    // GitHub trouble: skip this host's PRs, change nothing, say why.
    failures.push(
      error instanceof GitHubError || error instanceof AgentError ? error.message : String(error),
    );
    if (!(error instanceof GitHubError)) deps.log.error(`Ratchet tick failed for ${host}`, error);
    else deps.log.warn(`Ratchet tick skipped ${host}: ${error.message}`);
  };
  // The hosts are asked at once (a slow one does not delay the others); their PRs are then handled in turn.
  const looks = await Promise.all(
    deps.records.hosts().map((host) =>
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
    try {
      for (const workspace of look.tracked) {
        const nodeId = workspace.pr!.nodeId;
        const snapshot = look.snapshots.get(nodeId);
        if (!snapshot) {
          deps.log.warn(`Ratchet: PR of ${workspace.id}: ${look.errors.get(nodeId)}`);
          continue;
        }
        result.checked++;
        const decision = await handleAndShow(deps, {
          github: look.github,
          workspaceId: workspace.id,
          snapshot,
          viewerLogin: look.viewerLogin,
        });
        result.decisions.push({ workspaceId: workspace.id, decision });
      }
    } catch (error) {
      failed(host, error);
    }
  }
  if (failures.length > 0) result.error = failures.join(' ');
  result.durationMs = Date.now() - started.getTime();
  return result;
}
