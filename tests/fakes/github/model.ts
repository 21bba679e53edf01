/**
 * The fake GitHub's in-memory data (server.ts): what tests make and change
 * (issues, PRs, their checks, reviews and threads), and what it records.
 */

export interface FakeCheck {
  kind: 'CheckRun' | 'StatusContext';
  name: string;
  /** CheckRun: QUEUED | IN_PROGRESS | COMPLETED; StatusContext: PENDING | SUCCESS | FAILURE | ERROR */
  status: string;
  conclusion: string | null;
  runId: number;
  startedAt: string;
  /** A CheckRun's own account of itself: what GitHub Actions shows on the run's page. */
  output?: FakeCheckOutput;
  /** The GitHub Actions workflow run of this job (`runId` is the job id); absent for other CI apps. */
  workflowRunId?: number;
}

export interface FakeCheckOutput {
  title?: string;
  summary?: string;
  text?: string;
  annotations?: Array<{
    path: string;
    line: number;
    level: 'FAILURE' | 'WARNING' | 'NOTICE';
    message: string;
  }>;
}

export interface FakeReview {
  author: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED';
  submittedAt: string;
}

export interface FakeThread {
  /** Set by the fake when the thread is added without one. */
  id?: string;
  isResolved: boolean;
  comments: Array<{
    author: string;
    body: string;
    path: string;
    line: number;
    createdAt: string;
    authorAssociation?: string;
  }>;
}

export interface FakePullRequest {
  id: string;
  repo: string;
  number: number;
  title: string;
  body: string;
  state: 'OPEN' | 'CLOSED' | 'MERGED';
  headRefName: string;
  headRefOid: string;
  baseRefName: string;
  mergeable: 'MERGEABLE' | 'CONFLICTING' | 'UNKNOWN';
  checks: FakeCheck[];
  reviews: FakeReview[];
  threads: FakeThread[];
  autoMerge: { enabledAt: string; mergeMethod: string } | null;
  /** Branch protection wants it up to date with its base: mergeStateStatus BEHIND. */
  behind?: boolean;
  /** Updating the branch from its base conflicts (updatePullRequestBranch fails, the PR turns CONFLICTING). */
  updateConflicts?: boolean;
  /** Logins asked to review (requestReviews). */
  requestedReviewers?: string[];
  /** owner/name of the repository the head lives in, when it is a fork's (isCrossRepository). */
  headRepository?: string;
  /** Who opened it (defaults to a teammate). */
  author?: string;
}

export interface FakeIssue {
  id: string;
  repo: string;
  number: number;
  title: string;
  body: string;
  state: 'OPEN' | 'CLOSED';
  labels: string[];
  assignees: string[];
  /** Who opened it, and how they relate to the repo (GitHub's CommentAuthorAssociation). */
  author: string;
  authorAssociation: string;
  comments: Array<{ author: string; body: string; createdAt: string; authorAssociation?: string }>;
}

export interface Failure {
  status: number;
  retryAfter?: number;
  message?: string;
  delayMs?: number;
}

export interface RecordedRequest {
  query: string;
  variables: Record<string, unknown>;
  operation: string;
  /** Points this request was charged (0 when it was refused before running). */
  cost: number;
}

/** The token's GraphQL budget for the current hour. */
export interface RateLimitBudget {
  limit: number;
  used: number;
  /** When the hour ends and `used` starts again from 0. */
  resetAt: number;
}
