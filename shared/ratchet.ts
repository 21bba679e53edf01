/**
 * The ratchet as both sides see it: PR snapshots, states, decisions,
 * settings. Zod first; types inferred.
 */
import { z } from 'zod';
import { PermissionMode } from './permission-mode.js';

export const RatchetState = z.enum([
  'CI_RUNNING',
  'CI_FAILED',
  'MERGE_CONFLICT',
  'REVIEW_PENDING',
  'READY',
  'MERGED',
  'CLOSED',
]);
export type RatchetState = z.infer<typeof RatchetState>;

export const CheckState = z.object({
  name: z.string(),
  status: z.enum(['pending', 'completed']),
  /** GitHub's conclusion (CheckRun) or state (StatusContext), upper case; null while pending. */
  conclusion: z.string().nullable(),
  url: z.string().nullable(),
  runId: z.number().nullable(),
  startedAt: z.string().nullable(),
  /** A CheckRun's GraphQL id: what its details (annotations, output) are asked by. */
  nodeId: z.string().optional(),
});
export type CheckState = z.infer<typeof CheckState>;

export const ReviewComment = z.object({
  author: z.string(),
  body: z.string(),
  path: z.string().nullable(),
  line: z.number().nullable(),
  createdAt: z.string(),
  url: z.string(),
});
export type ReviewComment = z.infer<typeof ReviewComment>;

export const PrSnapshot = z.object({
  nodeId: z.string(),
  number: z.number().int(),
  url: z.string(),
  state: z.enum(['OPEN', 'CLOSED', 'MERGED']),
  headRefName: z.string(),
  headRefOid: z.string(),
  baseRefName: z.string(),
  /** MERGEABLE | CONFLICTING | UNKNOWN */
  mergeable: z.string(),
  mergeStateStatus: z.string(),
  autoMergeEnabled: z.boolean(),
  checks: z.array(CheckState),
  reviews: z.array(z.object({ author: z.string(), state: z.string(), submittedAt: z.string() })),
  unresolvedThreads: z.array(z.object({ comments: z.array(ReviewComment) })),
});
export type PrSnapshot = z.infer<typeof PrSnapshot>;

export const Classification = z.object({
  state: RatchetState,
  /** One line for people: "CI failing: test (ubuntu), lint". */
  reason: z.string(),
  /** Latest attempt of each failing check. */
  failingChecks: z.array(CheckState),
  /** Review feedback that asks for changes, from allowed reviewers. */
  reviewComments: z.array(ReviewComment),
  changesRequestedBy: z.array(z.string()),
  checks: z.object({ total: z.number(), passed: z.number(), failed: z.number(), pending: z.number() }),
});
export type Classification = z.infer<typeof Classification>;

export const RatchetAction = z.enum(['none', 'start-fixer', 'notify-fixer', 'merge', 'pause']);
export type RatchetAction = z.infer<typeof RatchetAction>;

export const RatchetDecision = z.object({
  action: RatchetAction,
  reason: z.string(),
  state: RatchetState,
  fingerprint: z.string().optional(),
  at: z.string(),
  headRefOid: z.string().optional(),
  sessionId: z.string().optional(),
});
export type RatchetDecision = z.infer<typeof RatchetDecision>;

export const RatchetSettings = z.object({
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
});
export type RatchetSettings = z.infer<typeof RatchetSettings>;

export const RatchetSettingsPatch = z
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
  })
  .partial()
  .strict();
export type RatchetSettingsPatch = z.infer<typeof RatchetSettingsPatch>;

/** What the ratchet keeps per workspace (inside the workspace record). */
export const WorkspaceRatchet = z.object({
  state: RatchetState.optional(),
  reason: z.string().optional(),
  checks: Classification.shape.checks.optional(),
  lastCheckedAt: z.string().optional(),
  lastDecision: RatchetDecision.optional(),
  fixerSessionId: z.string().optional(),
  /** The state the fixer was last told about (to tell when a new one outranks it). */
  fixerState: RatchetState.optional(),
  attempts: z.number().int().nonnegative().default(0),
  paused: z.boolean().default(false),
  pausedReason: z.string().optional(),
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
});
export type WorkspaceRatchet = z.infer<typeof WorkspaceRatchet>;

export const TickResult = z.object({
  /** False when the tick did not talk to GitHub (no token, backoff). */
  ran: z.boolean(),
  checked: z.number().int(),
  decisions: z.array(z.object({ workspaceId: z.string(), decision: RatchetDecision })),
  error: z.string().optional(),
  startedAt: z.string(),
  durationMs: z.number(),
});
export type TickResult = z.infer<typeof TickResult>;

export const GitHubConnection = z.object({
  connected: z.boolean(),
  message: z.string().optional(),
  tokenSource: z.string().optional(),
  login: z.string().optional(),
  rateLimit: z.object({ remaining: z.number(), resetAt: z.string() }).optional(),
  lastError: z.string().optional(),
  backoffUntil: z.string().optional(),
  /** A classic token's OAuth scopes (GitHub's X-OAuth-Scopes); absent for fine-grained and app tokens. */
  scopes: z.array(z.string()).optional(),
});
export type GitHubConnection = z.infer<typeof GitHubConnection>;

export const RatchetStatus = z.object({
  /** github.com's connection. */
  github: GitHubConnection,
  /** The connections of the other hosts registered projects live on (GitHub Enterprise); absent when none. */
  hosts: z.array(GitHubConnection.extend({ host: z.string() })).optional(),
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
});
export type RatchetStatus = z.infer<typeof RatchetStatus>;
