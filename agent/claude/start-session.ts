import { randomBytes } from 'node:crypto';
import type { AgentEnvironment } from '../../shared/agent-environment.js';
import type { PermissionMode, Session, SessionKind, SessionView, Workspace } from '../../shared/domain.js';
import { AgentError } from '../../shared/protocol.js';
import { sandboxTools } from '../environment.js';
import { sendMessage } from './send-message.js';
import { claudeBinary, spawnClaude } from './session-process.js';
import { decideSandbox } from './session-sandbox.js';
import type { SessionsContext } from './sessions.js';

export interface StartSessionInput {
  workspaceId: string;
  prompt?: string;
  kind?: SessionKind;
  title?: string;
  permissionMode?: PermissionMode;
  /** Why ff chose the mode (shown with the session). */
  permissionReason?: string;
  /** Its prompt carries text by people outside the repo: sandboxed, its network reaches the API only. */
  untrusted?: boolean;
  model?: string;
  /**
   * The workspace's setup command is still running and its project lets the first session start
   * meanwhile (Project.sessionDuringSetup): a provisioning workspace is accepted.
   */
  duringSetup?: boolean;
}

/**
 * A new session's record — pure. A fork's PR is someone else's code and
 * text: its sessions ask before each tool, whatever was asked for, and say
 * why. Each runs in the OS sandbox unless its project chose otherwise
 * (session-sandbox.ts `decideSandbox`).
 */
export function newSessionRecord(
  input: StartSessionInput,
  workspace: Workspace,
  defaults: {
    permissionMode: PermissionMode;
    id: string;
    now: string;
    projectUnsandboxed: boolean;
    sandbox: Pick<AgentEnvironment['sandbox'], 'available' | 'detail'>;
  },
): Session {
  const fork = workspace.adopted?.fork;
  const reason = fork
    ? `PR #${workspace.pr?.number ?? '?'} comes from the fork ${workspace.adopted?.headRepository ?? '(deleted)'}: its sessions ask before each tool.`
    : input.permissionReason;
  const choice = decideSandbox({
    permissionMode: fork ? 'ask' : (input.permissionMode ?? defaults.permissionMode),
    ...(reason ? { permissionReason: reason } : {}),
    untrusted: Boolean(fork || input.untrusted),
    projectUnsandboxed: defaults.projectUnsandboxed,
    sandbox: defaults.sandbox,
  });
  return {
    id: defaults.id,
    workspaceId: workspace.id,
    kind: input.kind ?? 'chat',
    title: input.title ?? input.kind ?? 'chat',
    status: 'starting',
    ...choice,
    ...(input.model ? { model: input.model } : {}),
    costUsd: 0,
    turns: 0,
    createdAt: defaults.now,
    updatedAt: defaults.now,
  };
}

/**
 * `session.start`: a session in a ready workspace (or one still running its
 * setup, when its project allows that), recorded, its claude process
 * started, and its first prompt sent when given.
 */
export async function startSession(context: SessionsContext, input: StartSessionInput): Promise<SessionView> {
  const { sessions, workspaces, state, log } = context;
  const workspace = workspaces.find(input.workspaceId);
  const settingUp =
    input.duringSetup && workspace.status === 'provisioning' && workspace.step === 'running setup';
  if (workspace.status !== 'ready' && !settingUp) {
    throw new AgentError(
      'FAILED_PRECONDITION',
      `Workspace ${workspace.id} is ${workspace.status}; a session needs a ready workspace.`,
    );
  }
  const bin = claudeBinary(context.env);
  const project = state.data.projects.find((p) => p.id === workspace.projectId);
  const session = newSessionRecord(input, workspace, {
    permissionMode: state.data.settings.defaultPermissionMode,
    id: randomBytes(5).toString('hex'),
    now: new Date().toISOString(),
    projectUnsandboxed: project?.unsandboxed === true,
    sandbox: sandboxTools(context.env),
  });
  // The token its pushes use (a trusted sandboxed session's), found before its process starts.
  if (project && session.sandbox?.network === 'project') await context.credentials.load(project.host);
  await state.update((draft) => {
    draft.sessions.push(session);
  });
  log.info(`Session ${session.id} (${session.kind}) starting in workspace ${workspace.id}`);
  spawnClaude(context, session.id, bin);
  if (input.prompt) sendMessage(context, session.id, input.prompt);
  return sessions.view(sessions.find(session.id));
}
