/**
 * The one wire protocol between ff-agent and its clients (the extension's
 * background worker and the ff-agent CLI). JSON text frames over one
 * WebSocket on 127.0.0.1. Every frame is validated with these schemas on both
 * ends; TypeScript types are inferred from them, never declared twice.
 *
 *   client → agent   hello (first frame, within 5 s), req
 *   agent  → client  welcome, res, event
 *
 * Subscriptions are ordinary requests (`subscribe` / `unsubscribe`); the
 * events they deliver carry a per-topic `seq` that only grows, so a client
 * that reconnects asks for `sinceSeq` and gets exactly what it missed.
 *
 * Each schema is built the first time something is checked with it (`z.lazy`
 * here and in domain.ts, ratchet.ts and board.ts; `method()` for the methods
 * table): building all ~1,800 when the module loads was a third of
 * `ff-agent serve`'s start. Small enums stay eager.
 */
import { z } from 'zod';
import { AgentEnvironment } from './agent-environment.js';
import { Board } from './board.js';
import {
  AllowedHost,
  ChangeSummary,
  DiskUse,
  GcReport,
  IssueRef,
  Machine,
  PermissionMode,
  PermissionRequest,
  Preview,
  ProjectDetails,
  ProjectView,
  ProvisionStep,
  RemoteName,
  SessionKind,
  SessionStatus,
  SessionView,
  Settings,
  SettingsPatch,
  Workspace,
  WorkspaceSnapshot,
  WorkspaceView,
} from './domain.js';

export { Machine, RemoteName } from './domain.js';

import {
  RatchetDecision,
  RatchetSettings,
  RatchetSettingsPatch,
  RatchetStatus,
  TickResult,
  WorkspaceRatchet,
} from './ratchet.js';
import { ClaudeEntry } from './transcript-entry.js';

/**
 * Bumped on any incompatible change to frames or method shapes. 2: session events carry typed
 * entries (shared/transcript-entry.ts) instead of the CLI's stream-json lines, which a version-1
 * extension would have shown as an empty chat. 3: a session's status can be `failed` (a turn that
 * failed before the model answered), which a version-2 client's schema would refuse.
 */
export const PROTOCOL_VERSION = 3;

/** Largest frame either side accepts (bytes). Big enough for a diff page, small enough to bound memory. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;

/**
 * What a client may send before its hello is accepted (bytes, all frames
 * together). A hello is a few hundred bytes; anything more is cut at once, so
 * clients without the token cannot make the agent hold their megabytes.
 */
export const MAX_HELLO_BYTES = 4 * 1024;

/** Connections still waiting to say hello; more are refused (HTTP 503) until some finish. */
export const MAX_PENDING_HELLOS = 256;

/**
 * Deepest nesting of arrays/objects in a frame. Real frames nest a handful of
 * levels; the limit is checked on the raw text before parsing, so no frame can
 * make a later JSON.stringify or recursive walk overflow the stack.
 */
export const MAX_FRAME_DEPTH = 32;

/** Requests one connection may have running at once; more wait in its own queue. */
export const MAX_IN_FLIGHT_PER_CONNECTION = 32;

/** Requests one connection may have waiting; a client that sends more without waiting for answers is cut. */
export const MAX_QUEUED_PER_CONNECTION = 20_000;

/** Topics one connection may follow at once. */
export const MAX_TOPICS_PER_CONNECTION = 1000;

/** How long the agent waits for `hello` before closing the connection. */
export const HELLO_TIMEOUT_MS = 5_000;

/**
 * Close codes the agent uses. 1008 is the WebSocket "policy violation" code;
 * the reason string says which policy, so a client can tell "not paired"
 * (bad token) from "update the extension" (protocol mismatch).
 */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  policyViolation: 1008,
  tooBig: 1009,
} as const;

export const CloseReason = z.enum([
  'hello-required',
  'hello-timeout',
  'bad-token',
  'bad-pairing-code', // unknown code: mistyped, or the agent restarted since `ff-agent pair`
  'pairing-code-used',
  'pairing-code-expired',
  'protocol-mismatch',
  'too-slow',
  'hello-too-big',
  'too-many-requests',
]);
export type CloseReason = z.infer<typeof CloseReason>;

export const ErrorCode = z.enum([
  'BAD_FRAME', // not JSON, or not a frame at all
  'UNKNOWN_TYPE', // a frame type this side does not know
  'UNKNOWN_METHOD',
  'INVALID_PARAMS',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'CONFLICT',
  'FAILED_PRECONDITION',
  'UNAVAILABLE', // the agent (or something it needs) is not reachable right now
  'TIMEOUT',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorInfo = z.lazy(() =>
  z.object({
    code: ErrorCode,
    /** A sentence a person can act on. Never a stack trace. */
    message: z.string(),
  }),
);
export type ErrorInfo = z.infer<typeof ErrorInfo>;

const RequestId = z.lazy(() => z.union([z.string().min(1).max(64), z.number().int().nonnegative()]));

export const ClientInfo = z.lazy(() =>
  z.object({
    name: z.string().max(64),
    version: z.string().max(64),
  }),
);

/** A short-lived, single-use code from `ff-agent pair`: XXXX-XXXX (no 0/O/1/I). */
export const PairingCode = z.lazy(() =>
  z.string().regex(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/, 'a pairing code looks like K7F2-9QX4'),
);

/** `k7f2 9qx4`, `K7F29QX4` and `K7F2-9QX4` are the same code: people type what they read. */
export function normalizePairingCode(code: string): string {
  const bare = code.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return bare.length === 8 ? `${bare.slice(0, 4)}-${bare.slice(4)}` : bare;
}

export const HelloFrame = z.lazy(() =>
  z
    .object({
      type: z.literal('hello'),
      /** The token from agent.json — or, for manual pairing, a pairing code instead. */
      token: z.string().max(512).optional(),
      pairingCode: z.string().max(20).optional(),
      protocol: z.number().int().positive(),
      client: ClientInfo,
    })
    .refine(
      (hello) => hello.token !== undefined || hello.pairingCode !== undefined,
      'hello needs a token or a pairing code',
    ),
);
export type HelloFrame = z.infer<typeof HelloFrame>;

/**
 * The agent and the extension are released together from one package.json
 * version. An extension older than its agent may miss what the agent now
 * sends or expects: this says so, in words a person can act on; undefined
 * when the extension is as new as the agent (or newer, or unparsable).
 */
export function staleExtensionNotice(agentVersion: string, extensionVersion: string): string | undefined {
  const parse = (v: string) => /^(\d+)\.(\d+)\.(\d+)/.exec(v)?.slice(1).map(Number);
  const agent = parse(agentVersion);
  const extension = parse(extensionVersion);
  if (!agent || !extension) return undefined;
  const i = agent.findIndex((part, index) => part !== extension[index]);
  if (i === -1 || extension[i]! > agent[i]!) return undefined;
  return `The ff extension (${extensionVersion}) is older than ff-agent (${agentVersion}): update the extension from the same release.`;
}

export const WelcomeFrame = z.lazy(() =>
  z.object({
    type: z.literal('welcome'),
    agentVersion: z.string(),
    protocol: z.number().int().positive(),
    /** Something the client should show, e.g. that the extension is older than the agent. */
    notice: z.string().max(500).optional(),
    /** Changes every time the agent starts: in-memory topics restart their seq then. */
    instanceId: z.string(),
    /** Only after pairing with a code: the token to use from now on. */
    token: z.string().optional(),
  }),
);
export type WelcomeFrame = z.infer<typeof WelcomeFrame>;

export const RequestFrame = z.lazy(() =>
  z.object({
    type: z.literal('req'),
    id: RequestId,
    method: z.string().min(1).max(100),
    params: z.unknown().optional(),
  }),
);
export type RequestFrame = z.infer<typeof RequestFrame>;

export const ResponseFrame = z.lazy(() =>
  z.discriminatedUnion('ok', [
    z.object({ type: z.literal('res'), id: RequestId, ok: z.literal(true), result: z.unknown() }),
    z.object({
      type: z.literal('res'),
      // null when the request was too broken to carry an id.
      id: RequestId.nullable(),
      ok: z.literal(false),
      error: ErrorInfo,
    }),
  ]),
);
export type ResponseFrame = z.infer<typeof ResponseFrame>;

/** `board`, `ratchet`, `remotes`, `workspace:<id>`, `session:<id>`, `terminal:<id>`. */
export const Topic = z.lazy(() =>
  z
    .string()
    .regex(
      /^(board|ratchet|remotes|(workspace|session|terminal):[A-Za-z0-9_-]{1,64})$/,
      'topic must be board, ratchet, remotes, or workspace:/session:/terminal: followed by an id',
    ),
);
export type Topic = z.infer<typeof Topic>;

export const EventFrame = z.lazy(() =>
  z.object({
    type: z.literal('event'),
    topic: Topic,
    seq: z.number().int().positive(),
    data: z.unknown(),
  }),
);
export type EventFrame = z.infer<typeof EventFrame>;

export const ClientFrame = z.lazy(() => z.union([HelloFrame, RequestFrame]));
export type ClientFrame = z.infer<typeof ClientFrame>;

export const AgentFrame = z.lazy(() =>
  z.discriminatedUnion('type', [WelcomeFrame, ResponseFrame, EventFrame]),
);
export type AgentFrame = z.infer<typeof AgentFrame>;

// ---------------------------------------------------------------------------
// Methods: params and result schemas, one table both ends use.

export const SubscribeParams = z.lazy(() =>
  z.object({
    topic: Topic,
    /** The last seq the client saw; omitted = only live events from now on. */
    sinceSeq: z.number().int().nonnegative().optional(),
  }),
);

export const SubscribeResult = z.lazy(() =>
  z.object({
    topic: Topic,
    /** The topic's latest seq when the subscription started. */
    seq: z.number().int().nonnegative(),
    /**
     * How many seqs the missed events that follow this response cover: seqs in
     * (seq - replayed, seq], some possibly skipped (a terminal's replay is one
     * snapshot). A long replay arrives as the client reads it, then live events.
     */
    replayed: z.number().int().nonnegative(),
    /**
     * True when events after `sinceSeq` are no longer available (or the seq
     * restarted with a new agent instance): the client should reload state.
     */
    gap: z.boolean(),
  }),
);
export type SubscribeResult = z.infer<typeof SubscribeResult>;

export const StatusResult = z.lazy(() =>
  z.object({
    agentVersion: z.string(),
    protocol: z.number().int(),
    instanceId: z.string(),
    pid: z.number().int(),
    port: z.number().int(),
    home: z.string(),
    startedAt: z.string(),
    uptimeMs: z.number().nonnegative(),
    /** The last time the browser extension connected (since this agent started). */
    lastExtensionSeenAt: z.string().optional(),
    /** The version that extension said hello with. */
    lastExtensionVersion: z.string().optional(),
    /** Set when that extension is older than this agent (see staleExtensionNotice). */
    extensionNotice: z.string().optional(),
    counts: z.object({
      projects: z.number().int().nonnegative(),
      workspaces: z.number().int().nonnegative(),
      sessions: z.number().int().nonnegative(),
      clients: z.number().int().nonnegative(),
    }),
  }),
);
export type StatusResult = z.infer<typeof StatusResult>;

const NoParams = z.lazy(() => z.object({}).strict().optional());

/** `user@host` or an ssh-config alias; never an ssh flag, never whitespace. */
export const SshDestination = z.lazy(() =>
  z
    .string()
    .max(255)
    .regex(
      /^[^\s-][^\s]*$/,
      'a destination is user@host or an ssh-config alias (no spaces, not starting with -)',
    ),
);
/** One `-o KEY=VALUE`, passed to ssh as is. */
export const SshOption = z.lazy(() =>
  z
    .string()
    .max(1000)
    .regex(/^[A-Za-z][A-Za-z0-9]*=[^\r\n]*$/, 'an ssh option is KEY=VALUE (e.g. ProxyJump=bastion)'),
);
export const RemoteState = z.enum(['connecting', 'connected', 'unreachable']);
/** A remote as `remote add` saved it: its name and how ssh reaches it. */
export const RemoteTarget = z.lazy(() =>
  z.object({
    name: RemoteName,
    destination: SshDestination,
    port: z.number().int().min(1).max(65535).optional(),
    identity: z.string().optional(),
    options: z.array(SshOption),
  }),
);
export const RemoteView = z.lazy(() =>
  RemoteTarget.unwrap().extend({
    state: RemoteState,
    /** When it entered that state (ISO). */
    since: z.string(),
    /** Why it is unreachable (one line). */
    error: z.string().optional(),
    /** The loopback port on this machine that forwards to the remote agent. */
    localPort: z.number().int().optional(),
    /** The remote agent's version, as its welcome said. */
    agentVersion: z.string().optional(),
    /** A status round trip through the tunnel: the background health check's last one, or a fresh one when asked for (`probe`). */
    latencyMs: z.number().nonnegative().optional(),
    /** The last time the remote agent answered through the tunnel (kept while it is unreachable). */
    lastSeenAt: z.string().optional(),
  }),
);
export type RemoteView = z.infer<typeof RemoteView>;
export const RemoteAddParams = z.lazy(() =>
  z.object({
    name: RemoteName,
    destination: SshDestination,
    port: z.number().int().min(1).max(65535).optional(),
    identity: z.string().min(1).max(4096).optional(),
    options: z.array(SshOption).max(32).optional(),
  }),
);
export type RemoteAddParams = z.infer<typeof RemoteAddParams>;

/** `owner/repo`, or a project id. */
const ProjectRef = z.lazy(() => z.string().min(1).max(200));
const WorkspaceId = z.lazy(() => z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a workspace id'));
/** A user-chosen branch; git's own rules are checked by the agent. */
const BranchName = z.lazy(() => z.string().min(1).max(200));

export const ProjectAddParams = z.lazy(() =>
  z.object({
    /** The clone's path on that machine. */
    path: z.string().min(1).max(4096),
    /** Where the clone is: a remote's name (`ff-agent project add --host <name>`); default this machine. */
    machine: Machine.optional(),
    setupScript: z.string().max(10_000).optional(),
    /** Start the first session while the setup command runs (see Project). */
    sessionDuringSetup: z.boolean().optional(),
    worktreeRoot: z.string().min(1).max(4096).optional(),
  }),
);

/** Changes a registered project's settings; what is left out stays as it is. */
export const ProjectSetParams = z.lazy(() =>
  z
    .object({
      project: ProjectRef,
      /** A new setup command; an empty string removes it. */
      setupScript: z.string().max(10_000).optional(),
      sessionDuringSetup: z.boolean().optional(),
      /** `false`: its sessions run outside the OS sandbox (`--no-sandbox`); `true`: inside again. */
      sandbox: z.boolean().optional(),
      /** Hosts its sandboxed sessions may reach from now on (`--allow-host`). */
      allowHosts: z.array(AllowedHost).max(100).optional(),
      /** Hosts taken off that list (`--disallow-host`). */
      disallowHosts: z.array(AllowedHost).max(100).optional(),
      /** A new run command (`workspace run`); an empty string removes it. */
      runScript: z.string().max(10_000).optional(),
      /** A new archive command; an empty string removes it. */
      archiveScript: z.string().max(10_000).optional(),
      /** False: no PORT for the project's scripts, sessions and terminals (FF_PORT still). */
      portVariable: z.boolean().optional(),
    })
    .strict(),
);

/** A link ff will render: http(s) only, so no `javascript:` URL ever becomes a link in an ff page. */
export const WebUrl = z.lazy(() =>
  z
    .string()
    .max(2000)
    .refine((url) => /^https?:\/\//i.test(url) && URL.canParse(url), 'must be an http(s) URL'),
);

/** GitHub's CommentAuthorAssociation (OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE, …). */
const AuthorAssociation = z.lazy(() => z.string().max(40));

export const IssueDetails = z.lazy(() =>
  IssueRef.unwrap().extend({
    /** Without a title the agent reads the issue from GitHub (title, body, labels, comments). */
    title: z.string().max(1000).optional(),
    url: WebUrl.optional(),
    body: z.string().max(1_000_000).optional(),
    labels: z.array(z.string().max(200)).max(100).optional(),
    /** Who wrote the issue and how GitHub relates them to the repo (read from GitHub when the agent reads the issue). */
    author: z.string().max(100).optional(),
    authorAssociation: AuthorAssociation.optional(),
    comments: z
      .array(
        z.object({
          author: z.string().max(100),
          authorAssociation: AuthorAssociation.optional(),
          body: z.string().max(200_000),
          createdAt: z.string().optional(),
        }),
      )
      .max(50)
      .optional(),
  }),
);
export type IssueDetails = z.infer<typeof IssueDetails>;

export const WorkspaceCreateParams = z.lazy(() =>
  z.object({
    project: ProjectRef,
    issue: IssueDetails.optional(),
    branch: BranchName.optional(),
    base: BranchName.optional(),
    /**
     * Start a chat session once ready. Its first message is `prompt`, or the
     * issue rendered with prompts/issue.md. Default: true when an issue or a
     * prompt is given.
     */
    startSession: z.boolean().optional(),
    prompt: z.string().max(1_000_000).optional(),
  }),
);

export const WorkspaceDiffResult = z.lazy(() =>
  z.object({
    base: z.string(),
    diff: z.string(),
    truncated: z.boolean(),
  }),
);

const SessionId = z.lazy(() => z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a session id'));

/**
 * What `session:<id>` carries: the session's transcript, one event per
 * transcript line, with the transcript's seq. A `claude` event holds what
 * one CLI line says as typed entries (shared/transcript-entry.ts), derived
 * by the agent; the raw line stays in the transcript file. The others are ff's.
 */
export const SessionEvent = z.lazy(() =>
  z.discriminatedUnion('kind', [
    /** A user message, acknowledged once this entry is written. `queued` = a turn was running. */
    z.object({
      kind: z.literal('user'),
      ts: z.string(),
      messageId: z.string(),
      text: z.string(),
      queued: z.boolean(),
    }),
    /** A queued message handed to Claude. */
    z.object({ kind: z.literal('delivered'), ts: z.string(), messageId: z.string() }),
    z.object({ kind: z.literal('claude'), ts: z.string(), entries: z.array(ClaudeEntry) }),
    z.object({
      kind: z.literal('status'),
      ts: z.string(),
      status: SessionStatus,
      detail: z.string().optional(),
    }),
    z.object({ kind: z.literal('permission'), ts: z.string(), request: PermissionRequest }),
    z.object({
      kind: z.literal('permission-answer'),
      ts: z.string(),
      requestId: z.string(),
      allow: z.boolean(),
    }),
    /** The session's walls stopped an attempt: `what` it tried ("write to ~/.bashrc", "connect to example.com:443"). */
    z.object({ kind: z.literal('blocked'), ts: z.string(), what: z.string() }),
  ]),
);
export type SessionEvent = z.infer<typeof SessionEvent>;

export const QuickAction = z.lazy(() =>
  z.object({
    name: z.string(),
    description: z.string(),
    kind: z.literal('agent'),
    icon: z.string().optional(),
    source: z.enum(['builtin', 'user']),
  }),
);
export type QuickAction = z.infer<typeof QuickAction>;

const TerminalId = z.lazy(() => z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a terminal id'));
const terminalSize = () => ({
  cols: z.number().int().min(2).max(1000),
  rows: z.number().int().min(1).max(500),
});

export const TerminalInfo = z.lazy(() =>
  z.object({
    id: z.string(),
    workspaceId: z.string(),
    shell: z.string(),
    cols: z.number().int(),
    rows: z.number().int(),
    pid: z.number().int(),
    createdAt: z.string(),
    exitCode: z.number().int().optional(),
    signal: z.number().int().optional(),
    /** The terminal runs the project's run script (`workspace run`), not a shell for the user. */
    run: z.boolean().optional(),
  }),
);
export type TerminalInfo = z.infer<typeof TerminalInfo>;

/** What `terminal:<id>` carries: output (coalesced), a scrollback snapshot on (re)attach, and the exit. */
export const TerminalEvent = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('output'), data: z.string() }),
    z.object({ kind: z.literal('snapshot'), data: z.string(), exitCode: z.number().int().optional() }),
    z.object({ kind: z.literal('exit'), exitCode: z.number().int(), signal: z.number().int().optional() }),
  ]),
);
export type TerminalEvent = z.infer<typeof TerminalEvent>;

/** What `workspace:<id>` carries. */
export const WorkspaceEvent = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('progress'), step: ProvisionStep, elapsedMs: z.number().nonnegative() }),
    z.object({
      kind: z.literal('output'),
      step: ProvisionStep,
      stream: z.enum(['stdout', 'stderr']),
      text: z.string(),
    }),
    z.object({ kind: z.literal('warning'), message: z.string() }),
    z.object({ kind: z.literal('updated'), workspace: Workspace }),
    z.object({ kind: z.literal('ratchet'), ratchet: WorkspaceRatchet }),
    /** Its change summary, worked out again in the background after its files changed (the view's `changes`). */
    z.object({ kind: z.literal('changes'), changes: ChangeSummary.nullable() }),
    /** Its disk use, measured again in the background (the view's `disk`). */
    z.object({ kind: z.literal('disk'), disk: DiskUse }),
    /** The ports its processes listen on, found again after they changed (the view's `previews`). */
    z.object({ kind: z.literal('previews'), previews: z.array(Preview) }),
  ]),
);
export type WorkspaceEvent = z.infer<typeof WorkspaceEvent>;

/** What `board` carries: a project's board, pushed when it changes. */
export const BoardEvent = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('board'),
      project: z.string(),
      /** The project's GitHub host. */
      host: z.string(),
      /** The machine whose board this is (`local`, or the remote that published it). */
      machine: Machine.default('local'),
      board: Board,
    }),
  ]),
);
export type BoardEvent = z.infer<typeof BoardEvent>;

/** What `ratchet` carries: each tick's outcome and each decision taken on a workspace. */
export const RatchetEvent = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('tick'), tick: TickResult }),
    z.object({ kind: z.literal('decision'), workspaceId: z.string(), decision: RatchetDecision }),
  ]),
);
export type RatchetEvent = z.infer<typeof RatchetEvent>;

/** What `remotes` carries: every remote's view, published whenever one's state (or its measured round trip) changes. */
export const RemotesEvent = z.lazy(() => z.object({ remotes: z.array(RemoteView) }));
export type RemotesEvent = z.infer<typeof RemotesEvent>;

/** Each topic kind's payload schema: the one place a new topic is declared. */
export const TopicEvents = {
  board: BoardEvent,
  ratchet: RatchetEvent,
  remotes: RemotesEvent,
  workspace: WorkspaceEvent,
  session: SessionEvent,
  terminal: TerminalEvent,
} as const;
export type TopicKind = keyof typeof TopicEvents;
/** The payload of a topic kind, e.g. `TopicEvent<'session'>` is a SessionEvent. */
export type TopicEvent<K extends TopicKind> = z.infer<(typeof TopicEvents)[K]>;
/** A topic of one kind: `board`, `ratchet`, `remotes` or `<kind>:<id>`. */
export type TopicOf<K extends TopicKind> = K extends 'board' | 'ratchet' | 'remotes' ? K : `${K}:${string}`;
/** The payload a topic carries, e.g. `EventOf<'workspace:abc'>` is a WorkspaceEvent. */
export type EventOf<T extends string> = T extends `${infer K}:${string}`
  ? K extends TopicKind
    ? z.infer<(typeof TopicEvents)[K]>
    : never
  : T extends TopicKind
    ? z.infer<(typeof TopicEvents)[T]>
    : never;

export function topicKind(topic: string): TopicKind | undefined {
  const kind = topic.split(':', 1)[0]!;
  return Object.hasOwn(TopicEvents, kind) ? (kind as TopicKind) : undefined;
}

/**
 * An event frame's payload, checked against its topic's schema; undefined
 * when the frame is of another kind or its payload does not parse (a client
 * ignores what it cannot read rather than trusting it).
 */
export function eventData<K extends TopicKind>(
  kind: K,
  frame: Pick<EventFrame, 'topic' | 'data'>,
): z.infer<(typeof TopicEvents)[K]> | undefined {
  if (topicKind(frame.topic) !== kind) return undefined;
  const parsed = TopicEvents[kind].safeParse(frame.data);
  return parsed.success ? (parsed.data as z.infer<(typeof TopicEvents)[K]>) : undefined;
}

/** One session's live figures for the fleet view (`fleet.status`). */
export const FleetRow = z.lazy(() =>
  z.object({
    sessionId: z.string(),
    /** When the session entered its current status (this agent's run, else its last update). */
    statusSince: z.string(),
    /** The tool a running turn waits on, with when it started. */
    tool: z.object({ name: z.string(), summary: z.string().optional(), since: z.string() }).optional(),
    /** The claude process, while one runs. `cpuPercent` of one core, over the last sample. */
    process: z
      .object({
        pid: z.number().int(),
        cpuPercent: z.number().nonnegative(),
        rssBytes: z.number().nonnegative(),
      })
      .optional(),
  }),
);
export type FleetRow = z.infer<typeof FleetRow>;

export const CostHistory = z.lazy(() =>
  z.object({
    /** Days, oldest first, as YYYY-MM-DD (UTC). */
    days: z.array(z.string()),
    /** One per repo (`owner/repo`): USD per day, aligned with `days`. */
    repos: z.array(z.object({ repo: z.string(), usd: z.array(z.number().nonnegative()) })),
    totalUsd: z.number().nonnegative(),
  }),
);
export type CostHistory = z.infer<typeof CostHistory>;

/** One method's schemas. */
interface MethodSchemas<P extends z.ZodType, R extends z.ZodType> {
  readonly params: P;
  readonly result: R;
}

/**
 * A method's schemas, built the first time a request (or its answer) of that method is checked:
 * building every method's schemas when the module loads was most of `ff-agent serve`'s start
 * (tests/bench, agent.cold_start_to_listening), and most methods are rarely called.
 */
function method<P extends z.ZodType, R extends z.ZodType>(
  build: () => { params: P; result: R },
): MethodSchemas<P, R> {
  let built: { params: P; result: R } | undefined;
  return {
    get params() {
      built ??= build();
      return built.params;
    },
    get result() {
      built ??= build();
      return built.result;
    },
  };
}

export const methods = {
  status: method(() => ({ params: NoParams, result: StatusResult })),
  subscribe: method(() => ({ params: SubscribeParams, result: SubscribeResult })),
  unsubscribe: method(() => ({
    params: z.object({ topic: Topic }),
    result: z.object({ topic: Topic, wasSubscribed: z.boolean() }),
  })),
  'settings.get': method(() => ({ params: NoParams, result: Settings })),
  'pairing.create': method(() => ({
    params: NoParams,
    result: z.object({ code: PairingCode, expiresAt: z.string() }),
  })),
  'doctor.orphans': method(() => ({ params: NoParams, result: z.array(z.string()) })),
  /** What this agent itself can reach (its claude, Claude's login, tokens, sandbox tools, PATH). */
  'doctor.environment': method(() => ({ params: NoParams, result: AgentEnvironment })),
  'settings.set': method(() => ({ params: SettingsPatch, result: Settings })),
  'remote.add': method(() => ({ params: RemoteAddParams, result: RemoteView })),
  'remote.list': method(() => ({
    params: z.object({ probe: z.boolean().optional() }).strict().optional(),
    result: z.array(RemoteView),
  })),
  'remote.remove': method(() => ({
    params: z.object({ name: RemoteName }),
    result: z.object({ removed: RemoteView }),
  })),
  'project.add': method(() => ({ params: ProjectAddParams, result: ProjectView })),
  'project.list': method(() => ({ params: NoParams, result: z.array(ProjectView) })),
  'project.set': method(() => ({ params: ProjectSetParams, result: ProjectView })),
  /** The project and the setup, run and archive scripts its main clone has in force, each with its source. */
  'project.show': method(() => ({ params: z.object({ project: ProjectRef }), result: ProjectDetails })),
  'project.remove': method(() => ({
    params: z.object({ project: ProjectRef, force: z.boolean().optional() }),
    result: z.object({ removed: ProjectView, workspacesLeftOnDisk: z.array(z.string()) }),
  })),
  'workspace.create': method(() => ({
    params: WorkspaceCreateParams,
    result: z.object({ workspace: WorkspaceView, created: z.boolean() }),
  })),
  /** A workspace on an open PR ff did not open (a teammate's, a bot's, a fork's), tracked by the ratchet; once per PR. */
  'workspace.adopt': method(() => ({
    params: z.object({ project: ProjectRef, pr: z.number().int().positive() }).strict(),
    result: z.object({ workspace: WorkspaceView, created: z.boolean() }),
  })),
  'workspace.retry': method(() => ({
    params: z.object({ workspaceId: WorkspaceId }),
    result: WorkspaceView,
  })),
  'workspace.list': method(() => ({
    params: z
      .object({ project: ProjectRef.optional(), includeArchived: z.boolean().optional() })
      .strict()
      .optional(),
    result: z.array(WorkspaceView),
  })),
  'workspace.get': method(() => ({ params: z.object({ workspaceId: WorkspaceId }), result: WorkspaceView })),
  'workspace.diff': method(() => ({
    params: z.object({
      workspaceId: WorkspaceId,
      maxBytes: z
        .number()
        .int()
        .min(1024)
        .max(MAX_FRAME_BYTES / 2)
        .optional(),
    }),
    result: WorkspaceDiffResult,
  })),
  'session.start': method(() => ({
    params: z.object({
      workspaceId: WorkspaceId,
      prompt: z.string().max(1_000_000).optional(),
      kind: SessionKind.optional(),
      title: z.string().max(200).optional(),
      permissionMode: PermissionMode.optional(),
      model: z.string().max(100).optional(),
    }),
    result: SessionView,
  })),
  'session.send': method(() => ({
    params: z.object({ sessionId: SessionId, text: z.string().min(1).max(1_000_000) }),
    result: z.object({ seq: z.number().int().positive(), queued: z.boolean(), messageId: z.string() }),
  })),
  'session.interrupt': method(() => ({ params: z.object({ sessionId: SessionId }), result: SessionView })),
  'session.stop': method(() => ({ params: z.object({ sessionId: SessionId }), result: SessionView })),
  'session.resume': method(() => ({
    params: z.object({ sessionId: SessionId, prompt: z.string().max(1_000_000).optional() }),
    result: SessionView,
  })),
  'session.list': method(() => ({
    params: z.object({ workspaceId: WorkspaceId.optional() }).strict().optional(),
    result: z.array(SessionView),
  })),
  'session.get': method(() => ({ params: z.object({ sessionId: SessionId }), result: SessionView })),
  /**
   * A session's newest events after `sinceSeq`, at most `limit` and about 4 MB,
   * in one answer: how a chat with nothing cached fills at once (a
   * subscription's replay sends them one frame each). `firstSeq` says where the
   * answer starts; subscribe with `sinceSeq: lastSeq` for what comes next.
   * With `oldestFirst`: the first events after `sinceSeq` instead, at most
   * `limit` and about `maxBytes` (at least one while any are left): a page of
   * a replay read forward (how a remote's session is replayed through the
   * local agent, agent/remote/relayed-topics.ts).
   */
  'session.events': method(() => ({
    params: z.object({
      sessionId: SessionId,
      sinceSeq: z.number().int().nonnegative().default(0),
      limit: z.number().int().min(1).max(5000).default(2000),
      oldestFirst: z.boolean().optional(),
      maxBytes: z
        .number()
        .int()
        .min(1)
        .max(4 * 1024 * 1024)
        .optional(),
    }),
    result: z.object({
      events: z.array(z.object({ seq: z.number().int().positive(), event: SessionEvent })),
      firstSeq: z.number().int().nonnegative(),
      lastSeq: z.number().int().nonnegative(),
    }),
  })),
  'permission.respond': method(() => ({
    params: z.object({
      sessionId: SessionId,
      requestId: z.string().min(1).max(200),
      allow: z.boolean(),
      message: z.string().max(2000).optional(),
      /** With allow: this tool needs no more asking in this session (pending requests for it are allowed too). */
      forSession: z.boolean().optional(),
    }),
    result: SessionView,
  })),
  /** What every session is doing now: the tool it runs, since when in its state, its claude process's CPU and memory. */
  'fleet.status': method(() => ({ params: NoParams, result: z.array(FleetRow) })),
  /** Cost per day and repo over the last `days` days, summed from the transcripts' result lines. */
  'fleet.costs': method(() => ({
    params: z
      .object({ days: z.number().int().min(1).max(366).default(30) })
      .strict()
      .optional(),
    result: CostHistory,
  })),
  'quickAction.list': method(() => ({
    params: NoParams,
    result: z.object({
      actions: z.array(QuickAction),
      problems: z.array(z.object({ file: z.string(), reason: z.string() })),
    }),
  })),
  'quickAction.run': method(() => ({
    params: z.object({ workspaceId: WorkspaceId, action: z.string().min(1).max(100) }),
    result: SessionView,
  })),
  'workspace.openPr': method(() => ({
    params: z.object({
      workspaceId: WorkspaceId,
      title: z.string().max(256).optional(),
      body: z.string().max(65_000).optional(),
      draft: z.boolean().optional(),
    }),
    result: WorkspaceView,
  })),
  /** Starts the project's run script in a terminal of the workspace (the running one if it runs already). */
  'workspace.run': method(() => ({ params: z.object({ workspaceId: WorkspaceId }), result: TerminalInfo })),
  /** Stops the workspace's run script and what it started; `stopped` false when none ran. */
  'workspace.stopRun': method(() => ({
    params: z.object({ workspaceId: WorkspaceId }),
    result: z.object({ stopped: z.boolean() }),
  })),
  /**
   * A URL this browser can open for one of the workspace's previews (`port`
   * must be one of them): its own for a workspace here; for a remote's, a
   * forward on 127.0.0.1 here through the remote's ssh link, opened on demand.
   */
  'preview.open': method(() => ({
    params: z.object({ workspaceId: WorkspaceId, port: z.number().int().min(1).max(65_535) }),
    result: z.object({ url: z.string() }),
  })),
  'terminal.open': method(() => ({
    params: z.object({ workspaceId: WorkspaceId, ...terminalSize() }),
    result: TerminalInfo,
  })),
  'terminal.input': method(() => ({
    params: z.object({ terminalId: TerminalId, data: z.string().max(64 * 1024) }),
    result: z.object({ ok: z.literal(true) }),
  })),
  'terminal.resize': method(() => ({
    params: z.object({ terminalId: TerminalId, ...terminalSize() }),
    result: TerminalInfo,
  })),
  'terminal.close': method(() => ({ params: z.object({ terminalId: TerminalId }), result: TerminalInfo })),
  'terminal.list': method(() => ({
    params: z.object({ workspaceId: WorkspaceId.optional() }).strict().optional(),
    result: z.array(TerminalInfo),
  })),
  'ratchet.tick': method(() => ({ params: NoParams, result: TickResult })),
  'ratchet.status': method(() => ({ params: NoParams, result: RatchetStatus })),
  'ratchet.pause': method(() => ({
    params: z.object({ workspaceId: WorkspaceId, paused: z.boolean() }),
    result: WorkspaceRatchet,
  })),
  'ratchet.decisions': method(() => ({
    params: z.object({ workspaceId: WorkspaceId, limit: z.number().int().min(1).max(500).optional() }),
    result: z.array(RatchetDecision),
  })),
  'ratchet.settings.get': method(() => ({
    params: z.object({ project: ProjectRef.optional() }).strict().optional(),
    result: z.object({ settings: RatchetSettings, overrides: RatchetSettingsPatch.optional() }),
  })),
  'ratchet.settings.set': method(() => ({
    params: z.object({ project: ProjectRef.optional(), patch: RatchetSettingsPatch }),
    result: z.object({ settings: RatchetSettings, overrides: RatchetSettingsPatch.optional() }),
  })),
  'board.get': method(() => ({
    params: z.object({ project: ProjectRef, filter: z.string().max(200).optional() }),
    result: Board,
  })),
  'board.refresh': method(() => ({
    params: z.object({ project: ProjectRef, filter: z.string().max(200).optional() }),
    result: Board,
  })),
  /**
   * Stops what the workspace started, snapshots the worktree on a new
   * refs/ff/archive/<id>-<n>, then removes it (journaled: a crash leaves it
   * not started or done). Without `force`, refuses (FAILED_PRECONDITION,
   * naming them) while it holds anything only the snapshot would keep; with
   * or without, while it holds what a snapshot cannot, unless each is named
   * in `discard` (paths as the refusal names them).
   */
  'workspace.archive': method(() => ({
    params: z.object({
      workspaceId: WorkspaceId,
      force: z.boolean().optional(),
      discard: z.array(z.string().min(1).max(4096)).max(1000).optional(),
    }),
    result: WorkspaceView,
  })),
  /** A workspace's snapshots (one ref each, never overwritten), newest first. */
  'workspace.snapshots': method(() => ({
    params: z.object({ workspaceId: WorkspaceId }),
    result: z.array(WorkspaceSnapshot),
  })),
  /**
   * Reclaims disk: worktrees and branches of workspaces merged or archived
   * `gcAfterDays` ago, orphan worktrees ff made, snapshots past
   * `archiveRetentionDays`. Worktrees are snapshotted first; `dryRun` changes nothing.
   */
  'gc.run': method(() => ({
    params: z.object({ dryRun: z.boolean().optional() }).strict().optional(),
    result: GcReport,
  })),
  /** Recreates an archived workspace's worktree from its newest snapshot (or `snapshot`, a ref it lists); it is ready again. */
  'workspace.restore': method(() => ({
    params: z.object({ workspaceId: WorkspaceId, snapshot: z.string().min(1).max(1024).optional() }),
    result: WorkspaceView,
  })),
};

export type MethodName = keyof typeof methods;
export type MethodParams<M extends MethodName> = z.input<(typeof methods)[M]['params']>;
export type ParsedParams<M extends MethodName> = z.output<(typeof methods)[M]['params']>;
export type MethodResult<M extends MethodName> = z.output<(typeof methods)[M]['result']>;
/** What a handler may return: the result before its schema fills defaults (e.g. `machine: 'local'`). */
export type MethodResultInput<M extends MethodName> = z.input<(typeof methods)[M]['result']>;

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}

/** An error carried across the wire; both ends throw it, both ends turn it into `ErrorInfo`. */
export class AgentError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'AgentError';
    this.code = code;
  }
  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

/** Human-readable one-liner for a zod failure: "params.topic: topic must be …". */
export function describeZodError(prefix: string, error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return `${prefix} is invalid`;
  // Path segments can be keys a client chose: keep them short so the message stays one line.
  const path = [prefix, ...first.path.map((key) => cut(String(key), 40))].join('.');
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  // zod quotes unrecognized keys in its message: cut that too.
  return `${path}: ${cut(first.message, 200)}${more}`;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
