import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Session, SessionView } from '../../shared/domain.js';
import { AgentError } from '../../shared/protocol.js';
import type { EventHub } from '../events/event-hub.js';
import type { Logger } from '../logger.js';
import { applyPatch } from '../store/apply-patch.js';
import type { HomePaths } from '../store/home.js';
import type { StateStore } from '../store/state-store.js';
import type { Workspaces } from '../workspaces/workspaces.js';
import { type PermissionAnswer, respondPermission } from './permissions.js';
import { reconcileSessions } from './reconcile.js';
import { resumeSession, sendMessage } from './send-message.js';
import { SessionCredentials } from './session-credentials.js';
import type { LiveSession } from './session-process.js';
import { nextSessionStatus, type SessionSignal } from './session-status.js';
import { type EventsPage, SessionTranscripts } from './session-transcripts.js';
import { type StartSessionInput, startSession } from './start-session.js';
import { interruptSession, shutdownSessions, stopSession, stopWorkspaceSessions } from './stop-session.js';

export interface SessionsDeps {
  state: StateStore;
  hub: EventHub;
  paths: HomePaths;
  log: Logger;
  workspaces: Workspaces;
  env: NodeJS.ProcessEnv;
}

/** What each use case (start-session.ts, send-message.ts, turns.ts, …) works with. */
export interface SessionsContext extends SessionsDeps {
  sessions: Sessions;
  transcripts: SessionTranscripts;
  credentials: SessionCredentials;
}

/**
 * Claude Code sessions: one long-lived `claude` process per active session,
 * every event appended to the session's transcript and then published on
 * `session:<id>`; user messages queue while a turn runs; interrupts, stops,
 * crashes and resumes are ordinary paths.
 *
 * This class keeps the records — the sessions in the state, which of them
 * have a live process, their status and since when — and is the module's
 * face to the rest of the agent. Each thing a session does is its own file:
 * start-session.ts, send-message.ts (send, resume), turns.ts (Claude's
 * lines, a turn's start and end), permissions.ts, stop-session.ts,
 * reconcile.ts; session-process.ts runs the claude process and
 * session-transcripts.ts keeps the transcripts.
 */
export class Sessions {
  readonly #context: SessionsContext;
  readonly #live = new Map<string, LiveSession>();
  /** When each session entered its current status, during this agent's run. */
  readonly #statusSince = new Map<string, string>();
  readonly #turnEndedHooks: Array<(session: Session) => void> = [];
  readonly #spendHooks: Array<(session: Session) => void> = [];
  /** USD per input token Claude Code priced each model at, learned from its result lines (turn-cost.ts). */
  readonly prices = new Map<string, number>();
  /** The agent is stopping: processes that end now leave their sessions interrupted, not crashed. */
  agentStopping = false;

  constructor(deps: SessionsDeps) {
    mkdirSync(join(deps.paths.logs, 'sessions'), { recursive: true });
    const transcripts = new SessionTranscripts({
      dir: deps.paths.transcripts,
      hub: deps.hub,
      known: (id) => deps.state.data.sessions.some((s) => s.id === id),
      live: (id) => this.#live.has(id),
    });
    this.#context = { ...deps, sessions: this, transcripts, credentials: new SessionCredentials(deps.env) };
    deps.workspaces.onArchive((workspace) => this.stopAll(workspace.id));
  }

  // The records.

  find(id: string): Session {
    const session = this.#context.state.data.sessions.find((s) => s.id === id);
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
      lastSeq: this.#context.transcripts.lastSeq(session.id),
      ...(live?.turn ? { turnCostUsd: live.turnCostUsd } : {}),
    };
  }

  list(filter: { workspaceId?: string } = {}): SessionView[] {
    return this.#context.state.data.sessions
      .filter((s) => !filter.workspaceId || s.workspaceId === filter.workspaceId)
      .map((s) => this.view(s));
  }

  /** The session's running process and its turn state, if it has one. */
  live(id: string): LiveSession | undefined {
    return this.#live.get(id);
  }

  liveSessions(): LiveSession[] {
    return [...this.#live.values()];
  }

  setLive(id: string, live: LiveSession): void {
    this.#live.set(id, live);
  }

  /**
   * A process ended; a newer one of the same session (a resume) stays. False
   * when a newer one runs: what the old one's end says is not the session's.
   */
  endLive(id: string, live: LiveSession): boolean {
    const current = this.#live.get(id);
    if (current !== undefined && current !== live) return false;
    this.#live.delete(id);
    return true;
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

  /** Moves the session's status along its state machine (session-status.ts). */
  signal(id: string, signal: SessionSignal): void {
    const session = this.find(id);
    const status = nextSessionStatus(session.status, signal);
    if (status !== session.status) this.setStatus(id, status);
  }

  /** Saves the status, appends it to the transcript and tells the workspace's followers. */
  setStatus(id: string, status: Session['status'], detail?: string): void {
    this.#statusSince.set(id, new Date().toISOString());
    // Idle with nothing queued: every message so far was delivered (what a resume need not read again).
    const settled = status === 'idle' && this.#live.get(id)?.queue.length === 0;
    this.patch(id, {
      status,
      statusDetail: detail,
      ...(settled ? { deliveredThrough: this.#context.transcripts.lastSeq(id) } : {}),
    });
    this.#context.transcripts.append(id, { kind: 'status', status, ...(detail ? { detail } : {}) });
    this.#context.workspaces.notifyChanged(this.find(id).workspaceId);
  }

  /** Changes the session's record; the save is not awaited, and a failed one is logged. */
  patch(id: string, patch: Partial<Session>): void {
    this.#context.state
      .update((state) => {
        const session = state.sessions.find((s) => s.id === id);
        if (!session) return;
        applyPatch(session, patch);
      })
      .catch((error) => this.#context.log.error(`Saving session ${id}`, error));
  }

  /**
   * Called when a session's turn ends (Claude's result line), once its turn
   * count, cost and status are saved: the ratchet answers review threads then.
   */
  onTurnEnded(hook: (session: Session) => void): void {
    this.#turnEndedHooks.push(hook);
  }

  /** Runs the turn-ended hooks; one that throws is logged and the others still run. */
  turnEnded(id: string): void {
    this.#run(this.#turnEndedHooks, id, 'after its turn');
  }

  /**
   * Called when a session's turn starts and whenever what it has cost so far
   * grows (each API call, priced from the usage it reports): the ratchet
   * holds its fixers to their budgets with it.
   */
  onSpend(hook: (session: Session) => void): void {
    this.#spendHooks.push(hook);
  }

  /** Runs the spend hooks (see onSpend). */
  spent(id: string): void {
    this.#run(this.#spendHooks, id, 'as its turn spent');
  }

  /** What the session's running turn has cost so far (USD, estimated); undefined when no turn runs. */
  turnCostUsd(id: string): number | undefined {
    const live = this.#live.get(id);
    return live?.turn ? live.turnCostUsd : undefined;
  }

  /** Runs hooks on a session; one that throws is logged and the others still run. */
  #run(hooks: ReadonlyArray<(session: Session) => void>, id: string, when: string): void {
    for (const hook of hooks) {
      try {
        hook(this.find(id));
      } catch (error) {
        this.#context.log.error(`Session ${id}: ${when}`, error);
      }
    }
  }

  // The use cases, each in its own file.

  start(input: StartSessionInput): Promise<SessionView> {
    return startSession(this.#context, input);
  }

  send(id: string, text: string): { seq: number; queued: boolean; messageId: string } {
    return sendMessage(this.#context, id, text);
  }

  resume(id: string, prompt?: string): SessionView {
    return resumeSession(this.#context, id, prompt);
  }

  /**
   * The newest events after `sinceSeq`: at most `limit`, and about 4 MB of JSON; with
   * `oldestFirst`, the first ones after it instead, about `maxBytes` (a page of a replay).
   */
  events(
    id: string,
    sinceSeq: number,
    limit: number,
    options: { oldestFirst?: boolean | undefined; maxBytes?: number | undefined } = {},
  ): EventsPage {
    this.find(id);
    return options.oldestFirst
      ? this.#context.transcripts.pageFrom(id, sinceSeq, limit, options.maxBytes)
      : this.#context.transcripts.page(id, sinceSeq, limit);
  }

  interrupt(id: string): SessionView {
    return interruptSession(this.#context, id);
  }

  stop(id: string): Promise<SessionView> {
    return stopSession(this.#context, id);
  }

  /** Stops every session of a workspace (it is being archived). */
  stopAll(workspaceId: string): Promise<void> {
    return stopWorkspaceSessions(this.#context, workspaceId);
  }

  respondPermission(input: PermissionAnswer): SessionView {
    return respondPermission(this.#context, input);
  }

  /** Start-up: sessions recorded as live are interrupted (no process survives the agent). */
  reconcile(): Promise<void> {
    return reconcileSessions(this.#context);
  }

  /** Agent shutdown: end every process (no orphans), sessions become interrupted. */
  shutdown(): Promise<void> {
    return shutdownSessions(this.#context);
  }
}
