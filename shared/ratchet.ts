/**
 * The ratchet as both sides see it: PR snapshots, states, decisions,
 * settings. Zod first; types inferred. Schemas are built on first use (see protocol.ts).
 */
import { z } from 'zod';
import { PermissionMode } from './permission-mode.js';
import { RATCHET_STATE_NAMES } from './ratchet-states.js';
import { parsePatchValue, type SettingValueResult } from './setting-value.js';

export {
  FIXABLE_STATES,
  RATCHET_STATE_NAMES,
  RATCHET_STATES,
  type RatchetStateDescriptor,
  type RatchetSwitch,
} from './ratchet-states.js';

export const RatchetState = z.enum(RATCHET_STATE_NAMES);
export type RatchetState = z.infer<typeof RatchetState>;

export const CheckState = z.lazy(() =>
  z.object({
    name: z.string(),
    status: z.enum(['pending', 'completed']),
    /** GitHub's conclusion (CheckRun) or state (StatusContext), upper case; null while pending. */
    conclusion: z.string().nullable(),
    url: z.string().nullable(),
    runId: z.number().nullable(),
    startedAt: z.string().nullable(),
    /** A CheckRun's GraphQL id: what its details (annotations, output) are asked by. */
    nodeId: z.string().optional(),
    /** The GitHub Actions workflow run this check's job belongs to (what a re-run is asked by); absent for other CI. */
    workflowRunId: z.number().nullable().optional(),
  }),
);
export type CheckState = z.infer<typeof CheckState>;

export const ReviewComment = z.lazy(() =>
  z.object({
    author: z.string(),
    /** GitHub's CommentAuthorAssociation (OWNER, MEMBER, COLLABORATOR, NONE, …). */
    authorAssociation: z.string().optional(),
    body: z.string(),
    path: z.string().nullable(),
    line: z.number().nullable(),
    createdAt: z.string(),
    url: z.string(),
  }),
);
export type ReviewComment = z.infer<typeof ReviewComment>;

export const ReviewThread = z.lazy(() =>
  z.object({
    /** The thread's node id (absent in old snapshots): what replies and resolving are asked by. */
    id: z.string().optional(),
    path: z.string().nullable().optional(),
    line: z.number().nullable().optional(),
    comments: z.array(ReviewComment),
  }),
);
export type ReviewThread = z.infer<typeof ReviewThread>;

export const PrSnapshot = z.lazy(() =>
  z.object({
    nodeId: z.string(),
    number: z.number().int(),
    url: z.string(),
    state: z.enum(['OPEN', 'CLOSED', 'MERGED']),
    headRefName: z.string(),
    headRefOid: z.string(),
    baseRefName: z.string(),
    /** The head lives in a fork (GitHub's isCrossRepository): its CI runs the fork's code, and its logs are the fork's words. */
    fork: z.boolean().optional(),
    /** MERGEABLE | CONFLICTING | UNKNOWN */
    mergeable: z.string(),
    mergeStateStatus: z.string(),
    autoMergeEnabled: z.boolean(),
    checks: z.array(CheckState),
    reviews: z.array(
      z.object({
        author: z.string(),
        /** The reviewer's user node id (what requestReviews takes); absent for bots and ghosts. */
        authorId: z.string().optional(),
        state: z.string(),
        submittedAt: z.string(),
      }),
    ),
    unresolvedThreads: z.array(ReviewThread),
  }),
);
export type PrSnapshot = z.infer<typeof PrSnapshot>;

export const Classification = z.lazy(() =>
  z.object({
    state: RatchetState,
    /** One line for people: "CI failing: test (ubuntu), lint". */
    reason: z.string(),
    /** Latest attempt of each failing check. */
    failingChecks: z.array(CheckState),
    /** Review feedback that asks for changes, from allowed reviewers. */
    reviewComments: z.array(ReviewComment),
    changesRequestedBy: z.array(z.string()),
    /** Unresolved threads that wait on us: an allowed reviewer spoke in them and we have not answered since. */
    threads: z.array(ReviewThread).default([]),
    checks: z.object({ total: z.number(), passed: z.number(), failed: z.number(), pending: z.number() }),
  }),
);
export type Classification = z.infer<typeof Classification>;

/**
 * What the ratchet did about a PR, cheapest first: re-run flaky checks,
 * update a branch that is behind, start or tell the fixer, reply in review
 * threads, merge, pause — or nothing.
 */
export const RatchetAction = z.enum([
  'rerun-checks',
  'update-branch',
  'start-fixer',
  'tell-fixer',
  'reply-threads',
  'merge',
  'pause',
  'none',
]);
export type RatchetAction = z.infer<typeof RatchetAction>;

export const RatchetDecision = z.lazy(() =>
  z.object({
    /** Logs and state written before the rename say `notify-fixer`: read as `tell-fixer`. */
    action: z.preprocess((value) => (value === 'notify-fixer' ? 'tell-fixer' : value), RatchetAction),
    reason: z.string(),
    state: RatchetState,
    fingerprint: z.string().optional(),
    at: z.string(),
    headRefOid: z.string().optional(),
    sessionId: z.string().optional(),
    /** rerun-checks: the workflow runs re-run. */
    runIds: z.array(z.number()).optional(),
  }),
);
export type RatchetDecision = z.infer<typeof RatchetDecision>;

export const RatchetSettings = z.lazy(() =>
  z.object({
    enabled: z.boolean().default(true),
    fixCi: z.boolean().default(true),
    fixConflicts: z.boolean().default(true),
    fixReviews: z.boolean().default(true),
    /** GitHub logins whose reviews the ratchet acts on; empty = everyone (except the token's own user). */
    allowedReviewers: z.array(z.string().max(100)).max(200).default([]),
    autoMerge: z.boolean().default(false),
    mergeMethod: z.enum(['MERGE', 'SQUASH', 'REBASE']).default('SQUASH'),
    maxAttempts: z.number().int().min(1).max(50).default(3),
    permissionMode: PermissionMode.default('bypassPermissions'),
    /** Re-run a failing GitHub Actions workflow run's failed jobs once before starting a fixer. */
    rerunFlakyChecks: z.boolean().default(true),
    /** Update a branch GitHub says is behind its base (branch protection), pinned to the head seen. */
    updateBranch: z.boolean().default(true),
    /** Resolve the review threads the fixer fixed or answered (declined ones stay open). */
    resolveThreads: z.boolean().default(true),
    /** A PR's fixer sessions may spend this much (USD) before the ratchet pauses it. */
    maxCostUsdPerPr: z.number().min(0).max(10_000).default(5),
    /** All fixer sessions of a day (UTC) may spend this much (USD) before the ratchet pauses every fixer. */
    maxCostUsdPerDay: z.number().min(0).max(100_000).default(50),
  }),
);
export type RatchetSettings = z.infer<typeof RatchetSettings>;

export const RatchetSettingsPatch = z.lazy(() =>
  z
    .object({
      enabled: z.boolean(),
      fixCi: z.boolean(),
      fixConflicts: z.boolean(),
      fixReviews: z.boolean(),
      allowedReviewers: z.array(z.string().max(100)).max(200),
      autoMerge: z.boolean(),
      mergeMethod: z.enum(['MERGE', 'SQUASH', 'REBASE']),
      maxAttempts: z.number().int().min(1).max(50),
      permissionMode: PermissionMode,
      rerunFlakyChecks: z.boolean(),
      updateBranch: z.boolean(),
      resolveThreads: z.boolean(),
      maxCostUsdPerPr: z.number().min(0).max(10_000),
      maxCostUsdPerDay: z.number().min(0).max(100_000),
    })
    .partial()
    .strict(),
);
export type RatchetSettingsPatch = z.infer<typeof RatchetSettingsPatch>;

/**
 * `ratchet settings set <key> <value>` — pure: one setting typed on a
 * command line, as a patch, or a one-line error naming the key and what it
 * takes. Lists (`allowedReviewers`) are comma-separated; `""` empties one.
 */
export function parseSettingValue(key: string, raw: string): SettingValueResult<RatchetSettingsPatch> {
  const defaults = RatchetSettings.parse({}) as Record<string, unknown>;
  const text = key === 'mergeMethod' ? raw.toUpperCase() : raw;
  const result = parsePatchValue(RatchetSettingsPatch.unwrap(), defaults, 'ratchet setting', key, text);
  // The error quotes what the user typed, not its upper-cased form.
  return result.ok ? result : { ok: false, error: result.error.replace(`"${text}"`, `"${raw}"`) };
}

/** Review threads the fixer was given, remembered until its turn ends and the replies are decided. */
export const ThreadRound = z.lazy(() =>
  z.object({
    /** Unique per round: part of each reply's key (and of the marker hidden in the reply). */
    id: z.string(),
    sessionId: z.string().optional(),
    /** The PR head when the threads were handed over: a `fixed` reply waits until the head moved. */
    head: z.string(),
    threadIds: z.array(z.string()),
    /** The fixer's answer is the first turn that ends after this many turns. */
    turnsBefore: z.number().int().nonnegative(),
    /** Reviewers who asked for changes (login and user node id): asked to review again after the replies. */
    reviewers: z.array(z.object({ login: z.string(), id: z.string() })).default([]),
    at: z.string(),
  }),
);
export type ThreadRound = z.infer<typeof ThreadRound>;

export const ThreadVerdict = z.enum(['fixed', 'answered', 'declined', 'none']);
export type ThreadVerdict = z.infer<typeof ThreadVerdict>;

export const ThreadReply = z.lazy(() =>
  z.object({
    /** `<round id>:<thread id>`: hidden in the reply's body, so a reply GitHub took but we did not record is found. */
    key: z.string(),
    threadId: z.string(),
    verdict: ThreadVerdict,
    body: z.string(),
    resolve: z.boolean(),
    posted: z.boolean().default(false),
    resolved: z.boolean().default(false),
    /** The round's pull request and reviewers to ask again once every reply is out (on the round's first reply only). */
    requestReviews: z.object({ pullRequestId: z.string(), userIds: z.array(z.string()) }).optional(),
  }),
);
export type ThreadReply = z.infer<typeof ThreadReply>;

/** What the ratchet keeps per workspace (inside the workspace record). */
export const WorkspaceRatchet = z.lazy(() =>
  z.object({
    state: RatchetState.optional(),
    reason: z.string().optional(),
    checks: Classification.unwrap().shape.checks.optional(),
    /** The failing checks (latest attempts) and where GitHub shows each, for the PR panel to link. */
    failingChecks: z.array(z.object({ name: z.string(), url: z.string().nullable() })).optional(),
    lastCheckedAt: z.string().optional(),
    lastDecision: RatchetDecision.optional(),
    fixerSessionId: z.string().optional(),
    /** The state the fixer was last told about (to tell when a new one outranks it). */
    fixerState: RatchetState.optional(),
    attempts: z.number().int().nonnegative().default(0),
    paused: z.boolean().default(false),
    pausedReason: z.string().optional(),
    /** When the pause lifts by itself (the day's budget: next midnight UTC); absent → until resumed. */
    pausedUntil: z.string().optional(),
    /** Fingerprints already dispatched (newest last, bounded): the same failure is never dispatched twice. */
    dispatched: z.array(z.string()).default([]),
    /**
     * A dispatch recorded but not yet confirmed by a fixer session id. After
     * a crash the next tick adopts the session it started, or dispatches again
     * if none was started: exactly one fixer either way.
     */
    pendingDispatch: z.object({ fingerprint: z.string(), at: z.string() }).optional(),
    /** Head we asked GitHub to merge; never asked twice for the same head. */
    mergeRequestedFor: z.string().optional(),
    /** Head we asked GitHub to bring up to date with its base; never asked twice for the same head. */
    updateRequestedFor: z.string().optional(),
    /** Workflow runs whose failed jobs were re-run (newest last, bounded): each is re-run once, ever. */
    rerunRuns: z.array(z.number()).default([]),
    /** Re-runs asked for, for people (the panel counts them). */
    reruns: z.number().int().nonnegative().default(0),
    /** Review threads handed to the fixer, waiting for its turn to end. */
    threadRound: ThreadRound.optional(),
    /** Replies decided, posted one by one (intent recorded before each call, completion after). */
    outbox: z.array(ThreadReply).default([]),
    /** Keys of replies posted (newest last, bounded): none is ever posted twice. */
    replied: z.array(z.string()).default([]),
    /** Threads answered on GitHub, for people (the panel counts them). */
    threadsHandled: z.number().int().nonnegative().default(0),
    /** What this PR's fixer sessions have cost so far (USD), and its budget (maxCostUsdPerPr). */
    spentUsd: z.number().nonnegative().optional(),
    budgetUsd: z.number().nonnegative().optional(),
    /** One sentence: what the ratchet waits for, and when it looks next. */
    waiting: z.string().optional(),
  }),
);
export type WorkspaceRatchet = z.infer<typeof WorkspaceRatchet>;

export const TickResult = z.lazy(() =>
  z.object({
    /** False when the tick did not talk to GitHub (no token, backoff). */
    ran: z.boolean(),
    checked: z.number().int(),
    decisions: z.array(z.object({ workspaceId: z.string(), decision: RatchetDecision })),
    error: z.string().optional(),
    /** What GitHub's rate-limit budget changed, for people: looks spaced wider, PRs left for a later look. */
    budget: z.string().optional(),
    startedAt: z.string(),
    durationMs: z.number(),
  }),
);
export type TickResult = z.infer<typeof TickResult>;

export const GitHubConnection = z.lazy(() =>
  z.object({
    connected: z.boolean(),
    message: z.string().optional(),
    tokenSource: z.string().optional(),
    login: z.string().optional(),
    /** The token's GraphQL points this hour, as GitHub last said (`limit` is 5,000 for a user's token). */
    rateLimit: z
      .object({
        remaining: z.number(),
        resetAt: z.string(),
        limit: z.number().optional(),
        used: z.number().optional(),
      })
      .optional(),
    lastError: z.string().optional(),
    backoffUntil: z.string().optional(),
    /** A classic token's OAuth scopes (GitHub's X-OAuth-Scopes); absent for fine-grained and app tokens. */
    scopes: z.array(z.string()).optional(),
    /**
     * When GitHub's hourly budget spaces the ratchet's looks wider than its schedule: what
     * to tell people ("checking every 3 min: GitHub budget") and when it looks next.
     */
    pace: z.object({ words: z.string(), nextLookAt: z.string() }).optional(),
  }),
);
export type GitHubConnection = z.infer<typeof GitHubConnection>;

export const RatchetStatus = z.lazy(() =>
  z.object({
    /** github.com's connection. */
    github: GitHubConnection,
    /** The connections of the other hosts registered projects live on (GitHub Enterprise); absent when none. */
    hosts: z.array(GitHubConnection.unwrap().extend({ host: z.string() })).optional(),
    lastTick: TickResult.optional(),
    nextTickAt: z.string().optional(),
    running: z.boolean(),
    workspaces: z.array(
      z.object({
        workspaceId: z.string(),
        branch: z.string(),
        project: z.string(),
        pr: z.object({ number: z.number().int(), url: z.string(), nodeId: z.string() }).optional(),
        ratchet: WorkspaceRatchet,
      }),
    ),
  }),
);
export type RatchetStatus = z.infer<typeof RatchetStatus>;
