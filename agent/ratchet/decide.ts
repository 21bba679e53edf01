import {
  type Classification,
  type PrSnapshot,
  RATCHET_STATES,
  type RatchetAction,
  type RatchetSettings,
  type RatchetState,
  type WorkspaceRatchet,
} from '../../shared/ratchet.js';

export interface DecisionInput {
  ratchet: WorkspaceRatchet;
  classification: Classification;
  snapshot: PrSnapshot;
  settings: RatchetSettings;
  /** The fixer session's state: none, busy with a turn, or alive and idle. */
  fixer: 'none' | 'busy' | 'idle';
  /** Replies decided from the fixer's finished turn on review threads, not yet recorded. */
  replies?: number;
  /** Why thread replies wait (the fixer said fixed but its push has not reached GitHub yet). */
  repliesWait?: string;
  /**
   * What fixers cost (USD): this PR's, and all of today's (UTC), each with
   * what running fixers hold (reserved, or spending now); `dayHeld` is that
   * part of `day`.
   */
  spent?: { pr: number; day: number; dayHeld?: number };
  /** What the fixer's next turn is expected to cost (USD): reserved before it starts. */
  estimateUsd?: number;
  /**
   * Why ff may not push to this PR's branch (an adopted fork's PR), if so:
   * nothing that needs a push (a fixer, a branch update) is started.
   */
  noPush?: string;
  /** Now (ISO): a pause with an end (the day's budget) lifts by itself once it is past. */
  now?: string;
}

export interface Decision {
  action: RatchetAction;
  reason: string;
  fingerprint?: string;
  /** rerun-checks: the workflow runs to re-run. */
  runIds?: number[];
  /** pause: why, for the PR's state ("budget of $5.00 per PR spent"). */
  pausedReason?: string;
  /** pause: when it lifts by itself (ISO); absent → until the user resumes. */
  pausedUntil?: string;
  /** start-fixer / tell-fixer: what is reserved for its turn (USD) before it starts. */
  reserveUsd?: number;
}

/** A budget pause: why, for the decision and the PR's state, and until when (the day's lifts at midnight UTC). */
export interface BudgetPause {
  why: string;
  until?: string;
}

/** Why a PR pauses for a spent budget, saying what was spent and how to go on — pure. */
export function budgetPause(
  budget: 'pr' | 'day',
  spentUsd: number,
  settings: Pick<RatchetSettings, 'maxCostUsdPerPr' | 'maxCostUsdPerDay'>,
  now: string,
  /** What the next fix is expected to cost, when the day has less left than that. */
  expectedUsd?: number,
): BudgetPause {
  if (budget === 'pr')
    return {
      why: `budget of ${usd(settings.maxCostUsdPerPr)} per PR spent (${usd(spentUsd)}) — raise maxCostUsdPerPr or resume to go on`,
    };
  const spent =
    expectedUsd !== undefined && spentUsd < settings.maxCostUsdPerDay
      ? `nearly spent by all fixers (${usd(spentUsd)}; a fix is expected to cost about ${usd(expectedUsd)})`
      : `spent by all fixers (${usd(spentUsd)})`;
  return {
    why: `budget of ${usd(settings.maxCostUsdPerDay)} per day ${spent} — raise maxCostUsdPerDay or wait for tomorrow (UTC)`,
    until: nextUtcMidnight(now),
  };
}

/** The next midnight UTC after `now` (ISO): when a day's budget starts afresh. */
export function nextUtcMidnight(now: string): string {
  const d = new Date(now);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)).toISOString();
}

/** Whether a pause holds at `now`: one with an end lifts by itself once it is past. */
export function pauseHolds(ratchet: Pick<WorkspaceRatchet, 'paused' | 'pausedUntil'>, now: string): boolean {
  if (!ratchet.paused) return false;
  return !ratchet.pausedUntil || Date.parse(now) < Date.parse(ratchet.pausedUntil);
}

const usd = (n: number) => `$${n.toFixed(2)}`;

/** While a fixer runs, a state of higher priority interrupts it. */
function priority(state: RatchetState): number {
  return RATCHET_STATES[state].fix?.priority ?? 0;
}

export function fingerprintOf(snapshot: PrSnapshot, classification: Classification): string {
  const parts = [`pr${snapshot.number}`, classification.state];
  if (classification.state === 'CI_FAILED') {
    parts.push(
      ...classification.failingChecks.map((c) => `${c.name}@${c.runId ?? c.startedAt ?? ''}`).sort(),
    );
  } else if (classification.state === 'MERGE_CONFLICT') {
    parts.push(`conflict@${snapshot.headRefOid}`);
  } else if (classification.state === 'REVIEW_PENDING') {
    const latestActivity = [
      ...snapshot.reviews.map((r) => r.submittedAt),
      ...classification.reviewComments.map((c) => c.createdAt),
    ]
      .sort()
      .at(-1);
    parts.push(
      `changes:${[...classification.changesRequestedBy].sort().join(',')}`,
      `activity@${latestActivity ?? ''}`,
    );
  } else {
    // Any other fixable state: dispatched once per head.
    parts.push(`head@${snapshot.headRefOid}`);
  }
  return parts.join('|');
}

/**
 * decideRatchetAction — pure. Given what the ratchet remembers about a
 * workspace, the PR's classification and the settings, says what to do,
 * the cheapest correct way first:
 *
 * - off or paused → none (a pause for the day's budget lifts by itself at
 *   midnight UTC; any other stays until the user resumes). MERGED / CLOSED → none.
 * - replies owed in review threads (the fixer's turn on them ended) →
 *   reply-threads (no model).
 * - CI_RUNNING → none.
 * - CI_FAILED with a failing GitHub Actions run never re-run → rerun-checks
 *   (its failed jobs, once per run); the same checks failing again → fixer.
 * - BEHIND → update-branch pinned to this head (once per head); none while
 *   GitHub works on it.
 * - READY → merge when auto-merge is on and this head was not asked before
 *   (and GitHub has not already queued it); else none.
 * - CI_FAILED / MERGE_CONFLICT / REVIEW_PENDING, when that kind of fix is on:
 *   - the same fingerprint (PR, failing checks with run ids, conflict flag
 *     and head, review verdicts and latest review activity) was dispatched
 *     before → none;
 *   - a fixer is working: notify it only when the new state outranks the one
 *     it works on (CI failure > conflict > review); else none;
 *   - attempts used up, or the PR's or the day's budget spent → pause, saying which;
 *   - a fixer exists but is done with its turn → notify it (one fixer per
 *     workspace); no fixer → start one.
 */
export function decideRatchetAction(input: DecisionInput): Decision {
  const { ratchet, classification, snapshot, settings } = input;
  const state = classification.state;
  if (!settings.enabled) return { action: 'none', reason: 'The ratchet is off for this project.' };
  if (pauseHolds(ratchet, input.now ?? new Date().toISOString()))
    return { action: 'none', reason: `Paused${ratchet.pausedReason ? `: ${ratchet.pausedReason}` : ''}.` };
  if (state === 'MERGED') return { action: 'none', reason: 'Merged — nothing left to do.' };
  if (state === 'CLOSED') return { action: 'none', reason: 'Closed — not watching it.' };
  const owed =
    (input.replies ?? 0) + ratchet.outbox.filter((r) => !r.posted || (r.resolve && !r.resolved)).length;
  if (owed > 0) {
    return {
      action: 'reply-threads',
      reason: `Replying in ${owed} review thread${owed === 1 ? '' : 's'} with what the fixer did.`,
    };
  }
  switch (state) {
    case 'CI_RUNNING':
      return { action: 'none', reason: 'Waiting for CI.' };
    case 'CI_FAILED': {
      const runIds = [
        ...new Set(
          classification.failingChecks.flatMap((c) =>
            c.workflowRunId != null && !ratchet.rerunRuns.includes(c.workflowRunId) ? [c.workflowRunId] : [],
          ),
        ),
      ];
      if (settings.rerunFlakyChecks && runIds.length > 0) {
        return {
          action: 'rerun-checks',
          reason: `${classification.reason} — re-running the failed jobs once in case they are flaky.`,
          runIds,
        };
      }
      break;
    }
    case 'BEHIND':
      if (!settings.updateBranch)
        return { action: 'none', reason: `${classification.reason} (branch updates are off).` };
      if (input.noPush) return { action: 'none', reason: `${classification.reason} — ${input.noPush}.` };
      if (ratchet.updateRequestedFor === snapshot.headRefOid)
        return { action: 'none', reason: `${classification.reason} — GitHub is updating the branch.` };
      return {
        action: 'update-branch',
        reason: `Behind ${snapshot.baseRefName}: updating the branch at ${snapshot.headRefOid.slice(0, 7)} (no model).`,
      };
    case 'READY':
      if (!settings.autoMerge) return { action: 'none', reason: 'Ready to merge (auto-merge is off).' };
      if (snapshot.autoMergeEnabled)
        return { action: 'none', reason: 'Ready; GitHub will merge it (auto-merge enabled).' };
      if (ratchet.mergeRequestedFor === snapshot.headRefOid) {
        return { action: 'none', reason: 'Ready; merge already requested for this commit.' };
      }
      return {
        action: 'merge',
        reason: `Ready: merging ${snapshot.headRefOid.slice(0, 7)} (${settings.mergeMethod.toLowerCase()}).`,
      };
  }
  if (input.repliesWait) return { action: 'none', reason: input.repliesWait };
  const { fix } = RATCHET_STATES[state];
  if (!fix || !settings[fix.setting]) {
    return { action: 'none', reason: `${classification.reason} (${fix?.what} fixes are off).` };
  }
  if (input.noPush) return { action: 'none', reason: `${classification.reason} — ${input.noPush}.` };
  const fingerprint = fingerprintOf(snapshot, classification);
  if (ratchet.dispatched.includes(fingerprint)) {
    return {
      action: 'none',
      reason: `${classification.reason} — already handed to the fixer; waiting for a new push or new feedback.`,
      fingerprint,
    };
  }
  if (input.fixer === 'busy') {
    const outranks = priority(state) > priority(ratchet.fixerState ?? 'READY');
    if (!outranks) {
      return {
        action: 'none',
        reason: `${classification.reason} — fixer running (attempt ${ratchet.attempts} of ${settings.maxAttempts}).`,
      };
    }
  }
  if (ratchet.attempts >= settings.maxAttempts) {
    return {
      action: 'pause',
      reason: `${classification.reason} — ${settings.maxAttempts} fix attempts used; paused. Resume the ratchet to try again.`,
      fingerprint,
      pausedReason: `${settings.maxAttempts} fix attempts used`,
    };
  }
  const now = input.now ?? new Date().toISOString();
  const spent = input.spent ?? { pr: 0, day: 0 };
  const dayHeld = spent.dayHeld ?? 0;
  if (spent.pr >= settings.maxCostUsdPerPr) {
    const pause = budgetPause('pr', spent.pr, settings, now);
    return {
      action: 'pause',
      reason: `${classification.reason} — ${pause.why}; paused.`,
      fingerprint,
      pausedReason: pause.why,
    };
  }
  // Finished turns alone used the day's budget: nothing to wait for until midnight UTC.
  if (spent.day - dayHeld >= settings.maxCostUsdPerDay) {
    const pause = budgetPause('day', spent.day, settings, now);
    return {
      action: 'pause',
      reason: `${classification.reason} — ${pause.why}; paused until midnight UTC.`,
      fingerprint,
      pausedReason: pause.why,
      ...(pause.until ? { pausedUntil: pause.until } : {}),
    };
  }
  // What this turn reserves: what it is expected to cost, never more than the PR has left.
  const reserveUsd = Math.max(0, Math.min(input.estimateUsd ?? 0, settings.maxCostUsdPerPr - spent.pr));
  const dayLeft = settings.maxCostUsdPerDay - spent.day;
  if (reserveUsd > dayLeft || dayLeft <= 0) {
    // Running fixers hold the rest of today's budget: what they leave unused comes back when they finish.
    if (dayHeld > 0)
      return {
        action: 'none',
        reason: `${classification.reason} — waiting for budget: running fixers hold ${usd(dayHeld)} of today's ${usd(settings.maxCostUsdPerDay)}, and a fix is expected to cost about ${usd(reserveUsd)}.`,
      };
    const pause = budgetPause('day', spent.day, settings, now, reserveUsd);
    return {
      action: 'pause',
      reason: `${classification.reason} — ${pause.why}; paused until midnight UTC.`,
      fingerprint,
      pausedReason: pause.why,
      ...(pause.until ? { pausedUntil: pause.until } : {}),
    };
  }
  const attempt = `attempt ${ratchet.attempts + 1} of ${settings.maxAttempts}`;
  if (input.fixer === 'none')
    return {
      action: 'start-fixer',
      reason: `${classification.reason} — starting a fixer (${attempt}).`,
      fingerprint,
      reserveUsd,
    };
  return {
    action: 'tell-fixer',
    reason: `${classification.reason} — told the fixer (${attempt}).`,
    fingerprint,
    reserveUsd,
  };
}

/**
 * The one sentence a PR's state carries: what the ratchet waits for, and
 * when it looks next — pure.
 */
export function waitingSentence(
  decision: { action: RatchetAction; reason: string },
  pausedReason: string | undefined,
  nextLookAt: string | undefined,
  pausedUntil?: string,
  /** Why looks are spaced wider than the schedule, said after the time ("checking every 3 min: GitHub budget"). */
  pace?: string,
): string {
  const bare = (text: string) => text.trim().replace(/[.;]+$/, '');
  const what: Record<RatchetAction, string> = {
    'rerun-checks': 'Waiting for the re-run of the failed jobs',
    'update-branch': 'Waiting for GitHub to update the branch and for CI on it',
    'start-fixer': 'Waiting for the fixer to push a fix',
    'tell-fixer': 'Waiting for the fixer to push a fix',
    'reply-threads': 'Waiting for the reviewers to look again',
    merge: 'Waiting for GitHub to merge',
    pause: pausedUntil
      ? `Paused (${bare(pausedReason ?? 'see the decision log')}) until ${pausedUntil.slice(0, 10)} ${pausedUntil.slice(11, 16)} UTC, when it goes on by itself`
      : `Paused (${bare(pausedReason ?? 'see the decision log')}): waiting for you to resume`,
    none: bare(decision.reason),
  };
  const when = nextLookAt
    ? `next look at ${nextLookAt.slice(11, 16)} UTC${pace ? ` (${pace})` : ''}`
    : 'next look at the next tick';
  if (decision.action === 'none' && /^(Merged|Closed)/.test(decision.reason)) return bare(decision.reason);
  return `${what[decision.action]}; ${when}.`;
}
