import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PermissionRequest, SessionStatus } from '../../shared/domain.js';
import { AgentError } from '../../shared/protocol.js';
import { buildClaudeArgs, ClaudeNotFoundError, claudeEnv, resolveClaudeBinary } from './claude-args.js';
import { ClaudeProcess } from './claude-process.js';
import { nextSessionStatus } from './session-status.js';
import type { SessionsContext } from './sessions.js';
import { onClaudeLine } from './turns.js';

/** A session whose claude process runs: the process, and what its turns have in hand. */
export interface LiveSession {
  process: ClaudeProcess;
  /** Messages accepted while a turn ran (or a question waited), handed over one per turn. */
  queue: Array<{ messageId: string; text: string }>;
  /** A user message is being worked on (between handing it over and its result). */
  turn: boolean;
  /** Whether the model itself said anything in this turn (an API failure is reported by a made-up message). */
  answered: boolean;
  /** An interrupt was asked for in this turn: its error result is ours, not a failure. */
  interrupted?: boolean;
  /** The CLI's name for the API failure of this turn, from its made-up message (`authentication_failed`, …). */
  apiError?: string;
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

/** The claude binary, or FAILED_PRECONDITION saying how to install it. */
export function claudeBinary(env: NodeJS.ProcessEnv): string {
  try {
    return resolveClaudeBinary(env);
  } catch (error) {
    if (error instanceof ClaudeNotFoundError) throw new AgentError('FAILED_PRECONDITION', error.message);
    throw error;
  }
}

/**
 * Starts the session's claude process in its workspace — a new
 * conversation, or `--resume <claudeSessionId>` — and follows it: its lines
 * go to the turn logic (turns.ts), its stderr to `logs/sessions/<id>.log`,
 * its exit to the session's status.
 */
export function spawnClaude(
  context: SessionsContext,
  id: string,
  bin: string,
  resumeId?: string,
): LiveSession {
  const { sessions, workspaces, transcripts, paths, log } = context;
  const session = sessions.find(id);
  const workspace = workspaces.find(session.workspaceId);
  const args = buildClaudeArgs({
    permissionMode: session.permissionMode,
    ...(resumeId ? { resumeId } : {}),
    ...(session.model ? { model: session.model } : {}),
  });
  const env = claudeEnv(context.env, session.permissionMode, process.getuid?.() === 0);
  const process_ = new ClaudeProcess(bin, args, workspace.path, env);
  let exited!: () => void;
  const live: LiveSession = {
    process: process_,
    // Messages acknowledged to a process that died before it got them.
    queue: resumeId ? transcripts.undelivered(id, session.deliveredThrough) : [],
    turn: false,
    answered: false,
    pending: new Map(),
    allowedTools: new Set(),
    stopRequested: false,
    costBase: session.costUsd,
    exited: new Promise((resolve) => {
      exited = resolve;
    }),
  };
  sessions.setLive(id, live);
  const stderrLog = join(paths.logs, 'sessions', `${id}.log`);
  process_.on('line', (line) => onClaudeLine(context, id, live, line));
  process_.on('stderr', (text) => appendFileSync(stderrLog, text));
  process_.on('exit', (code, signal) => {
    onExit(context, id, live, code, signal);
    exited();
  });
  process_.on('pid', (pid) => {
    log.info(`Session ${id}: claude pid ${pid}${resumeId ? ` resuming ${resumeId}` : ''}`);
    sessions.patch(id, { pid });
  });
  sessions.signal(id, { type: 'spawned' });
  return live;
}

/** The session's running process, or a new one resuming its conversation (`--resume <claudeSessionId>`). */
export function liveOrResumed(context: SessionsContext, id: string): LiveSession {
  const session = context.sessions.find(id);
  return (
    context.sessions.live(id) ?? spawnClaude(context, id, claudeBinary(context.env), session.claudeSessionId)
  );
}

/** What a session's status says after its process ended — pure: crashed keeps claude's last words. */
export function exitDetail(status: SessionStatus, how: string, stderrTail: string): string | undefined {
  if (status === 'crashed')
    return `claude stopped unexpectedly (${how}).${stderrTail ? `\n${stderrTail}` : ''}`;
  if (status === 'interrupted') return 'ff-agent stopped; send a message or resume to continue.';
  return undefined;
}

function onExit(
  { sessions, log }: SessionsContext,
  id: string,
  live: LiveSession,
  code: number | null,
  signal: NodeJS.Signals | null,
): void {
  sessions.endLive(id, live);
  sessions.patch(id, { pid: undefined });
  const before = sessions.find(id);
  const status = nextSessionStatus(before.status, {
    type: 'exited',
    code,
    signal,
    stopRequested: live.stopRequested,
    agentStopping: sessions.agentStopping,
  });
  const how = signal ? `signal ${signal}` : `exit code ${code}`;
  log.info(`Session ${id}: claude ${how} → ${status}`);
  // A failed session keeps saying why it failed and what to do: its process ending changes nothing.
  if (status === before.status && status === 'failed') return;
  sessions.setStatus(id, status, exitDetail(status, how, live.process.stderrTail));
}
