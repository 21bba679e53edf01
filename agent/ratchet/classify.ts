import {
  type CheckState,
  type Classification,
  type PrSnapshot,
  RATCHET_STATES,
  type RatchetState,
  type ReviewComment,
} from '../../shared/ratchet.js';

export const FAILURE_CONCLUSIONS = new Set([
  'FAILURE',
  'TIMED_OUT',
  'CANCELLED',
  'ERROR',
  'ACTION_REQUIRED',
  'STARTUP_FAILURE',
]);

export interface ClassifyOptions {
  viewerLogin?: string;
  allowedReviewers: readonly string[];
}

/** The latest attempt of each check, by name. */
export function latestAttempts(checks: readonly CheckState[]): CheckState[] {
  const byName = new Map<string, CheckState>();
  for (const check of checks) {
    const current = byName.get(check.name);
    if (!current || isLater(check, current)) byName.set(check.name, check);
  }
  return [...byName.values()];
}

function isLater(a: CheckState, b: CheckState): boolean {
  const at = a.startedAt ?? '';
  const bt = b.startedAt ?? '';
  if (at !== bt) return at > bt;
  return (a.runId ?? 0) > (b.runId ?? 0);
}

/**
 * classifyPullRequest — pure. The rules, in order (as in factory-factory):
 *
 * 1. MERGED / CLOSED: the PR's own state wins over everything.
 * 2. CI is reduced to the latest attempt of each check (by name; the latest
 *    start time, then the highest run id). Any latest attempt still pending
 *    → CI_RUNNING.
 * 3. Any latest attempt concluded FAILURE, TIMED_OUT, CANCELLED, ERROR,
 *    ACTION_REQUIRED or STARTUP_FAILURE → CI_FAILED.
 * 4. mergeable CONFLICTING (or merge state DIRTY) → MERGE_CONFLICT.
 * 5. REVIEW_PENDING: an allowed reviewer's latest review requests changes,
 *    or an unresolved review thread has a comment from an allowed reviewer
 *    and its newest comment is not ours (a thread we answered waits on the
 *    reviewer, not on us). Reviews and comments by the token's own user are
 *    ignored; an empty allow-list allows everyone else.
 * 6. mergeStateStatus BEHIND (branch protection wants it up to date) → BEHIND.
 * 7. Otherwise READY.
 *
 * Each rule is one entry of `RULES` below; the reason starts with the
 * state's label from shared/ratchet.ts.
 *
 * tests/unit/agent/ratchet/classify.test.ts holds the table for each rule.
 */
export function classifyPullRequest(snapshot: PrSnapshot, options: ClassifyOptions): Classification {
  const checks = latestAttempts(snapshot.checks);
  const failing = checks.filter(
    (c) => c.status === 'completed' && FAILURE_CONCLUSIONS.has(c.conclusion ?? ''),
  );
  const pending = checks.filter((c) => c.status === 'pending');
  const summary = {
    total: checks.length,
    passed: checks.length - failing.length - pending.length,
    failed: failing.length,
    pending: pending.length,
  };
  const viewer = options.viewerLogin?.toLowerCase();
  const allowed = options.allowedReviewers.map((r) => r.toLowerCase());
  const counts = (login: string) => {
    const lower = login.toLowerCase();
    return lower !== viewer && (allowed.length === 0 || allowed.includes(lower));
  };
  const changesRequestedBy = latestReviewPerAuthor(snapshot.reviews)
    .filter((r) => r.state === 'CHANGES_REQUESTED' && counts(r.author))
    .map((r) => r.author);
  const threads = snapshot.unresolvedThreads.filter(
    (thread) =>
      thread.comments.some((c) => counts(c.author)) &&
      thread.comments.at(-1)?.author.toLowerCase() !== viewer,
  );
  const reviewComments: ReviewComment[] = threads.flatMap((thread) =>
    thread.comments.filter((c) => c.author.toLowerCase() !== viewer),
  );
  const facts: Facts = { snapshot, checks, failing, pending, summary, changesRequestedBy, reviewComments };
  for (const [state, rule] of Object.entries(RULES) as [RatchetState, Rule][]) {
    const detail = rule(facts);
    if (detail === undefined) continue;
    return {
      state,
      reason: `${RATCHET_STATES[state].label}${detail}`,
      failingChecks: failing,
      reviewComments,
      changesRequestedBy,
      threads,
      checks: summary,
    };
  }
  throw new Error('unreachable: READY always applies');
}

/** What the rules look at: the PR and what classifyPullRequest derived from it. */
interface Facts {
  snapshot: PrSnapshot;
  checks: CheckState[];
  failing: CheckState[];
  pending: CheckState[];
  summary: Classification['checks'];
  changesRequestedBy: string[];
  reviewComments: ReviewComment[];
}

/** Whether a state applies, as the rest of its reason after the state's label; undefined → it does not. */
type Rule = (facts: Facts) => string | undefined;

/**
 * One rule per state (the compiler checks none is missing), tried in the
 * order written here: the first that applies is the PR's state.
 */
const RULES: Record<RatchetState, Rule> = {
  MERGED: ({ snapshot }) => (snapshot.state === 'MERGED' ? '.' : undefined),
  CLOSED: ({ snapshot }) => (snapshot.state === 'CLOSED' ? ' without merging.' : undefined),
  CI_RUNNING: ({ pending }) => (pending.length > 0 ? `: ${names(pending)}` : undefined),
  CI_FAILED: ({ failing }) => (failing.length > 0 ? `: ${names(failing)}` : undefined),
  MERGE_CONFLICT: ({ snapshot }) =>
    snapshot.mergeable === 'CONFLICTING' || snapshot.mergeStateStatus === 'DIRTY'
      ? ` with ${snapshot.baseRefName}`
      : undefined,
  REVIEW_PENDING: ({ changesRequestedBy, reviewComments }) => {
    if (changesRequestedBy.length === 0 && reviewComments.length === 0) return undefined;
    const who = [...new Set([...changesRequestedBy, ...reviewComments.map((c) => c.author)])];
    return ` from ${who.map((w) => `@${w}`).join(', ')}`;
  },
  BEHIND: ({ snapshot }) =>
    snapshot.mergeStateStatus === 'BEHIND'
      ? `: ${snapshot.baseRefName} moved on; the branch must be brought up to date`
      : undefined,
  READY: ({ checks, summary }) =>
    checks.length ? `: ${summary.passed} check${summary.passed === 1 ? '' : 's'} passed` : ': no checks',
};

function names(checks: CheckState[]): string {
  const list = checks.map((c) => c.name);
  return list.length > 3 ? `${list.slice(0, 3).join(', ')} and ${list.length - 3} more` : list.join(', ');
}

function latestReviewPerAuthor(reviews: PrSnapshot['reviews']): PrSnapshot['reviews'] {
  const byAuthor = new Map<string, PrSnapshot['reviews'][number]>();
  for (const review of reviews) {
    // COMMENTED reviews do not change a reviewer's verdict.
    if (review.state === 'COMMENTED' || review.state === 'PENDING') continue;
    const current = byAuthor.get(review.author.toLowerCase());
    if (!current || review.submittedAt > current.submittedAt)
      byAuthor.set(review.author.toLowerCase(), review);
  }
  return [...byAuthor.values()];
}
