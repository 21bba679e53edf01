import { appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PermissionRequest, Session, SessionStatus } from '../../shared/domain.js';
import { AgentError } from '../../shared/protocol.js';
import { sandboxTools } from '../environment.js';
import { githubApiUrl, parseApiUrlOverrides } from '../github/api-url.js';
import type { BlockWatch } from './blocked-attempts.js';
import { buildClaudeArgs, ClaudeNotFoundError, resolveClaudeBinary } from './claude-args.js';
import { ClaudeProcess } from './claude-process.js';
import { type SessionLaunch, sandboxAtSpawn, sessionLaunch } from './session-sandbox.js';
import { nextSessionStatus } from './session-status.js';
import type { SessionsContext } from './sessions.js';
import type { CallSeen } from './turn-cost.js';
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
  /** A sandboxed session's walls and tool calls, to tell what they blocked (blocked-attempts.ts). */
  blockWatch?: BlockWatch;
  /** The running turn's API calls by message id, as its assistant lines showed them (turn-cost.ts). */
  calls: Map<string, CallSeen>;
  /** What the running turn has cost so far (USD, estimated from its calls); 0 between turns. */
  turnCostUsd: number;
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
  const workspace = workspaces.find(sessions.find(id).workspaceId);
  const launch = launchFor(context, id);
  const session = sessions.find(id);
  const args = buildClaudeArgs({
    permission: launch.args,
    ...(resumeId ? { resumeId } : {}),
    ...(session.model ? { model: session.model } : {}),
  });
  // The workspace's variables (its id, its ports, Conductor's names) as its terminals and scripts get them;
  // the id is the workspace's mark: what its tools leave running ends with its archive.
  const process_ = new ClaudeProcess(bin, args, workspace.path, {
    ...context.env,
    ...workspaces.env(workspace.id),
    ...launch.env,
  });
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
    ...(launch.policy
      ? {
          blockWatch: {
            policy: launch.policy,
            home: context.env.HOME ?? '',
            asks: session.permissionMode === 'ask',
            calls: new Map(),
          },
        }
      : {}),
    calls: new Map(),
    turnCostUsd: 0,
    exited: new Promise((resolve) => {
      exited = resolve;
    }),
  };
  sessions.setLive(id, live);
  const stderrLog = join(paths.logs, 'sessions', `${id}.log`);
  process_.on('line', (line) => onClaudeLine(context, id, live, line));
  process_.on('stderr', (text) => appendFileSync(stderrLog, text));
  process_.on('exit', (code, signal) => {
    // The temp folder held only this process's temp files.
    if (launch.env.CLAUDE_CODE_TMPDIR)
      rmSync(launch.env.CLAUDE_CODE_TMPDIR, { recursive: true, force: true });
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

/**
 * How the session's claude starts: its sandbox settled first (a session from before the sandbox,
 * or one whose machine lost it, is decided again and the record says so), then its flags,
 * settings and environment. A trusted sandboxed session gets the project host's GitHub token.
 */
function launchFor(context: SessionsContext, id: string): SessionLaunch {
  const { sessions, workspaces, state, env } = context;
  const workspace = workspaces.find(sessions.find(id).workspaceId);
  const project = state.data.projects.find((p) => p.id === workspace.projectId);
  if (!project)
    throw new AgentError('FAILED_PRECONDITION', `The project of workspace ${workspace.id} was removed.`);
  const settled = sandboxAtSpawn(sessions.find(id), project.unsandboxed === true, sandboxTools(env));
  if (settled) sessions.patch(id, settled satisfies Partial<Session>);
  const session = sessions.find(id);
  const token = context.credentials.known(project.host);
  return sessionLaunch({
    session,
    workspace,
    project,
    worktreeRoots: state.data.projects.map((p) => p.worktreeRoot),
    paths: context.paths,
    env,
    isRoot: process.getuid?.() === 0,
    ...(token ? { githubToken: token } : {}),
    githubApiUrl: githubApiUrl(project.host, env, parseApiUrlOverrides(env.FF_GITHUB_API_URLS).urls),
  });
}

/** The session's running process, or a new one resuming its conversation (`--resume <claudeSessionId>`). */
export function liveOrResumed(context: SessionsContext, id: string): LiveSession {
  const session = context.sessions.find(id);
  const live = context.sessions.live(id);
  // One being stopped (a stop, or a failed turn's) has closed its input: a message sent now needs a new one.
  if (live && !live.stopRequested) return live;
  return spawnClaude(context, id, claudeBinary(context.env), session.claudeSessionId);
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
  const current = sessions.endLive(id, live);
  // A turn the process died in was paid for, though Claude Code never said how much: its estimate counts.
  const unreported = live.turn ? live.turnCostUsd : 0;
  const cost = unreported > 0 ? { costUsd: sessions.find(id).costUsd + unreported } : {};
  if (!current) {
    // A process that ended after a newer one of its session started (a resume after a failed turn,
    // on a busy machine): its pid and its end are not the session's any more.
    if (unreported > 0) sessions.patch(id, cost);
    log.info(`Session ${id}: an earlier claude (pid ${live.process.pid}) ended after a newer one started`);
    return;
  }
  sessions.patch(id, { pid: undefined, ...cost });
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
