/**
 * The domain as both the agent and the extension see it: projects,
 * workspaces, sessions and settings. Zod schemas first; types are inferred.
 * Schemas are built on first use (see protocol.ts).
 */
import { z } from 'zod';

import { PermissionMode } from './permission-mode.js';
import { RatchetSettings, RatchetSettingsPatch, WorkspaceRatchet } from './ratchet.js';
import { SessionSandbox } from './sandbox.js';
import { parsePatchValue, type SettingValueResult } from './setting-value.js';

export { PermissionMode } from './permission-mode.js';

/**
 * A Chrome extension id is 32 letters a–p; Firefox add-on ids are an
 * email-like string or a {uuid}; a bare uuid is a Firefox install's internal
 * UUID (about:debugging), the part of its moz-extension:// origin.
 */
export const ExtensionId = z.lazy(() =>
  z
    .string()
    .regex(
      /^([a-p]{32}|[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+|\{[0-9a-fA-F-]{36}\}|[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12})$/,
      'not an extension id',
    ),
);

const AllowedExtensionIds = z.lazy(() => z.array(ExtensionId).max(50));

/** A host name as it appears in a clone's URL (no scheme, port or path), lowercased. */
const HostName = z.lazy(() =>
  z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, 'not a host name'),
);
const GitHubEnterpriseHosts = z.lazy(() => z.array(HostName).max(50));

/** A host a project's sandboxed sessions may reach: a host name, or `*.` and a domain for its subdomains. */
export const AllowedHost = z.lazy(() =>
  z
    .string()
    .trim()
    .toLowerCase()
    .regex(
      /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/,
      'not a host name (example.com, or *.example.com for its subdomains)',
    ),
);

/** Snapshots before a worktree is removed, and what `ff-agent gc` reclaims. */
const diskSettingsFields = () => ({
  /**
   * An ignored file or folder bigger than this (node_modules, build output), or a nested repository
   * whose git objects are, cannot be kept in a snapshot: archive names it and removes nothing until
   * the user names it too (`--discard`).
   */
  snapshotIgnoredMaxMb: z.number().int().min(0).max(100_000).default(100),
  /** `gc` removes worktrees and branches of merged or archived workspaces this many days old. */
  gcAfterDays: z.number().int().min(0).max(3650).default(14),
  /** `gc` deletes archive snapshots (`refs/ff/archive/*`) older than this many days. */
  archiveRetentionDays: z.number().int().min(0).max(3650).default(30),
});

export const Settings = z.lazy(() =>
  z.object({
    /**
     * Extension ids allowed to connect besides ff's own (which always are).
     * Firefox gives each install a random origin UUID: list those UUIDs to pin
     * Firefox too; otherwise any moz-extension origin passes and the token
     * keeps other add-ons out.
     */
    allowedExtensionIds: AllowedExtensionIds.default([]),
    defaultPermissionMode: PermissionMode.default('bypassPermissions'),
    /**
     * Off (the default): a session whose first prompt carries text by someone
     * outside the repo (GitHub author association not OWNER, MEMBER or
     * COLLABORATOR), text whose author ff could not verify (issue text a client
     * handed over), or a fork's checks and logs starts in `ask` mode. On: such
     * sessions use the default mode.
     */
    trustOutsideAuthors: z.boolean().default(false),
    /**
     * GitHub Enterprise Server hosts whose clones `project add` accepts (besides github.com and
     * the hosts of FF_GITHUB_API_URLS); any other host (gitlab.com, …) is refused.
     */
    githubEnterpriseHosts: GitHubEnterpriseHosts.default([]),
    ratchet: RatchetSettings.default(RatchetSettings.parse({})),
    ...diskSettingsFields(),
  }),
);
export type Settings = z.infer<typeof Settings>;

/** Only the fields given change. (Built without defaults: a default would overwrite the fields left out.) */
export const SettingsPatch = z.lazy(() => {
  const disk = diskSettingsFields();
  return z
    .object({
      allowedExtensionIds: AllowedExtensionIds,
      defaultPermissionMode: PermissionMode,
      trustOutsideAuthors: z.boolean(),
      githubEnterpriseHosts: GitHubEnterpriseHosts,
      snapshotIgnoredMaxMb: disk.snapshotIgnoredMaxMb.removeDefault(),
      gcAfterDays: disk.gcAfterDays.removeDefault(),
      archiveRetentionDays: disk.archiveRetentionDays.removeDefault(),
    })
    .partial()
    .strict();
});
export type SettingsPatch = z.infer<typeof SettingsPatch>;

/**
 * `ff-agent settings set <key> <value>` — pure: one setting as a patch, or a
 * one-line error. The ratchet's settings have their own command.
 */
export function parseGeneralSettingValue(key: string, raw: string): SettingValueResult<SettingsPatch> {
  const result = parsePatchValue(SettingsPatch.unwrap(), Settings.parse({}), 'setting', key, raw);
  if (!result.ok && key === 'ratchet')
    return {
      ok: false,
      error: 'The ratchet has its own settings: ff-agent ratchet settings set <key> <value>.',
    };
  return result;
}

/** A remote host's name in ff: short, lowercase, safe in file names and messages; never `local`. */
export const RemoteName = z.lazy(() =>
  z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'a remote name is 1-32 lowercase letters, digits or dashes')
    .refine((name) => name !== 'local', '`local` means this machine; pick another remote name'),
);
export type RemoteName = z.infer<typeof RemoteName>;

/**
 * Which machine owns a project, workspace or session: `local` (the agent the
 * client talks to) or the name of one of its remotes. Stored records omit it;
 * the agent that answers stamps it (its own things are `local`; a remote's
 * things carry that remote's name once the local agent relays them).
 */
export const Machine = z.lazy(() => z.union([z.literal('local'), RemoteName]));
export type Machine = z.infer<typeof Machine>;
/** In answers and events: absent means `local` (what an agent says of its own things). */
const MachineField = Machine.default('local');

export const Project = z.lazy(() =>
  z.object({
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
    /**
     * The first session starts as soon as the worktree exists, while the setup command runs (told
     * so, and where its log is), instead of after it: Claude reads the task during a long install.
     */
    sessionDuringSetup: z.boolean().optional(),
    /** A shell command that starts the app (`ff-agent workspace run`); else the repo's conductor, superset or codex config's. */
    runScript: z.string().optional(),
    /** A shell command run in the worktree before it is archived; else the repo's conductor, superset or codex config's. */
    archiveScript: z.string().optional(),
    /** False: scripts, sessions and terminals get no PORT (FF_PORT still), for an app that reads PORT otherwise. */
    portVariable: z.boolean().optional(),
    /** Ratchet settings that differ from the global ones for this project. */
    ratchet: RatchetSettingsPatch.optional(),
    /**
     * Sessions run outside the OS sandbox (`project set --no-sandbox`): an explicit choice, shown
     * as a warning wherever a session's mode is. Absent: sandboxed, the default.
     */
    unsandboxed: z.boolean().optional(),
    /** Hosts its sandboxed sessions may reach besides the API, its GitHub host and package registries. */
    allowedHosts: z.array(AllowedHost).max(100).optional(),
    createdAt: z.string(),
  }),
);
export type Project = z.infer<typeof Project>;

/** A project as the agent answers it: the record plus the machine its clone is on. */
export const ProjectView = z.lazy(() => Project.unwrap().extend({ machine: MachineField }));
export type ProjectView = z.infer<typeof ProjectView>;

export const ScriptKind = z.enum(['setup', 'run', 'archive']);
export type ScriptKind = z.infer<typeof ScriptKind>;
/** Where a script came from: ff's project settings, or a file of the repo another tool reads. */
export const ScriptSource = z.enum([
  'ff',
  '.conductor/settings.toml',
  'conductor.json',
  '.superset/config.json',
  '.codex/environments/environment.toml',
]);
export type ScriptSource = z.infer<typeof ScriptSource>;

const ResolvedScript = z.object({ command: z.string(), source: ScriptSource });

/** The scripts in force for a checkout, each with its source; `problems` names repo files that could not be read. */
export const ProjectScripts = z.lazy(() =>
  z.object({
    setup: ResolvedScript.optional(),
    run: ResolvedScript.optional(),
    archive: ResolvedScript.optional(),
    problems: z.array(z.string()),
  }),
);
export type ProjectScripts = z.infer<typeof ProjectScripts>;

/** `project show`: the project and the scripts its main clone has in force. */
export const ProjectDetails = z.lazy(() => ProjectView.unwrap().extend({ scripts: ProjectScripts }));
export type ProjectDetails = z.infer<typeof ProjectDetails>;

export const projectSlug = (project: Pick<Project, 'owner' | 'repo'>) => `${project.owner}/${project.repo}`;

export const WorkspaceStatus = z.enum(['provisioning', 'ready', 'failed', 'missing', 'archived']);
export type WorkspaceStatus = z.infer<typeof WorkspaceStatus>;

/** The steps of provisioning, in order; progress events and failures name them. */
export const ProvisionStep = z.enum(['fetching', 'creating worktree', 'running setup']);
export type ProvisionStep = z.infer<typeof ProvisionStep>;

export const WorkspaceFailure = z.lazy(() =>
  z.object({
    step: ProvisionStep,
    message: z.string(),
    exitCode: z.number().int().optional(),
    /** The last lines the failing command wrote to stderr. */
    stderrTail: z.string().optional(),
    at: z.string(),
  }),
);
export type WorkspaceFailure = z.infer<typeof WorkspaceFailure>;

export const IssueRef = z.lazy(() =>
  z.object({
    number: z.number().int().positive(),
    title: z.string(),
    url: z.string(),
  }),
);
export type IssueRef = z.infer<typeof IssueRef>;

/**
 * What a snapshot cannot hold: an ignored file or folder, or a nested repository, over the
 * size limit; a nested repository git cannot read, or whose history is not all there (a
 * shallow clone, a partial clone: copying it would leave commits without their parents in
 * the project's clone, which its own `git gc` refuses).
 */
export const SkippedKind = z.enum([
  'ignored',
  'nested repository',
  'unreadable repository',
  'shallow repository',
  'partial clone',
]);
export type SkippedKind = z.infer<typeof SkippedKind>;

/** What ff kept when it removed a workspace's worktree: `workspace restore` brings it back. */
export const WorkspaceSnapshot = z.lazy(() =>
  z.object({
    /** `refs/ff/archive/<workspace>`: a commit of the whole worktree (parents: HEAD, the index). */
    ref: z.string(),
    commit: z.string(),
    /** HEAD when the snapshot was taken. */
    head: z.string(),
    /** The branch checked out then; absent for a detached HEAD (kept by `headRef`). */
    branch: z.string().optional(),
    headRef: z.string().optional(),
    tracked: z.number().int().nonnegative(),
    untracked: z.number().int().nonnegative(),
    ignored: z.number().int().nonnegative(),
    /**
     * What it does not hold, each named by the user when archiving (`--discard`):
     * ignored files or folders, or nested repositories, over `snapshotIgnoredMaxMb`.
     */
    skipped: z.array(
      z.object({
        path: z.string(),
        bytes: z.number().nonnegative(),
        kind: SkippedKind.optional(),
      }),
    ),
    /** The repositories nested in the worktree that it holds (their work, commits, refs and stash). */
    nested: z.array(z.string()).optional(),
    /** How many empty folders it holds. */
    emptyDirs: z.number().int().nonnegative().optional(),
    at: z.string(),
  }),
);
export type WorkspaceSnapshot = z.infer<typeof WorkspaceSnapshot>;

/**
 * An archive under way, written once its snapshot is on its ref and before
 * anything is removed: a restart finishes it (the worktree, renamed to
 * `trash`, is deleted) or, when the worktree is still where it was, leaves it
 * there, ready (reconcile.ts). `inPlace`: the worktree could not be renamed
 * (another file system), so it is deleted where it is and a restart finishes that.
 */
export const ArchiveJournal = z.lazy(() =>
  z.object({
    snapshot: WorkspaceSnapshot,
    trash: z.string(),
    inPlace: z.boolean().optional(),
    at: z.string(),
  }),
);
export type ArchiveJournal = z.infer<typeof ArchiveJournal>;

/** Consecutive ports a workspace owns: `first` is FF_PORT (and CONDUCTOR_PORT, and PORT unless the project turns it off). */
export const PortBlock = z.lazy(() =>
  z.object({ first: z.number().int().min(1).max(65_535), count: z.number().int().min(1).max(100) }),
);
export type PortBlock = z.infer<typeof PortBlock>;

/** The gitignored files a new workspace got from the main clone, as `.worktreeinclude` names them. */
export const IncludedFiles = z.lazy(() =>
  z.object({
    /** The first ones (a whole folder may be included): path in the worktree, how it got there, its size. */
    files: z.array(
      z.object({
        path: z.string(),
        how: z.enum(['reflink', 'hardlink', 'copy']),
        bytes: z.number().nonnegative(),
      }),
    ),
    /** All of them, listed or not. */
    count: z.number().int().nonnegative(),
    bytes: z.number().nonnegative(),
  }),
);
export type IncludedFiles = z.infer<typeof IncludedFiles>;

export const Workspace = z.lazy(() =>
  z.object({
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
    /** Logins outside the repo whose text the initial prompt carries (its session then starts in `ask` mode). */
    initialPromptOutsideAuthors: z.array(z.string()).optional(),
    /**
     * Why the initial prompt carries text whose author ff could not verify
     * (issue text a client handed over instead of ff reading it from GitHub):
     * it counts as an outside author's.
     */
    initialPromptUnverified: z.string().optional(),
    /** Things that went wrong without failing (an unreachable origin, …), newest last. */
    warnings: z.array(z.string()).default([]),
    ratchet: WorkspaceRatchet.default(WorkspaceRatchet.parse({})),
    /**
     * A PR ff did not open, adopted (`workspace adopt`): its head branch and
     * where it lives. A fork's PR (`fork`) is fetched from pull/<n>/head and is
     * never pushed to by ff; its sessions run in `ask` mode.
     */
    adopted: z
      .object({
        headRefName: z.string(),
        headRepository: z.string().nullable(),
        fork: z.boolean(),
        author: z.string(),
      })
      .optional(),
    /** Its ports, chosen free at create and kept until archive (restore chooses again). */
    ports: PortBlock.optional(),
    /** The gitignored files copied in from the main clone (its `.worktreeinclude`); absent when it has none. */
    included: IncludedFiles.optional(),
    /** True when ff created the branch (so `gc` may delete it once it is safe). */
    createdBranch: z.boolean().optional(),
    /** When it was archived, and the snapshot of its worktree taken then (none when it had no worktree). */
    archived: z.object({ at: z.string(), snapshot: WorkspaceSnapshot.optional() }).optional(),
    /** Set while it is being archived (see ArchiveJournal). */
    archiving: ArchiveJournal.optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);
export type Workspace = z.infer<typeof Workspace>;

export const ChangeSummary = z.lazy(() =>
  z.object({
    files: z.number().int().nonnegative(),
    additions: z.number().int().nonnegative(),
    deletions: z.number().int().nonnegative(),
    ahead: z.number().int().nonnegative(),
    behind: z.number().int().nonnegative(),
    dirty: z.boolean(),
    unpushed: z.number().int().nonnegative(),
  }),
);
export type ChangeSummary = z.infer<typeof ChangeSummary>;

export const DiskUse = z.lazy(() =>
  z.object({
    /** The worktree folder. */
    worktreeBytes: z.number().nonnegative(),
    /** git objects only its branch and snapshot refs hold (what deleting them would free). */
    onlyHereBytes: z.number().nonnegative(),
    /** False when the walk stopped at its bound: the real figure is larger. */
    complete: z.boolean(),
    at: z.string(),
  }),
);
export type DiskUse = z.infer<typeof DiskUse>;

/** One thing `ff-agent gc` removed (or, in a dry run, would remove). */
export const GcItem = z.lazy(() =>
  z.object({
    kind: z.enum(['worktree', 'branch', 'orphan-worktree', 'snapshot']),
    /** owner/repo */
    project: z.string(),
    /** The worktree's path, the branch name or the ref. */
    what: z.string(),
    workspaceId: z.string().optional(),
    /** Bytes it frees: the worktree folder now; objects of a branch or snapshot at git's own next gc. */
    bytes: z.number().nonnegative(),
    reason: z.string(),
    /** Where the worktree was snapshotted before it was removed. */
    snapshotRef: z.string().optional(),
    /** For an orphan worktree (no workspace to `restore`): the git commands that bring it back. */
    restore: z.string().optional(),
  }),
);
export type GcItem = z.infer<typeof GcItem>;

export const GcReport = z.lazy(() =>
  z.object({
    dryRun: z.boolean(),
    removed: z.array(GcItem),
    /** What it looked at and left alone, with why (not provably ff's, or not safe). */
    kept: z.array(z.object({ what: z.string(), reason: z.string() })),
    bytes: z.number().nonnegative(),
  }),
);
export type GcReport = z.infer<typeof GcReport>;

/** A workspace as clients see it: the stored record plus what is derived for display. */
/** A port a workspace's process listens on: its app, one click away. */
export const Preview = z.lazy(() =>
  z.object({
    port: z.number().int().min(1).max(65_535),
    /** http://localhost:<port>/ on the machine the workspace is on. */
    url: z.string(),
    pid: z.number().int(),
    command: z.string(),
  }),
);
export type Preview = z.infer<typeof Preview>;

export const WorkspaceView = z.lazy(() =>
  Workspace.unwrap().extend({
    /** The machine its worktree is on. */
    machine: MachineField,
    project: z.string(),
    /** Counted as shared/session-counts.ts's `summarizeSessions` counts (running: starting or in a turn). */
    sessions: z.object({
      total: z.number().int(),
      running: z.number().int(),
      /** Sessions waiting for a permission answer. */
      waitingForYou: z.number().int().default(0),
      /** Turns finished, all sessions together: grows with every reply (the popup's "new" marker). */
      turns: z.number().int().default(0),
      costUsd: z.number().nonnegative(),
    }),
    /**
     * As last worked out (in the background, after its files changed; `changes` events on
     * `workspace:<id>` bring new ones). Null when it cannot be computed (worktree missing, still
     * provisioning) or is not known yet (just ready, or the first start with it).
     */
    changes: ChangeSummary.nullable(),
    /** Disk it uses; absent until measured (measured in the background, cached). */
    disk: DiskUse.optional(),
    /**
     * The ports its processes listen on, as last found (one walk of /proc for every workspace,
     * kept a few seconds; `workspace.get` walks again). Ready workspaces only; absent before the
     * agent's first walk. `previews` events on `workspace:<id>` bring new ones.
     */
    previews: z.array(Preview).optional(),
  }),
);
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
  /** A turn failed before the model answered (not logged in, no credit, …): statusDetail says why and what to do. */
  'failed',
]);

export type SessionStatus = z.infer<typeof SessionStatus>;

export const Session = z.lazy(() =>
  z.object({
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
    /** Why it runs in this mode when ff chose it rather than you (text by an outside author). */
    permissionReason: z.string().optional(),
    /** Whether it runs inside the OS sandbox, and what its network reaches. Absent: from before ff had one. */
    sandbox: SessionSandbox.optional(),
    /** Attempts the sandbox or its rules blocked (a denied path or host), each also an event in its chat. */
    blocked: z.number().int().nonnegative().optional(),
    model: z.string().optional(),
    costUsd: z.number().nonnegative(),
    turns: z.number().int().nonnegative().default(0),
    /** What its newest turns cost (USD), oldest first, at most 5: what the ratchet expects its next turn to cost. */
    turnCostsUsd: z.array(z.number().nonnegative()).max(5).optional(),
    /** The claude process while one runs (so a restarted agent can end one a crash left behind). */
    pid: z.number().int().positive().optional(),
    /**
     * Every message queued up to this transcript seq was handed to Claude: a resume looks for
     * undelivered ones only after it, never through the whole transcript. Saved when it goes idle.
     */
    deliveredThrough: z.number().int().nonnegative().optional(),
    createdAt: z.string(),
    updatedAt: z.string().optional(),
  }),
);
export type Session = z.infer<typeof Session>;

export const PermissionRequest = z.lazy(() =>
  z.object({
    requestId: z.string(),
    toolName: z.string(),
    input: z.record(z.string(), z.unknown()),
    description: z.string().optional(),
    at: z.string(),
  }),
);
export type PermissionRequest = z.infer<typeof PermissionRequest>;

export const SessionView = z.lazy(() =>
  Session.unwrap().extend({
    /** The machine its claude process runs on. */
    machine: MachineField,
    pendingPermissions: z.array(PermissionRequest),
    /** User messages accepted but not yet handed to Claude (a turn is running). */
    queued: z.number().int().nonnegative(),
    /** Latest transcript seq, for subscribing with sinceSeq. */
    lastSeq: z.number().int().nonnegative(),
    /** What the running turn has cost so far (USD, estimated from its API calls' usage); absent between turns. */
    turnCostUsd: z.number().nonnegative().optional(),
  }),
);
export type SessionView = z.infer<typeof SessionView>;
