import { randomBytes } from 'node:crypto';
import type { PermissionMode, Session, SessionKind, SessionView, Workspace } from '../../shared/domain.js';
import { AgentError } from '../../shared/protocol.js';
import { sendMessage } from './send-message.js';
import { claudeBinary, spawnClaude } from './session-process.js';
import type { SessionsContext } from './sessions.js';

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

/**
 * A new session's record — pure. A fork's PR is someone else's code and
 * text: its sessions ask before each tool, whatever was asked for, and say
 * why.
 */
export function newSessionRecord(
  input: StartSessionInput,
  workspace: Workspace,
  defaults: { permissionMode: PermissionMode; id: string; now: string },
): Session {
  const fork = workspace.adopted?.fork;
  return {
    id: defaults.id,
    workspaceId: workspace.id,
    kind: input.kind ?? 'chat',
    title: input.title ?? input.kind ?? 'chat',
    status: 'starting',
    permissionMode: fork ? 'ask' : (input.permissionMode ?? defaults.permissionMode),
    ...(fork
      ? {
          permissionReason: `PR #${workspace.pr?.number ?? '?'} comes from the fork ${workspace.adopted?.headRepository ?? '(deleted)'}: its sessions ask before each tool.`,
        }
      : input.permissionReason
        ? { permissionReason: input.permissionReason }
        : {}),
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
  const session = newSessionRecord(input, workspace, {
    permissionMode: state.data.settings.defaultPermissionMode,
    id: randomBytes(5).toString('hex'),
    now: new Date().toISOString(),
  });
  await state.update((draft) => {
    draft.sessions.push(session);
  });
  log.info(`Session ${session.id} (${session.kind}) starting in workspace ${workspace.id}`);
  spawnClaude(context, session.id, bin);
  if (input.prompt) sendMessage(context, session.id, input.prompt);
  return sessions.view(sessions.find(session.id));
}
