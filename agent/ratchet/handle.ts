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
  budget: Pick<FixerBudget, 'spentOn' | 'estimate' | 'reserve' | 'started' | 'release' | 'spentLive'>;
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
  /** When its host is looked at next, when GitHub's budget spaces looks wider than the schedule, and why. */
  nextLook?: { at?: string; pace?: string };
}

/** One PR decided, its decision on its way to disk, not yet acted on. */
export interface DecidedPullRequest {
  seen: PullRequestSeen;
  decision: RatchetDecision;
  brief: FixerBrief;
  settings: RatchetSettings;
  /** It says something new (another action or reason than the last one recorded). */
  changed: boolean;
  /** Acting on it must wait until the decision is on disk (see decidePullRequest). */
  durable: boolean;
  /** The decision's write (shared with every change made in the same turn). */
  recorded: Promise<void>;
}

/**
 * Writes a change to a workspace's ratchet record: at once (the promise settles once it is on
 * disk), or — for what a tick may keep until its end — later, with the tick's other changes.
 */
export type RecordChange = (
  workspaceId: string,
  next: (ratchet: WorkspaceRatchet) => WorkspaceRatchet,
) => Promise<void>;

/**
 * One PR classified and decided (pure), and the decision recorded — without waiting for
 * the disk, so that the decisions of many PRs made one after another share one state
 * write. The decision is to be acted on (actOnPullRequest) once `recorded` has settled
 * when it is `durable`: record first, then act, so a restart mid-dispatch finds the
 * fingerprint and never dispatches twice. A "none" only refreshes what is shown.
 */
export function decidePullRequest(deps: HandleDeps, seen: PullRequestSeen): DecidedPullRequest {
  const { workspaceId, snapshot } = seen;
  const workspace = deps.workspaces.find(workspaceId);
  const settings = deps.settings.of(workspace.projectId);
  const classification = classifyPullRequest(snapshot, {
    viewerLogin: seen.viewerLogin,
    allowedReviewers: settings.allowedReviewers,
  });
  const fixer = deps.fixers.seen(workspace.ratchet.fixerSessionId);
  const replies = replyPlan(deps.fixers, workspace.ratchet, snapshot, settings, fixer.state);
  const spent = deps.budget.spentOn(workspaceId);
  const fixerSession = fixer.state === 'none' ? undefined : fixer.session?.id;
  const estimateUsd = deps.budget.estimate(fixerSession, {
    pr: settings.maxCostUsdPerPr - spent.pr,
    day: settings.maxCostUsdPerDay - spent.day,
  });
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
    estimateUsd,
    now,
    ...(workspace.adopted?.fork ? { noPush: noPushReason(workspace) } : {}),
  });
  const decision = decisionRecord(decided, classification, snapshot, now);
  const changed = decisionChanged(workspace.ratchet.lastDecision, decision);
  const recorded = deps.records.update(workspaceId, (ratchet) =>
    applyDecision(ratchet, decision, {
      decided,
      classification,
      snapshot,
      settings,
      spentUsd: deps.budget.spentLive(workspaceId),
      fixer,
      ...(replies ? { replies } : {}),
      roundId: newRoundId(decision.at),
      nextTickAt: seen.nextLook?.at ?? deps.nextTickAt(),
      ...(seen.nextLook?.pace ? { nextLookPace: seen.nextLook.pace } : {}),
    }),
  );
  const durable = decision.action !== 'none' || Boolean(replies?.ready);
  if (!durable) recorded.catch((error) => deps.log.error(`Saving ratchet state of ${workspaceId}`, error));
  // Reserved before the turn starts: a decision for another PR in this tick weighs it.
  if (decided.reserveUsd !== undefined)
    deps.budget.reserve(
      workspaceId,
      decided.reserveUsd,
      decision.action === 'tell-fixer' ? fixerSession : undefined,
    );
  return {
    seen,
    decision,
    brief: { workspace, snapshot, classification },
    settings,
    changed,
    durable,
    recorded,
  };
}

/**
 * Acts on a decided PR whose decision is recorded, then — when it said something new or
 * did something — logs and announces it. What acting ended with is recorded: a fixer
 * session at once, a failure through `later` (by default at once too).
 */
export async function actOnPullRequest(
  deps: HandleDeps,
  decided: DecidedPullRequest,
  later: RecordChange = (id, next) => deps.records.update(id, next),
): Promise<RatchetDecision> {
  const { seen, decision, brief, settings } = decided;
  const outcome = await actAndRecord(deps, seen.github, decision, brief, settings, later);
  if (decided.changed || outcome.action !== 'none') {
    deps.records.logDecision(seen.workspaceId, outcome);
    deps.log.info(
      `Ratchet ${seen.workspaceId} PR #${seen.snapshot.number}: ${outcome.state} → ${outcome.action}: ${outcome.reason}`,
    );
  }
  return outcome;
}

/**
 * One PR, from what GitHub showed to what the ratchet did: classified and
 * decided (pure), the decision recorded, then acted on, then — when it
 * said something new or did something — logged and announced.
 */
export async function handlePullRequest(deps: HandleDeps, seen: PullRequestSeen): Promise<RatchetDecision> {
  const decided = decidePullRequest(deps, seen);
  if (decided.durable) await decided.recorded;
  return actOnPullRequest(deps, decided);
}

/**
 * Acts on a recorded decision; answers it as it ended — with the fixer
 * session it started or told, or with why acting failed — and records that:
 * the session at once (it is the workspace's one fixer from now on), a
 * failure through `later`.
 */
async function actAndRecord(
  deps: HandleDeps,
  github: GitHub,
  decision: RatchetDecision,
  brief: FixerBrief,
  settings: RatchetSettings,
  later: RecordChange,
): Promise<RatchetDecision> {
  const workspaceId = brief.workspace.id;
  try {
    const { sessionId } = await act(deps, github, decision, brief, settings);
    if (!sessionId) return decision;
    if (decision.action === 'start-fixer') deps.budget.started(workspaceId, sessionId);
    const dispatched = { ...decision, sessionId };
    await deps.records.update(workspaceId, (ratchet) =>
      dispatched.action === 'start-fixer'
        ? applyFixerStarted(ratchet, dispatched)
        : applyOutcome(ratchet, dispatched),
    );
    return dispatched;
  } catch (error) {
    // A fixer that did not start holds nothing.
    if (decision.action === 'start-fixer') deps.budget.release(workspaceId);
    const failed = { ...decision, reason: `${decision.reason} Failed: ${errorText(error)}` };
    deps.log.warn(`Ratchet ${workspaceId}: ${failed.reason}`);
    await later(workspaceId, (ratchet) => applyOutcome(ratchet, failed));
    return failed;
  }
}

/** Decides and acts on one PR, then shows it as its replies left it (see showReplied). */
export async function handleAndShow(deps: HandleDeps, seen: PullRequestSeen): Promise<RatchetDecision> {
  return showReplied(deps, seen, await handlePullRequest(deps, seen));
}

/**
 * Once a PR's thread replies are all out, looks again at once, so its new state (threads
 * resolved, review asked again) is recorded and published now, not a tick later. Answers
 * the decision acted on.
 */
export async function showReplied(
  deps: HandleDeps,
  seen: PullRequestSeen,
  decision: RatchetDecision,
): Promise<RatchetDecision> {
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
