import type {
  Classification,
  PrSnapshot,
  RatchetDecision,
  RatchetSettings,
  ThreadReply,
  WorkspaceRatchet,
} from '../../shared/ratchet.js';
import { type BudgetPause, type Decision, pauseHolds, waitingSentence } from './decide.js';
import type { ReplyPlan } from './threads.js';

/**
 * What a workspace's ratchet record becomes — pure. Each function takes the
 * record and what happened, and returns the new record (the one given is
 * left as it was): a decision recorded before it is acted on, the fixer it
 * started or told, a reply posted or resolved, the outbox settled, a pause
 * or resume by the user. `decide` says what to do; these say what the
 * ratchet remembers of it.
 *
 * tests/unit/agent/ratchet/apply.test.ts holds the tables.
 */

/** Bounds on the record's lists (newest kept): they grow with every dispatch, re-run and reply. */
const MAX_FINGERPRINTS = 50;
const MAX_RERUN_RUNS = 100;
const MAX_REPLIED = 200;

/** The fixer session as the decision saw it. */
export interface FixerSeen {
  /** None, busy with a turn, or alive and idle (see decide.ts). */
  state: 'none' | 'busy' | 'idle';
  /** The workspace's fixer session, when its record exists: its id and the turns it has finished. */
  session?: { id: string; turns: number };
}

/** Everything `applyDecision` reads besides the record and the decision: plain data. */
export interface DecisionContext {
  /** What `decide` said beyond the recorded decision: why a pause, and until when. */
  decided: Pick<Decision, 'pausedReason' | 'pausedUntil'>;
  classification: Pick<
    Classification,
    'state' | 'reason' | 'checks' | 'failingChecks' | 'threads' | 'changesRequestedBy'
  >;
  snapshot: Pick<PrSnapshot, 'headRefOid' | 'reviews'>;
  settings: Pick<RatchetSettings, 'maxAttempts' | 'maxCostUsdPerPr'>;
  /** What this PR's fixer sessions have cost so far (USD). */
  spentUsd: number;
  fixer: FixerSeen;
  /** The replies planned from the fixer's finished turn on review threads, if a round waited on one. */
  replies?: ReplyPlan;
  /** The id a new round of review threads gets (see newRoundId). */
  roundId: string;
  /** When the ratchet looks next (ISO), for the waiting sentence; undefined → "the next tick". */
  nextTickAt?: string;
  /** Why looks are spaced wider than the schedule ("checking every 3 min: GitHub budget"), if they are. */
  nextLookPace?: string;
}

/** What was decided about a PR, as the decision log and the record keep it. */
export function decisionRecord(
  decided: Decision,
  classification: Pick<Classification, 'state'>,
  snapshot: Pick<PrSnapshot, 'headRefOid'>,
  at: string,
): RatchetDecision {
  return {
    action: decided.action,
    reason: decided.reason,
    state: classification.state,
    ...(decided.fingerprint ? { fingerprint: decided.fingerprint } : {}),
    headRefOid: snapshot.headRefOid,
    ...(decided.runIds ? { runIds: decided.runIds } : {}),
    at,
  };
}

/** Whether a decision says something new: another action or reason than the last one recorded. */
export function decisionChanged(previous: RatchetDecision | undefined, decision: RatchetDecision): boolean {
  return !previous || previous.action !== decision.action || previous.reason !== decision.reason;
}

/** A round of review threads' id: unique per round, part of each reply's key and hidden marker. */
export function newRoundId(at: string, random: () => number = Math.random): string {
  return `${Date.parse(at).toString(36)}${random().toString(36).slice(2, 6)}`;
}

/**
 * A decision, recorded before it is acted on (so a restart mid-dispatch
 * finds its fingerprint and never dispatches twice): what the PR looks like
 * now, what was decided and why, the attempt it costs, the review threads
 * handed to the fixer, the replies owed, what GitHub was asked (re-runs,
 * branch update, merge, each once per run or head), a pause — or the end of
 * a pause for the day's budget — and the sentence saying what it waits for.
 */
export function applyDecision(
  ratchet: WorkspaceRatchet,
  decision: RatchetDecision,
  context: DecisionContext,
): WorkspaceRatchet {
  const { classification, snapshot, settings, fixer, replies } = context;
  const r: WorkspaceRatchet = {
    ...ratchet,
    state: classification.state,
    reason: classification.reason,
    checks: classification.checks,
    failingChecks: classification.failingChecks.map((check) => ({ name: check.name, url: check.url })),
    lastCheckedAt: decision.at,
    spentUsd: context.spentUsd,
    budgetUsd: settings.maxCostUsdPerPr,
  };
  // A "none" that says nothing new leaves the last decision shown as it was.
  if (decisionChanged(ratchet.lastDecision, decision) || decision.action !== 'none')
    r.lastDecision = decision;
  if (decision.fingerprint && (decision.action === 'start-fixer' || decision.action === 'tell-fixer')) {
    r.dispatched = [...r.dispatched, decision.fingerprint].slice(-MAX_FINGERPRINTS);
    r.attempts += 1;
    r.fixerState = classification.state;
    if (decision.action === 'start-fixer')
      r.pendingDispatch = { fingerprint: decision.fingerprint, at: decision.at };
    // Threads handed over: their replies are decided when the fixer's answering turn ends.
    const threadIds = classification.threads.flatMap((t) => (t.id ? [t.id] : []));
    if (classification.state === 'REVIEW_PENDING' && threadIds.length > 0) {
      const session = decision.action === 'tell-fixer' ? fixer.session : undefined;
      r.threadRound = {
        id: context.roundId,
        ...(session ? { sessionId: session.id } : {}),
        head: snapshot.headRefOid,
        threadIds,
        // A busy fixer finishes the turn it is in first: its answer is the turn after.
        turnsBefore: session ? session.turns + (fixer.state === 'busy' ? 1 : 0) : 0,
        reviewers: snapshot.reviews.flatMap((review) =>
          review.authorId && classification.changesRequestedBy.includes(review.author)
            ? [{ login: review.author, id: review.authorId }]
            : [],
        ),
        at: decision.at,
      };
    }
  }
  if (replies?.ready) {
    // Recorded before any reply is posted: from here each reply goes out once, whatever happens.
    const known = new Set([...r.replied, ...r.outbox.map((x) => x.key)]);
    r.outbox = [...r.outbox, ...replies.replies.filter((x) => !known.has(x.key))];
    delete r.threadRound;
  }
  if (decision.action === 'rerun-checks' && decision.runIds) {
    r.rerunRuns = [...r.rerunRuns, ...decision.runIds].slice(-MAX_RERUN_RUNS);
    r.reruns += decision.runIds.length;
  }
  if (decision.action === 'update-branch') r.updateRequestedFor = snapshot.headRefOid;
  if (decision.action === 'merge') r.mergeRequestedFor = snapshot.headRefOid;
  if (decision.action === 'pause') {
    r.paused = true;
    r.pausedReason = context.decided.pausedReason ?? `${settings.maxAttempts} fix attempts used`;
    if (context.decided.pausedUntil) r.pausedUntil = context.decided.pausedUntil;
    else delete r.pausedUntil;
  } else if (r.paused && r.pausedUntil && !pauseHolds(r, decision.at)) {
    // The day's budget pause is over (a new UTC day): the ratchet goes on by itself.
    r.paused = false;
    delete r.pausedReason;
    delete r.pausedUntil;
  }
  r.waiting = waitingSentence(
    decision,
    r.pausedReason,
    context.nextTickAt,
    r.paused ? r.pausedUntil : undefined,
    context.nextLookPace,
  );
  return r;
}

/**
 * The fixer session a start-fixer decision started: the workspace's fixer
 * from now on, the dispatch confirmed, and the round of threads (if any)
 * waiting on its answer. `decision` carries the session id.
 */
export function applyFixerStarted(
  ratchet: WorkspaceRatchet,
  decision: RatchetDecision & { sessionId: string },
): WorkspaceRatchet {
  const r: WorkspaceRatchet = { ...ratchet, fixerSessionId: decision.sessionId, lastDecision: decision };
  delete r.pendingDispatch;
  if (r.threadRound && !r.threadRound.sessionId)
    r.threadRound = { ...r.threadRound, sessionId: decision.sessionId };
  return r;
}

/** The decision as it ended: the fixer session it told, or why acting on it failed. */
export function applyOutcome(ratchet: WorkspaceRatchet, decision: RatchetDecision): WorkspaceRatchet {
  return { ...ratchet, lastDecision: decision };
}

/** What the PR's fixers have spent so far, live (the running turn included), against its budget. */
export function applySpend(ratchet: WorkspaceRatchet, spentUsd: number, budgetUsd: number): WorkspaceRatchet {
  if (ratchet.spentUsd === spentUsd && ratchet.budgetUsd === budgetUsd) return ratchet;
  return { ...ratchet, spentUsd, budgetUsd };
}

/**
 * A fixer's turn stopped because it passed a budget: the PR is paused,
 * saying which budget and what was spent (the day's lifts by itself at
 * midnight UTC), and the stop is the decision shown.
 */
export function applyBudgetStop(
  ratchet: WorkspaceRatchet,
  decision: RatchetDecision,
  pause: BudgetPause,
  spentUsd: number,
): WorkspaceRatchet {
  const r: WorkspaceRatchet = {
    ...ratchet,
    paused: true,
    pausedReason: pause.why,
    lastDecision: decision,
    spentUsd,
  };
  if (pause.until) r.pausedUntil = pause.until;
  else delete r.pausedUntil;
  r.waiting = waitingSentence(decision, r.pausedReason, undefined, r.pausedUntil);
  return r;
}

/** The user paused or resumed the ratchet on this workspace. */
export function applyUserPause(ratchet: WorkspaceRatchet, paused: boolean): WorkspaceRatchet {
  const r: WorkspaceRatchet = { ...ratchet, paused };
  delete r.pausedUntil;
  if (paused) r.pausedReason = 'paused by you';
  else {
    delete r.pausedReason;
    // Resuming after the attempt cap means "try again": fresh attempts.
    r.attempts = 0;
  }
  r.waiting = paused
    ? 'Paused by you: waiting for you to resume.'
    : 'Resumed: waiting for the next tick to look again.';
  return r;
}

function withReply(
  ratchet: WorkspaceRatchet,
  key: string,
  change: (reply: ThreadReply) => ThreadReply,
): WorkspaceRatchet {
  return { ...ratchet, outbox: ratchet.outbox.map((reply) => (reply.key === key ? change(reply) : reply)) };
}

/**
 * A reply GitHub took (or found already there by its marker). When its
 * thread was no longer open, someone resolved it meanwhile: nothing is
 * posted, and nothing is left to resolve.
 */
export function applyReplyPosted(
  ratchet: WorkspaceRatchet,
  key: string,
  threadOpen: boolean,
): WorkspaceRatchet {
  return withReply(ratchet, key, (reply) => ({
    ...reply,
    posted: true,
    ...(threadOpen ? {} : { resolved: true }),
  }));
}

/** A reply's thread resolved on GitHub. */
export function applyReplyResolved(ratchet: WorkspaceRatchet, key: string): WorkspaceRatchet {
  return withReply(ratchet, key, (reply) => ({ ...reply, resolved: true }));
}

/** The round's reviewers asked to review again (carried by one reply of the round). */
export function applyReviewsRequested(ratchet: WorkspaceRatchet, key: string): WorkspaceRatchet {
  return withReply(ratchet, key, ({ requestReviews: _, ...reply }) => reply);
}

/**
 * Replies fully done (posted, resolved if asked, reviewers asked) leave the
 * outbox; their keys are remembered so none is ever posted twice, and the
 * panel's count of threads handled grows.
 */
export function applyOutboxSettled(ratchet: WorkspaceRatchet): WorkspaceRatchet {
  const done = ratchet.outbox.filter((x) => x.posted && (!x.resolve || x.resolved) && !x.requestReviews);
  return {
    ...ratchet,
    outbox: ratchet.outbox.filter((x) => !done.includes(x)),
    replied: [...ratchet.replied, ...done.map((x) => x.key)].slice(-MAX_REPLIED),
    threadsHandled: ratchet.threadsHandled + done.length,
  };
}
