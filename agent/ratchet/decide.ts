import type {
  Classification,
  PrSnapshot,
  RatchetAction,
  RatchetSettings,
  RatchetState,
  WorkspaceRatchet,
} from '../../shared/ratchet.js';

/**
 * decideRatchetAction — pure. Given what the ratchet remembers about a
 * workspace, the PR's classification and the settings, says what to do:
 *
 * - paused → none. MERGED / CLOSED / CI_RUNNING → none.
 * - READY → merge when auto-merge is on and this head was not asked before
 *   (and GitHub has not already queued it); else none.
 * - CI_FAILED / MERGE_CONFLICT / REVIEW_PENDING, when that kind of fix is on:
 *   - the same fingerprint (PR, failing checks with run ids, conflict flag
 *     and head, review verdicts and latest review activity) was dispatched
 *     before → none;
 *   - a fixer is working: notify it only when the new state outranks the one
 *     it works on (CI failure > conflict > review); else none;
 *   - attempts used up → pause, saying why;
 *   - a fixer exists but is done with its turn → notify it (one fixer per
 *     workspace); no fixer → start one.
 */
export interface DecisionInput {
  ratchet: WorkspaceRatchet;
  classification: Classification;
  snapshot: PrSnapshot;
  settings: RatchetSettings;
  /** The fixer session's state: none, busy with a turn, or alive and idle. */
  fixer: 'none' | 'busy' | 'idle';
}

export interface Decision {
  action: RatchetAction;
  reason: string;
  fingerprint?: string;
}

const PRIORITY: Partial<Record<RatchetState, number>> = {
  CI_FAILED: 3,
  MERGE_CONFLICT: 2,
  REVIEW_PENDING: 1,
};

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
  }
  return parts.join('|');
}

export function decideRatchetAction(input: DecisionInput): Decision {
  const { ratchet, classification, snapshot, settings } = input;
  const state = classification.state;
  if (!settings.enabled) return { action: 'none', reason: 'The ratchet is off for this project.' };
  if (ratchet.paused)
    return { action: 'none', reason: `Paused${ratchet.pausedReason ? `: ${ratchet.pausedReason}` : ''}.` };
  switch (state) {
    case 'MERGED':
      return { action: 'none', reason: 'Merged — nothing left to do.' };
    case 'CLOSED':
      return { action: 'none', reason: 'Closed — not watching it.' };
    case 'CI_RUNNING':
      return { action: 'none', reason: 'Waiting for CI.' };
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
  const enabled =
    (state === 'CI_FAILED' && settings.fixCi) ||
    (state === 'MERGE_CONFLICT' && settings.fixConflicts) ||
    (state === 'REVIEW_PENDING' && settings.fixReviews);
  if (!enabled) {
    const what = { CI_FAILED: 'CI', MERGE_CONFLICT: 'conflict', REVIEW_PENDING: 'review' }[state];
    return { action: 'none', reason: `${classification.reason} (${what} fixes are off).` };
  }
  const fingerprint = fingerprintOf(snapshot, classification);
  if (ratchet.dispatched.includes(fingerprint)) {
    return {
      action: 'none',
      reason: `${classification.reason} — already handed to the fixer; waiting for a new push or new feedback.`,
      fingerprint,
    };
  }
  if (input.fixer === 'busy') {
    const outranks = (PRIORITY[state] ?? 0) > (PRIORITY[ratchet.fixerState ?? 'READY'] ?? 0);
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
    };
  }
  const attempt = `attempt ${ratchet.attempts + 1} of ${settings.maxAttempts}`;
  if (input.fixer === 'none')
    return {
      action: 'start-fixer',
      reason: `${classification.reason} — starting a fixer (${attempt}).`,
      fingerprint,
    };
  return {
    action: 'notify-fixer',
    reason: `${classification.reason} — told the fixer (${attempt}).`,
    fingerprint,
  };
}
