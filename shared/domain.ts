/**
 * The domain as both the agent and the extension see it: projects,
 * workspaces, sessions and settings. Zod schemas first; types are inferred.
 */
import { z } from 'zod';

export const PermissionMode = z.enum(['bypassPermissions', 'ask']);
export type PermissionMode = z.infer<typeof PermissionMode>;

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
  path: z.string(),
  owner: z.string(),
  repo: z.string(),
  defaultBranch: z.string(),
  worktreeRoot: z.string(),
  setupScript: z.string().optional(),
  createdAt: z.string(),
});
export type Project = z.infer<typeof Project>;

export const WorkspaceStatus = z.enum(['provisioning', 'ready', 'failed', 'archived']);

export const Workspace = z.object({
  id: z.string(),
  projectId: z.string(),
  branch: z.string(),
  path: z.string(),
  status: WorkspaceStatus,
  issue: z.object({ number: z.number().int(), url: z.string(), title: z.string() }).optional(),
  pr: z.object({ number: z.number().int(), url: z.string(), nodeId: z.string() }).optional(),
  createdAt: z.string(),
});
export type Workspace = z.infer<typeof Workspace>;

export const SessionKind = z.enum(['chat', 'ratchet', 'quick-action']);
export const SessionStatus = z.enum([
  'starting',
  'running',
  'idle',
  'waiting-permission',
  'interrupted',
  'crashed',
  'exited',
]);

export const Session = z.object({
  id: z.string(),
  workspaceId: z.string(),
  claudeSessionId: z.string().optional(),
  kind: SessionKind,
  status: SessionStatus,
  permissionMode: PermissionMode,
  model: z.string().optional(),
  costUsd: z.number().nonnegative(),
  createdAt: z.string(),
});
export type Session = z.infer<typeof Session>;
