/**
 * The domain as both the agent and the extension see it: projects,
 * workspaces, sessions and settings. Zod schemas first; types are inferred.
 */
import { z } from 'zod';

import { PermissionMode } from './permission-mode.js';
import { RatchetSettings, RatchetSettingsPatch, WorkspaceRatchet } from './ratchet.js';

export { PermissionMode } from './permission-mode.js';

/** A Chrome extension id is 32 letters a–p; Firefox ids are an email-like string or a {uuid}. */
export const ExtensionId = z
  .string()
  .regex(/^([a-p]{32}|[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+|\{[0-9a-fA-F-]{36}\})$/, 'not an extension id');

const AllowedExtensionIds = z.array(ExtensionId).max(50);

export const Settings = z.object({
  /**
   * Extension ids allowed to connect. Empty = any browser extension (the
   * token is still required). Firefox gives each install a random origin
   * UUID, so pin Chrome ids here and rely on the token for Firefox.
   */
  allowedExtensionIds: AllowedExtensionIds.default([]),
  defaultPermissionMode: PermissionMode.default('bypassPermissions'),
  ratchet: RatchetSettings.default(RatchetSettings.parse({})),
});
export type Settings = z.infer<typeof Settings>;

/** Only the fields given change. (Built without defaults: a default would overwrite the fields left out.) */
export const SettingsPatch = z
  .object({ allowedExtensionIds: AllowedExtensionIds, defaultPermissionMode: PermissionMode })
  .partial()
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

export const Project = z.object({
  id: z.string(),
  /** The local clone. */
  path: z.string(),
  /** github.com, or a GitHub Enterprise host. */
  host: z.string(),
  owner: z.string(),
  repo: z.string(),
  defaultBranch: z.string(),
  worktreeRoot: z.string(),
  /** A shell command run in each new worktree (the user wrote it; it runs via their shell). */
  setupScript: z.string().optional(),
  /** Ratchet settings that differ from the global ones for this project. */
  ratchet: RatchetSettingsPatch.optional(),
  createdAt: z.string(),
});
export type Project = z.infer<typeof Project>;

export const projectSlug = (project: Pick<Project, 'owner' | 'repo'>) => `${project.owner}/${project.repo}`;

export const WorkspaceStatus = z.enum(['provisioning', 'ready', 'failed', 'missing', 'archived']);
export type WorkspaceStatus = z.infer<typeof WorkspaceStatus>;

/** The steps of provisioning, in order; progress events and failures name them. */
export const ProvisionStep = z.enum(['fetching', 'creating worktree', 'running setup']);
export type ProvisionStep = z.infer<typeof ProvisionStep>;

export const WorkspaceFailure = z.object({
  step: ProvisionStep,
  message: z.string(),
  exitCode: z.number().int().optional(),
  /** The last lines the failing command wrote to stderr. */
  stderrTail: z.string().optional(),
  at: z.string(),
});
export type WorkspaceFailure = z.infer<typeof WorkspaceFailure>;

export const IssueRef = z.object({
  number: z.number().int().positive(),
  title: z.string(),
  url: z.string(),
});
export type IssueRef = z.infer<typeof IssueRef>;

export const Workspace = z.object({
  id: z.string(),
  projectId: z.string(),
  branch: z.string(),
  baseBranch: z.string(),
  path: z.string(),
  status: WorkspaceStatus,
  issue: IssueRef.optional(),
  pr: z.object({ number: z.number().int(), url: z.string(), nodeId: z.string() }).optional(),
  /** The step in progress while provisioning (kept so a restart can say where it stopped). */
  step: ProvisionStep.optional(),
  failure: WorkspaceFailure.optional(),
  /** The first message for the chat session that starts once the workspace is ready (cleared then). */
  initialPrompt: z.string().optional(),
  /** Things that went wrong without failing (an unreachable origin, …), newest last. */
  warnings: z.array(z.string()).default([]),
  ratchet: WorkspaceRatchet.default(WorkspaceRatchet.parse({})),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Workspace = z.infer<typeof Workspace>;

export const ChangeSummary = z.object({
  files: z.number().int().nonnegative(),
  additions: z.number().int().nonnegative(),
  deletions: z.number().int().nonnegative(),
  ahead: z.number().int().nonnegative(),
  behind: z.number().int().nonnegative(),
  dirty: z.boolean(),
  unpushed: z.number().int().nonnegative(),
});
export type ChangeSummary = z.infer<typeof ChangeSummary>;

/** A workspace as clients see it: the stored record plus what is derived for display. */
export const WorkspaceView = Workspace.extend({
  project: z.string(),
  sessions: z.object({
    total: z.number().int(),
    running: z.number().int(),
    /** Sessions waiting for a permission answer. */
    waitingForYou: z.number().int().default(0),
    /** Turns finished, all sessions together: grows with every reply (the popup's "new" marker). */
    turns: z.number().int().default(0),
    costUsd: z.number().nonnegative(),
  }),
  /** Null when it cannot be computed (worktree missing, still provisioning). */
  changes: ChangeSummary.nullable(),
});
export type WorkspaceView = z.infer<typeof WorkspaceView>;

export const SessionKind = z.enum(['chat', 'ratchet', 'quick-action']);
export type SessionKind = z.infer<typeof SessionKind>;
export const SessionStatus = z.enum([
  'starting',
  'running',
  'idle',
  'waiting-permission',
  'interrupted',
  'crashed',
  'exited',
]);

export type SessionStatus = z.infer<typeof SessionStatus>;

export const Session = z.object({
  id: z.string(),
  workspaceId: z.string(),
  /** From the CLI's init line; `--resume` uses exactly this id. */
  claudeSessionId: z.string().optional(),
  kind: SessionKind,
  /** What started it: "chat", a quick action's name, or the ratchet state it fixes. */
  title: z.string().default(''),
  status: SessionStatus,
  /** Why it is in this status, for people (the stderr tail of a crash, …). */
  statusDetail: z.string().optional(),
  permissionMode: PermissionMode,
  model: z.string().optional(),
  costUsd: z.number().nonnegative(),
  turns: z.number().int().nonnegative().default(0),
  /** The claude process while one runs (so a restarted agent can end one a crash left behind). */
  pid: z.number().int().positive().optional(),
  createdAt: z.string(),
  updatedAt: z.string().optional(),
});
export type Session = z.infer<typeof Session>;

export const PermissionRequest = z.object({
  requestId: z.string(),
  toolName: z.string(),
  input: z.record(z.string(), z.unknown()),
  description: z.string().optional(),
  at: z.string(),
});
export type PermissionRequest = z.infer<typeof PermissionRequest>;

export const SessionView = Session.extend({
  pendingPermissions: z.array(PermissionRequest),
  /** User messages accepted but not yet handed to Claude (a turn is running). */
  queued: z.number().int().nonnegative(),
  /** Latest transcript seq, for subscribing with sinceSeq. */
  lastSeq: z.number().int().nonnegative(),
});
export type SessionView = z.infer<typeof SessionView>;
