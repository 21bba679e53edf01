import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CanUseToolRequest,
  type ClaudeLine,
  classifyClaudeJson,
  lineForTranscript,
} from '../../shared/claude-messages.js';
import type {
  PermissionMode,
  PermissionRequest,
  Session,
  SessionKind,
  SessionView,
} from '../../shared/domain.js';
import { AgentError, type SessionEvent } from '../../shared/protocol.js';
import { type ClaudeEntry, toEntries } from '../../shared/transcript-entry.js';
import type { EventHub } from '../events/event-hub.js';
import type { Logger } from '../logger.js';
import { applyPatch } from '../store/apply-patch.js';
import type { HomePaths } from '../store/home.js';
import { isProcessAlive } from '../store/instance-lock.js';
import type { StateStore } from '../store/state-store.js';
import { TranscriptLog } from '../store/transcript-log.js';
import type { Workspaces } from '../workspaces/workspaces.js';
import { buildClaudeArgs, ClaudeNotFoundError, claudeEnv, resolveClaudeBinary } from './claude-args.js';
import { ClaudeProcess } from './claude-process.js';
import {
  LIVE_STATUSES,
  nextSessionStatus,
  type SessionSignal,
  undeliveredMessages,
} from './session-status.js';

export interface StartSessionInput {
  workspaceId: string;
  prompt?: string;
  kind?: SessionKind;
  title?: string;
  permissionMode?: PermissionMode;
  /** Why ff chose the mode (shown with the session). */
  permissionReason?: string;
  model?: string;
  /**
   * The workspace's setup command is still running and its project lets the first session start
   * meanwhile (Project.sessionDuringSetup): a provisioning workspace is accepted.
   */
  duringSetup?: boolean;
}

interface Live {
  process: ClaudeProcess;
  queue: Array<{ messageId: string; text: string }>;
  /** A user message is being worked on (between handing it over and its result). */
  turn: boolean;
  pending: Map<string, PermissionRequest>;
  /** Tools the user allowed for the rest of this session: their requests are answered at once. */
  allowedTools: Set<string>;
  /** The tool call a turn is waiting on (fleet view). */
  tool?: { id: string; name: string; summary: string; since: string };
  stopRequested: boolean;
  /** Cost of earlier processes of this session; the CLI reports its own total per process. */
  costBase: number;
  exited: Promise<void>;
}

/** Entries in a session topic carry the transcript entry's data plus its time stamp. */
type EntryData = SessionEvent extends infer E ? (E extends { ts: string } ? Omit<E, 'ts'> : never) : never;
/** What a transcript line holds: ff's events as published, and each CLI line raw (for resume and debugging). */
type StoredData = Exclude<EntryData, { kind: 'claude' }> | { kind: 'claude'; line: unknown };

/**
 * A transcript line as clients get it — pure: a stored CLI line becomes its
 * typed entries here, at read time, so transcripts written before entries
 * existed replay like new ones.
 */
export function sessionEventOf(data: unknown, ts: string): SessionEvent {
  const stored = data as StoredData;
  if (stored.kind === 'claude')
    return { kind: 'claude', ts, entries: toEntries(classifyClaudeJson(stored.line)) };
  return { ...stored, ts };
}

const STOP_GRACE_MS = 3_000;
const MAX_OPEN_TRANSCRIPTS = 200;
/** About how much JSON session.events answers with at most (the browser relays it in one message). */
const EVENTS_BYTES = 4 * 1024 * 1024;

/**
 * Claude Code sessions: one long-lived `claude` process per active session,
 * every event appended to the session's transcript and then published on
 * `session:<id>`; user messages queue while a turn runs; interrupts, stops,
 * crashes and resumes are ordinary paths.
 */
export class Sessions {
  readonly #state: StateStore;
  readonly #hub: EventHub;
  readonly #paths: HomePaths;
  readonly #log: Logger;
  readonly #workspaces: Workspaces;
  readonly #env: NodeJS.ProcessEnv;
  readonly #live = new Map<string, Live>();
  readonly #transcripts = new Map<string, TranscriptLog>();
  /** When each session entered its current status, during this agent's run. */
  readonly #statusSince = new Map<string, string>();
  #agentStopping = false;
  readonly #turnEndedHooks: Array<(session: Session) => void> = [];

  constructor(deps: {
    state: StateStore;
    hub: EventHub;
    paths: HomePaths;
    log: Logger;
    workspaces: Workspaces;
    env: NodeJS.ProcessEnv;
  }) {
    this.#state = deps.state;
    this.#hub = deps.hub;
    this.#paths = deps.paths;
    this.#log = deps.log;
    this.#workspaces = deps.workspaces;
    this.#env = deps.env;
    mkdirSync(join(this.#paths.logs, 'sessions'), { recursive: true });
    this.#hub.registerSource('session', {
      lastSeq: (topic) => this.#transcriptIfExists(topic.slice('session:'.length))?.lastSeq ?? 0,
      readFrom: (topic, since) => {
        const id = topic.slice('session:'.length);
        const log = this.#transcriptIfExists(id);
        return (log?.readFrom(since) ?? []).map((entry) => ({
          type: 'event',
          topic,
          seq: entry.seq,
          data: sessionEventOf(entry.data, entry.ts),
        }));
      },
    });
    this.#workspaces.onArchive((workspace) => this.stopAll(workspace.id));
  }

  /**
   * Called when a session's turn ends (Claude's result line), once its turn
   * count, cost and status are saved: the ratchet answers review threads then.
   */
  onTurnEnded(hook: (session: Session) => void): void {
    this.#turnEndedHooks.push(hook);
  }

  find(id: string): Session {
    const session = this.#state.data.sessions.find((s) => s.id === id);
    if (!session)
      throw new AgentError('NOT_FOUND', `No session ${id}. \`ff-agent session list\` shows them.`);
    return session;
  }

  view(session: Session): SessionView {
    const live = this.#live.get(session.id);
    return {
      ...session,
      machine: 'local',
      pendingPermissions: live ? [...live.pending.values()] : [],
      queued: live?.queue.length ?? 0,
      lastSeq: this.#transcriptIfExists(session.id)?.lastSeq ?? 0,
    };
  }

  list(filter: { workspaceId?: string } = {}): SessionView[] {
    return this.#state.data.sessions
      .filter((s) => !filter.workspaceId || s.workspaceId === filter.workspaceId)
      .map((s) => this.view(s));
  }

  async start(input: StartSessionInput): Promise<SessionView> {
    const workspace = this.#workspaces.find(input.workspaceId);
    const settingUp =
      input.duringSetup && workspace.status === 'provisioning' && workspace.step === 'running setup';
    if (workspace.status !== 'ready' && !settingUp) {
      throw new AgentError(
        'FAILED_PRECONDITION',
        `Workspace ${workspace.id} is ${workspace.status}; a session needs a ready workspace.`,
      );
    }
    const bin = this.#binary();
    const now = new Date().toISOString();
    const session: Session = {
      id: randomBytes(5).toString('hex'),
      workspaceId: workspace.id,
      kind: input.kind ?? 'chat',
      title: input.title ?? input.kind ?? 'chat',
      status: 'starting',
      // A fork's PR is someone else's code and text: its sessions ask before each tool, whatever was asked for.
      permissionMode: workspace.adopted?.fork
        ? 'ask'
        : (input.permissionMode ?? this.#state.data.settings.defaultPermissionMode),
      ...(workspace.adopted?.fork
        ? {
            permissionReason: `PR #${workspace.pr?.number ?? '?'} comes from the fork ${workspace.adopted.headRepository ?? '(deleted)'}: its sessions ask before each tool.`,
          }
        : input.permissionReason
          ? { permissionReason: input.permissionReason }
          : {}),
      ...(input.model ? { model: input.model } : {}),
      costUsd: 0,
      turns: 0,
      createdAt: now,
      updatedAt: now,
    };
    await this.#state.update((state) => {
      state.sessions.push(session);
    });
    this.#log.info(`Session ${session.id} (${session.kind}) starting in workspace ${workspace.id}`);
    this.#spawn(session.id, bin);
    if (input.prompt) this.send(session.id, input.prompt);
    return this.view(this.find(session.id));
  }

  /**
   * Accepts a user message: appended to the transcript (that is the
   * acknowledgement), then handed to Claude now, or queued until the running
   * turn ends. A session whose process is gone is resumed first.
   */
  send(id: string, text: string): { seq: number; queued: boolean; messageId: string } {
    const session = this.find(id);
    let live = this.#live.get(id);
    if (!live) {
      this.#spawn(id, this.#binary(), session.claudeSessionId);
      live = this.#live.get(id)!;
    }
    const messageId = randomBytes(6).toString('hex');
    const queued = live.turn || live.pending.size > 0 || live.queue.length > 0;
    const seq = this.#append(id, { kind: 'user', messageId, text, queued });
    if (queued) {
      live.queue.push({ messageId, text });
      this.#deliverQueued(id, live); // a fresh process: what the last one never got goes first
    } else this.#deliver(id, live, text);
    return { seq, queued, messageId };
  }

  /** The newest events after `sinceSeq`: at most `limit`, and about EVENTS_BYTES of JSON. */
  events(
    id: string,
    sinceSeq: number,
    limit: number,
  ): { events: Array<{ seq: number; event: SessionEvent }>; firstSeq: number; lastSeq: number } {
    this.find(id);
    const log = this.#transcriptIfExists(id);
    if (!log) return { events: [], firstSeq: 0, lastSeq: 0 };
    const entries = log.readFrom(Math.max(sinceSeq, log.lastSeq - limit));
    const events: Array<{ seq: number; event: SessionEvent }> = [];
    let bytes = 0;
    for (let i = entries.length - 1; i >= 0 && bytes < EVENTS_BYTES; i--) {
      const entry = entries[i]!;
      const event = sessionEventOf(entry.data, entry.ts);
      bytes += JSON.stringify(event).length;
      events.push({ seq: entry.seq, event });
    }
    events.reverse();
    return { events, firstSeq: events[0]?.seq ?? log.lastSeq, lastSeq: log.lastSeq };
  }

  interrupt(id: string): SessionView {
    const live = this.#live.get(id);
    if (live?.turn) {
      this.#log.info(`Session ${id}: interrupt`);
      live.process.interrupt();
    }
    return this.view(this.find(id));
  }

  /** Ends the session's process: interrupt, close its input, then signals if it lingers. */
  async stop(id: string): Promise<SessionView> {
    this.find(id);
    const live = this.#live.get(id);
    if (live) {
      live.stopRequested = true;
      if (live.turn) live.process.interrupt();
      live.process.closeInput();
      const term = setTimeout(() => live.process.kill('SIGTERM'), STOP_GRACE_MS);
      const kill = setTimeout(() => live.process.kill('SIGKILL'), STOP_GRACE_MS * 2);
      await live.exited;
      clearTimeout(term);
      clearTimeout(kill);
    }
    return this.view(this.find(id));
  }

  /** A new process continuing the same Claude conversation (`--resume <claudeSessionId>`). */
  resume(id: string, prompt?: string): SessionView {
    const session = this.find(id);
    if (!this.#live.has(id)) this.#spawn(id, this.#binary(), session.claudeSessionId);
    if (prompt) this.send(id, prompt);
    else this.#deliverQueued(id, this.#live.get(id)!);
    return this.view(this.find(id));
  }

  respondPermission(
    id: string,
    requestId: string,
    allow: boolean,
    message?: string,
    forSession = false,
  ): SessionView {
    const live = this.#live.get(id);
    const request = live?.pending.get(requestId);
    if (!live || !request) {
      throw new AgentError('NOT_FOUND', `Session ${id} has no pending permission request ${requestId}.`);
    }
    this.#answer(id, live, request, allow, message);
    if (allow && forSession) {
      live.allowedTools.add(request.toolName);
      for (const other of [...live.pending.values()])
        if (other.toolName === request.toolName) this.#answer(id, live, other, true);
    }
    return this.view(this.find(id));
  }

  /** What a session is doing now, for the fleet view: since when in its status, and the tool it waits on. */
  activity(session: Session): {
    statusSince: string;
    tool?: { name: string; summary?: string; since: string };
  } {
    const tool = this.#live.get(session.id)?.tool;
    return {
      statusSince: this.#statusSince.get(session.id) ?? session.updatedAt ?? session.createdAt,
      ...(tool
        ? { tool: { name: tool.name, ...(tool.summary ? { summary: tool.summary } : {}), since: tool.since } }
        : {}),
    };
  }

  #answer(id: string, live: Live, request: PermissionRequest, allow: boolean, message?: string): void {
    live.pending.delete(request.requestId);
    live.process.answerPermission(request.requestId, allow, request.input, message);
    this.#append(id, { kind: 'permission-answer', requestId: request.requestId, allow });
    this.#signal(id, { type: 'permission-answered', stillPending: live.pending.size });
  }

  /** Stops every session of a workspace (it is being archived). */
  async stopAll(workspaceId: string): Promise<void> {
    const ids = this.#state.data.sessions.filter((s) => s.workspaceId === workspaceId).map((s) => s.id);
    await Promise.all(ids.filter((id) => this.#live.has(id)).map((id) => this.stop(id)));
  }

  /**
   * Start-up: no claude process survives the agent (we never detach them),
   * so sessions recorded as live are now interrupted — resumable with their
   * history.
   */
  async reconcile(): Promise<void> {
    const now = new Date().toISOString();
    const changed: string[] = [];
    // An agent killed with -9 cannot take its children along: end the claude processes it left.
    await Promise.all(
      this.#state.data.sessions.filter((s) => s.pid).map((s) => endOrphanClaude(s.pid!, this.#log)),
    );
    await this.#state.update((state) => {
      for (const session of state.sessions) {
        delete session.pid;
        if (LIVE_STATUSES.includes(session.status)) {
          session.status = 'interrupted';
          session.statusDetail = 'ff-agent restarted; send a message or resume to continue.';
          session.updatedAt = now;
          changed.push(session.id);
        }
      }
    });
    for (const id of changed)
      this.#append(id, { kind: 'status', status: 'interrupted', detail: 'ff-agent restarted' });
  }

  /** Agent shutdown: end every process (no orphans), sessions become interrupted. */
  async shutdown(): Promise<void> {
    this.#agentStopping = true;
    await Promise.all(
      [...this.#live.entries()].map(async ([, live]) => {
        live.process.closeInput();
        live.process.kill('SIGTERM');
        const kill = setTimeout(() => live.process.kill('SIGKILL'), 2_000);
        await live.exited;
        clearTimeout(kill);
      }),
    );
    for (const log of this.#transcripts.values()) log.close();
    this.#transcripts.clear();
  }

  #binary(): string {
    try {
      return resolveClaudeBinary(this.#env);
    } catch (error) {
      if (error instanceof ClaudeNotFoundError) throw new AgentError('FAILED_PRECONDITION', error.message);
      throw error;
    }
  }

  #spawn(id: string, bin: string, resumeId?: string): void {
    const session = this.find(id);
    const workspace = this.#workspaces.find(session.workspaceId);
    const args = buildClaudeArgs({
      permissionMode: session.permissionMode,
      ...(resumeId ? { resumeId } : {}),
      ...(session.model ? { model: session.model } : {}),
    });
    const env = claudeEnv(this.#env, session.permissionMode, process.getuid?.() === 0);
    const process_ = new ClaudeProcess(bin, args, workspace.path, env);
    let exited!: () => void;
    const live: Live = {
      process: process_,
      // Messages acknowledged to a process that died before it got them.
      queue: resumeId
        ? undeliveredMessages(
            (this.#transcriptIfExists(id)?.readFrom(0) ?? []).map((entry) => entry.data as { kind: string }),
          )
        : [],
      turn: false,
      pending: new Map(),
      allowedTools: new Set(),
      stopRequested: false,
      costBase: session.costUsd,
      exited: new Promise((resolve) => {
        exited = resolve;
      }),
    };
    this.#live.set(id, live);
    const stderrLog = join(this.#paths.logs, 'sessions', `${id}.log`);
    process_.on('line', (line) => this.#onLine(id, live, line));
    process_.on('stderr', (text) => appendFileSync(stderrLog, text));
    process_.on('exit', (code, signal) => {
      this.#onExit(id, live, code, signal);
      exited();
    });
    process_.on('pid', (pid) => {
      this.#log.info(`Session ${id}: claude pid ${pid}${resumeId ? ` resuming ${resumeId}` : ''}`);
      this.#patch(id, { pid });
    });
    this.#signal(id, { type: 'spawned' });
  }

  /** Hands the next queued message to Claude if nothing runs (a turn, a permission question). */
  #deliverQueued(id: string, live: Live): void {
    if (live.turn || live.pending.size > 0) return;
    const next = live.queue.shift();
    if (!next) return;
    this.#append(id, { kind: 'delivered', messageId: next.messageId });
    this.#deliver(id, live, next.text);
  }

  #deliver(id: string, live: Live, text: string): void {
    live.turn = true;
    live.process.sendUser(text);
    this.#signal(id, { type: 'turn-started' });
  }

  #onLine(id: string, live: Live, line: ClaudeLine): void {
    const entries = toEntries(line);
    this.#appendClaude(id, line, entries);
    switch (line.kind) {
      case 'init':
        // Record every run's id: a resume may continue under a new one, and we resume by exactly this id.
        if (this.find(id).claudeSessionId !== line.session_id)
          this.#patch(id, { claudeSessionId: line.session_id });
        return;
      case 'assistant': {
        const call = entries.findLast((entry) => entry.type === 'tool-call');
        if (call)
          live.tool = {
            id: call.id,
            name: call.name,
            summary: call.summary.slice(0, 200),
            since: new Date().toISOString(),
          };
        return;
      }
      case 'user':
        if (entries.some((entry) => entry.type === 'tool-result' && entry.toolId === live.tool?.id))
          delete live.tool;
        return;
      case 'result': {
        live.turn = false;
        delete live.tool;
        const session = this.find(id);
        const cost = live.costBase + (line.total_cost_usd ?? 0);
        this.#patch(id, { turns: session.turns + 1, costUsd: Math.max(session.costUsd, cost) });
        const next = live.queue.shift();
        this.#signal(id, { type: 'turn-ended', queued: next ? 1 : 0 });
        if (next) {
          this.#append(id, { kind: 'delivered', messageId: next.messageId });
          this.#deliver(id, live, next.text);
        }
        for (const hook of this.#turnEndedHooks) {
          try {
            hook(this.find(id));
          } catch (error) {
            this.#log.error(`Session ${id}: after its turn`, error);
          }
        }
        return;
      }
      case 'control_request': {
        const request = CanUseToolRequest.safeParse(line.request);
        if (!request.success) return;
        const pending: PermissionRequest = {
          requestId: line.request_id,
          toolName: request.data.tool_name,
          input: request.data.input,
          ...(request.data.description ? { description: request.data.description } : {}),
          at: new Date().toISOString(),
        };
        live.pending.set(line.request_id, pending);
        this.#append(id, { kind: 'permission', request: pending });
        this.#signal(id, { type: 'permission-requested' });
        if (live.allowedTools.has(pending.toolName)) this.#answer(id, live, pending, true);
        return;
      }
      default:
        return;
    }
  }

  #onExit(id: string, live: Live, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#live.get(id) === live) this.#live.delete(id);
    this.#patch(id, { pid: undefined });
    const status = nextSessionStatus(this.find(id).status, {
      type: 'exited',
      code,
      signal,
      stopRequested: live.stopRequested,
      agentStopping: this.#agentStopping,
    });
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    const detail =
      status === 'crashed'
        ? `claude stopped unexpectedly (${how}).${live.process.stderrTail ? `\n${live.process.stderrTail}` : ''}`
        : status === 'interrupted'
          ? 'ff-agent stopped; send a message or resume to continue.'
          : undefined;
    this.#log.info(`Session ${id}: claude ${how} → ${status}`);
    this.#setStatus(id, status, detail);
  }

  #signal(id: string, signal: SessionSignal): void {
    const session = this.find(id);
    const status = nextSessionStatus(session.status, signal);
    if (status !== session.status) this.#setStatus(id, status);
  }

  #setStatus(id: string, status: Session['status'], detail?: string): void {
    this.#statusSince.set(id, new Date().toISOString());
    this.#patch(id, { status, statusDetail: detail });
    this.#append(id, { kind: 'status', status, ...(detail ? { detail } : {}) });
    this.#workspaces.notifyChanged(this.find(id).workspaceId);
  }

  #patch(id: string, patch: Partial<Session>): void {
    this.#state
      .update((state) => {
        const session = state.sessions.find((s) => s.id === id);
        if (!session) return;
        applyPatch(session, patch);
      })
      .catch((error) => this.#log.error(`Saving session ${id}`, error));
  }

  /** Appends to the transcript (synchronously: after this, the event is on disk), then publishes. */
  #append(id: string, data: Exclude<EntryData, { kind: 'claude' }>): number {
    const entry = this.#transcript(id).append(data);
    this.#hub.publish(`session:${id}`, { ...data, ts: entry.ts }, entry.seq);
    return entry.seq;
  }

  /** A CLI line: the transcript keeps it raw, subscribers get its entries. */
  #appendClaude(id: string, line: ClaudeLine, entries: ClaudeEntry[]): void {
    const entry = this.#transcript(id).append({ kind: 'claude', line: lineForTranscript(line) });
    this.#hub.publish(`session:${id}`, { kind: 'claude', ts: entry.ts, entries }, entry.seq);
  }

  #transcript(id: string): TranscriptLog {
    let log = this.#transcripts.get(id);
    if (!log) {
      log = TranscriptLog.open(join(this.#paths.transcripts, `${id}.jsonl`));
      this.#transcripts.set(id, log);
      this.#closeIdleTranscripts();
    }
    return log;
  }

  #transcriptIfExists(id: string): TranscriptLog | undefined {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return undefined;
    if (!this.#transcripts.has(id) && !this.#state.data.sessions.some((s) => s.id === id)) return undefined;
    return this.#transcript(id);
  }

  /** Keeps file descriptors bounded: transcripts of sessions without a process are reopened on demand. */
  #closeIdleTranscripts(): void {
    if (this.#transcripts.size <= MAX_OPEN_TRANSCRIPTS) return;
    for (const [id, log] of this.#transcripts) {
      if (this.#transcripts.size <= MAX_OPEN_TRANSCRIPTS) break;
      if (!this.#live.has(id)) {
        log.close();
        this.#transcripts.delete(id);
      }
    }
  }
}

/**
 * Ends a claude process (and its process group: a Bash tool's shell) left
 * running by an agent that died, if that pid still is one (Linux: its
 * command line is checked, so a reused pid of another program is never
 * signalled; elsewhere nothing is done). The supervisor normally ended it
 * already; this is the second line of defence.
 */
async function endOrphanClaude(pid: number, log: Logger): Promise<void> {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (!cmdline.includes('stream-json') || !cmdline.includes('--input-format')) return;
  log.warn(`Ending claude process ${pid} left behind by a previous ff-agent`);
  const signal = (name: NodeJS.Signals): boolean => {
    try {
      process.kill(-pid, name);
      return true;
    } catch {
      try {
        process.kill(pid, name);
        return true;
      } catch {
        return false;
      }
    }
  };
  if (!signal('SIGTERM')) return;
  for (let waited = 0; waited < 3000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (!isProcessAlive(pid)) return;
  }
  signal('SIGKILL');
}
