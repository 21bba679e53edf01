import { errorText } from '../../shared/error-text.js';
import type { PrSnapshot, RatchetDecision, RatchetSettings, WorkspaceRatchet } from '../../shared/ratchet.js';
import type { GitHub } from '../github/github.js';
import type { Logger } from '../logger.js';
import { noPushReason } from '../workspaces/adopt.js';
import type { Workspaces } from '../workspaces/workspaces.js';
import {
  applyDecision,
  applyFixerStarted,
  applyOutcome,
  decisionChanged,
  decisionRecord,
  type FixerSeen,
  newRoundId,
} from './apply.js';
import type { FixerBudget } from './budget.js';
import { classifyPullRequest } from './classify.js';
import { decideRatchetAction } from './decide.js';
import { act, type EffectsDeps } from './effects.js';
import type { FixerBrief, Fixers } from './fixer.js';
import type { PullRequestLook } from './look.js';
import type { RatchetRecords } from './records.js';
import type { RatchetSettingsBook } from './settings.js';
import { planThreadReplies, type ReplyPlan } from './threads.js';

export interface HandleDeps extends EffectsDeps {
  records: Pick<RatchetRecords, 'get' | 'update' | 'logDecision'>;
  settings: Pick<RatchetSettingsBook, 'of'>;
  fixers: Pick<Fixers, 'seen' | 'turnsOf' | 'finalText' | 'start' | 'tell'>;
  workspaces: Pick<Workspaces, 'find'>;
  budget: Pick<FixerBudget, 'spentOn'>;
  look: Pick<PullRequestLook, 'pullRequest'>;
  log: Logger;
  /** When the ratchet looks next (ISO), if scheduled. */
  nextTickAt: () => string | undefined;
}

/** One PR as a look saw it. */
export interface PullRequestSeen {
  github: GitHub;
  workspaceId: string;
  snapshot: PrSnapshot;
  /** Who ff is on this PR's GitHub: its own comments and reviews are not feedback. */
  viewerLogin: string;
}

/**
 * One PR, from what GitHub showed to what the ratchet did: classified and
 * decided (pure), the decision recorded, then acted on, then — when it
 * said something new or did something — logged and announced.
 */
export async function handlePullRequest(deps: HandleDeps, seen: PullRequestSeen): Promise<RatchetDecision> {
  const { github, workspaceId, snapshot } = seen;
  const workspace = deps.workspaces.find(workspaceId);
  const settings = deps.settings.of(workspace.projectId);
  const classification = classifyPullRequest(snapshot, {
    viewerLogin: seen.viewerLogin,
    allowedReviewers: settings.allowedReviewers,
  });
  const fixer = deps.fixers.seen(workspace.ratchet.fixerSessionId);
  const replies = replyPlan(deps.fixers, workspace.ratchet, snapshot, settings, fixer.state);
  const spent = deps.budget.spentOn(workspaceId);
  const now = new Date().toISOString();
  const decided = decideRatchetAction({
    ratchet: workspace.ratchet,
    classification,
    snapshot,
    settings,
    fixer: fixer.state,
    ...(replies?.ready ? { replies: replies.replies.length } : {}),
    ...(replies && !replies.ready ? { repliesWait: replies.reason } : {}),
    spent,
    now,
    ...(workspace.adopted?.fork ? { noPush: noPushReason(workspace) } : {}),
  });
  const decision = decisionRecord(decided, classification, snapshot, now);
  const changed = decisionChanged(workspace.ratchet.lastDecision, decision);

  // Record first (durably), then act: a restart mid-dispatch finds the fingerprint and never dispatches twice.
  // A "none" only refreshes what is shown; its write joins the others of this tick instead of being awaited.
  const recorded = deps.records.update(workspaceId, (ratchet) =>
    applyDecision(ratchet, decision, {
      decided,
      classification,
      snapshot,
      settings,
      spentUsd: spent.pr,
      fixer,
      ...(replies ? { replies } : {}),
      roundId: newRoundId(decision.at),
      nextTickAt: deps.nextTickAt(),
    }),
  );
  if (decision.action !== 'none' || replies?.ready) await recorded;
  else recorded.catch((error) => deps.log.error(`Saving ratchet state of ${workspaceId}`, error));
  const outcome = await actAndRecord(
    deps,
    github,
    decision,
    { workspace, snapshot, classification },
    settings,
  );
  if (changed || outcome.action !== 'none') {
    deps.records.logDecision(workspaceId, outcome);
    deps.log.info(
      `Ratchet ${workspaceId} PR #${snapshot.number}: ${outcome.state} → ${outcome.action}: ${outcome.reason}`,
    );
  }
  return outcome;
}

/**
 * Acts on a recorded decision; answers it as it ended — with the fixer
 * session it started or told, or with why acting failed — and records that.
 */
async function actAndRecord(
  deps: HandleDeps,
  github: GitHub,
  decision: RatchetDecision,
  brief: FixerBrief,
  settings: RatchetSettings,
): Promise<RatchetDecision> {
  const workspaceId = brief.workspace.id;
  try {
    const { sessionId } = await act(deps, github, decision, brief, settings);
    if (!sessionId) return decision;
    const dispatched = { ...decision, sessionId };
    await deps.records.update(workspaceId, (ratchet) =>
      dispatched.action === 'start-fixer'
        ? applyFixerStarted(ratchet, dispatched)
        : applyOutcome(ratchet, dispatched),
    );
    return dispatched;
  } catch (error) {
    const failed = { ...decision, reason: `${decision.reason} Failed: ${errorText(error)}` };
    deps.log.warn(`Ratchet ${workspaceId}: ${failed.reason}`);
    await deps.records.update(workspaceId, (ratchet) => applyOutcome(ratchet, failed));
    return failed;
  }
}

/**
 * Decides and acts on one PR; once its thread replies are all out, looks
 * again at once, so the PR's new state (threads resolved, review asked
 * again) is recorded and published now, not a tick later.
 */
export async function handleAndShow(deps: HandleDeps, seen: PullRequestSeen): Promise<RatchetDecision> {
  const decision = await handlePullRequest(deps, seen);
  if (decision.action !== 'reply-threads') return decision;
  const workspace = deps.workspaces.find(seen.workspaceId);
  if (workspace.ratchet.outbox.length > 0 || !workspace.pr) return decision; // a call failed: the next tick retries
  const fresh = await deps.look.pullRequest(seen.github, { id: workspace.id, pr: workspace.pr });
  if (fresh) await handlePullRequest(deps, { ...seen, snapshot: fresh });
  return decision;
}

/**
 * Once the fixer's turn on a round of threads has ended: the replies to
 * post (or why they wait). Undefined when no round waits on a finished turn.
 */
function replyPlan(
  fixers: Pick<Fixers, 'turnsOf' | 'finalText'>,
  ratchet: WorkspaceRatchet,
  snapshot: PrSnapshot,
  settings: RatchetSettings,
  fixer: FixerSeen['state'],
): ReplyPlan | undefined {
  const round = ratchet.threadRound;
  if (!round?.sessionId || fixer === 'busy') return undefined;
  const turns = fixers.turnsOf(round.sessionId);
  if (turns === undefined || turns <= round.turnsBefore) return undefined;
  return planThreadReplies(round, fixers.finalText(round.sessionId), snapshot, settings);
}
